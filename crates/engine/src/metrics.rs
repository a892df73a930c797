//! CloudWatch Embedded Metric Format: one JSON line per handled event on stdout, which the
//! Lambda service turns into metrics without any API call.

use serde_json::{json, Map, Value};
use std::io::Write;
use std::time::SystemTime;

/// Namespace of every metric.
pub const NAMESPACE: &str = "Meshwarden";

/// Counts for one handled event or sweep.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Resources evaluated.
    pub evaluations: u64,
    /// Resources found non-compliant (before any revert).
    pub non_compliant: u64,
    /// Resources reverted.
    pub reverted: u64,
    /// Reverts that were due but skipped.
    pub revert_skipped: u64,
    /// Inputs or resources that could not be handled (refused describes, failed or conflicting
    /// reverts, refused records): someone must look.
    pub errors: u64,
    /// CloudTrail events received (sweeps excluded): proves the event path delivers.
    pub events_received: u64,
    /// Resources the sweep found changed without any event having recorded the change: the
    /// event path (trail, rule, forwarder) lost it.
    pub missed_events: u64,
    /// Reverts the hourly cap stopped: the resource stays drifted until someone acts.
    pub reverts_capped: u64,
    /// Resources that became non-compliant, or fail a (non-exempted) rule they did not fail in
    /// their previous STATE: what drift alarms page on.
    pub new_non_compliance: u64,
    /// Resources evaluated with at least one exempted finding.
    pub exempted: u64,
}

impl Counts {
    /// Add another set of counts.
    pub fn add(&mut self, other: Counts) {
        self.evaluations += other.evaluations;
        self.non_compliant += other.non_compliant;
        self.reverted += other.reverted;
        self.revert_skipped += other.revert_skipped;
        self.errors += other.errors;
        self.events_received += other.events_received;
        self.missed_events += other.missed_events;
        self.reverts_capped += other.reverts_capped;
        self.new_non_compliance += other.new_non_compliance;
        self.exempted += other.exempted;
    }

    /// Every metric with its CloudWatch name (the infrastructure alarms on these names).
    pub fn named(&self) -> [(&'static str, u64); 10] {
        [
            ("Evaluations", self.evaluations),
            ("NonCompliant", self.non_compliant),
            ("Reverted", self.reverted),
            ("RevertSkipped", self.revert_skipped),
            ("Errors", self.errors),
            ("EventsReceived", self.events_received),
            ("MissedEvents", self.missed_events),
            ("RevertsCapped", self.reverts_capped),
            ("NewNonCompliance", self.new_non_compliance),
            ("Exempted", self.exempted),
        ]
    }

    /// The EMF document for these counts (no dimensions, so alarms need none).
    pub fn emf(&self, at: SystemTime) -> Value {
        let millis = at
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        let named = self.named();
        let definitions: Vec<Value> = named
            .iter()
            .map(|(name, _)| json!({"Name": name, "Unit": "Count"}))
            .collect();
        let mut doc = Map::new();
        doc.insert(
            "_aws".into(),
            json!({
                "Timestamp": millis,
                "CloudWatchMetrics": [{"Namespace": NAMESPACE, "Dimensions": [[]], "Metrics": definitions}]
            }),
        );
        for (name, value) in named {
            doc.insert(name.into(), json!(value));
        }
        Value::Object(doc)
    }

    /// Write the EMF line to stdout (ignored if stdout is gone: metrics must not fail an event).
    pub fn emit(&self) {
        let line = self.emf(SystemTime::now()).to_string();
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emf_declares_every_metric_it_carries() {
        let counts = Counts {
            evaluations: 1,
            non_compliant: 1,
            reverted: 1,
            reverts_capped: 1,
            new_non_compliance: 1,
            ..Counts::default()
        };
        let doc = counts.emf(SystemTime::UNIX_EPOCH + std::time::Duration::from_millis(1500));
        assert_eq!(doc["_aws"]["Timestamp"], 1500);
        let defs = doc["_aws"]["CloudWatchMetrics"][0]["Metrics"]
            .as_array()
            .unwrap();
        assert_eq!(defs.len(), 10);
        for def in defs {
            let name = def["Name"].as_str().unwrap();
            assert!(doc.get(name).is_some(), "{name} declared but missing");
        }
        assert_eq!(doc["NonCompliant"], 1);
        assert_eq!(doc["RevertsCapped"], 1);
        assert_eq!(doc["MissedEvents"], 0);
        assert_eq!(doc["NewNonCompliance"], 1);
        assert_eq!(doc["Exempted"], 0);
        assert_eq!(
            doc["_aws"]["CloudWatchMetrics"][0]["Namespace"],
            "Meshwarden"
        );
    }
}
