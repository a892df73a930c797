//! CloudWatch Embedded Metric Format: one JSON line per handled event on stdout, which the
//! Lambda service turns into metrics without any API call.
//!
//! Every metric is published with the dimension sets `[[], ["Service"]]`: the dimensionless
//! series (alarms) and one per service (`appmesh` | `vpc-lattice`, dashboards). The line is
//! ingested as a log line and paid for by the byte, so it carries nothing optional: no `Unit`
//! (CloudWatch records `None`; alarms and dashboards here name no unit), and no metric that
//! is 0: a metric absent from the line records no datapoint, and every alarm on these metrics
//! sums them against "greater than 0" with missing data treated as not breaching (infra
//! `overZero`), so a missing datapoint and a 0 decide alike; the dashboard's sums show a gap
//! instead of 0. A line whose every count is 0 is not written at all.
//! <https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-missing-data>
//! <https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html>

use meshwarden_rules::resource::AwsService;
use serde_json::{json, Map, Value};
use std::io::Write;
use std::time::SystemTime;

/// Namespace of every metric.
pub const NAMESPACE: &str = "Meshwarden";

/// Which service counts belong to, for the `Service` dimension.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Attribution {
    /// Not known (a malformed event, a sweep plan): published without the `Service` set.
    #[default]
    Unknown,
    /// One service.
    Service(AwsService),
    /// Several (an inline sweep of every service): published without the `Service` set.
    Mixed,
}

impl Attribution {
    /// The attribution of counts of both.
    pub fn merge(self, other: Attribution) -> Attribution {
        match (self, other) {
            (Attribution::Unknown, x) | (x, Attribution::Unknown) => x,
            (Attribution::Service(a), Attribution::Service(b)) if a == b => self,
            _ => Attribution::Mixed,
        }
    }
}

/// Counts for one handled event or sweep.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// The service counted (the `Service` dimension's value).
    pub service: Attribution,
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
        self.service = self.service.merge(other.service);
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

    /// These counts, attributed to `service`.
    pub fn of(self, service: Option<AwsService>) -> Counts {
        Counts {
            service: service.map_or(self.service, Attribution::Service),
            ..self
        }
    }

    /// The EMF document for these counts: dimension sets `[[], ["Service"]]` when one service
    /// is counted, else `[[]]` (alarms use the dimensionless series either way); only the
    /// metrics that are not 0, and `None` when all are.
    pub fn emf(&self, at: SystemTime) -> Option<Value> {
        let millis = at
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        let named: Vec<_> = self.named().into_iter().filter(|(_, v)| *v != 0).collect();
        if named.is_empty() {
            return None;
        }
        let definitions: Vec<Value> = named
            .iter()
            .map(|(name, _)| json!({ "Name": name }))
            .collect();
        let mut doc = Map::new();
        let dimensions = match self.service {
            Attribution::Service(_) => json!([[], ["Service"]]),
            Attribution::Unknown | Attribution::Mixed => json!([[]]),
        };
        doc.insert(
            "_aws".into(),
            json!({
                "Timestamp": millis,
                "CloudWatchMetrics": [{"Namespace": NAMESPACE, "Dimensions": dimensions, "Metrics": definitions}]
            }),
        );
        if let Attribution::Service(service) = self.service {
            doc.insert("Service".into(), json!(service.as_str()));
        }
        for (name, value) in named {
            doc.insert(name.into(), json!(value));
        }
        Some(Value::Object(doc))
    }

    /// Write the EMF line to stdout, if any count is not 0 (ignored if stdout is gone: metrics
    /// must not fail an event).
    pub fn emit(&self) {
        let Some(doc) = self.emf(SystemTime::now()) else {
            return;
        };
        let line = doc.to_string();
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emf_declares_every_metric_it_carries_and_carries_no_zero() {
        let counts = Counts {
            evaluations: 1,
            non_compliant: 1,
            reverted: 1,
            reverts_capped: 1,
            new_non_compliance: 1,
            ..Counts::default()
        };
        let doc = counts
            .emf(SystemTime::UNIX_EPOCH + std::time::Duration::from_millis(1500))
            .unwrap();
        assert_eq!(doc["_aws"]["Timestamp"], 1500);
        let defs = doc["_aws"]["CloudWatchMetrics"][0]["Metrics"]
            .as_array()
            .unwrap();
        assert_eq!(defs.len(), 5, "the five counts that are not 0");
        for def in defs {
            let name = def["Name"].as_str().unwrap();
            assert!(doc.get(name).is_some(), "{name} declared but missing");
        }
        assert_eq!(doc["NonCompliant"], 1);
        assert_eq!(doc["RevertsCapped"], 1);
        assert_eq!(doc["NewNonCompliance"], 1);
        for zero in [
            "MissedEvents",
            "Exempted",
            "Errors",
            "RevertSkipped",
            "EventsReceived",
        ] {
            assert!(doc.get(zero).is_none(), "{zero} is 0: not in the line");
        }
        assert_eq!(
            doc["_aws"]["CloudWatchMetrics"][0]["Namespace"],
            "Meshwarden"
        );
        assert_eq!(
            doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
            json!([[]]),
            "no service known: the dimensionless set only"
        );
        assert!(doc.get("Service").is_none());
    }

    #[test]
    fn one_service_is_a_dimension_and_several_are_not() {
        let at = SystemTime::UNIX_EPOCH;
        let one = Counts {
            evaluations: 1,
            ..Counts::default()
        };
        let lattice = one.of(Some(AwsService::VpcLattice));
        let doc = lattice.emf(at).unwrap();
        assert_eq!(
            doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
            json!([[], ["Service"]])
        );
        assert_eq!(doc["Service"], "vpc-lattice");
        let mut both = lattice;
        both.add(Counts::default().of(Some(AwsService::VpcLattice)));
        assert_eq!(both.service, Attribution::Service(AwsService::VpcLattice));
        both.add(Counts::default());
        assert_eq!(both.service, Attribution::Service(AwsService::VpcLattice));
        both.add(Counts::default().of(Some(AwsService::AppMesh)));
        assert_eq!(both.service, Attribution::Mixed);
        both.add(Counts::default().of(Some(AwsService::AppMesh)));
        assert_eq!(both.service, Attribution::Mixed, "mixed stays mixed");
        assert_eq!(both.evaluations, 1);
        assert_eq!(
            both.emf(at).unwrap()["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
            json!([[]])
        );
    }

    #[test]
    fn counts_that_are_all_zero_write_no_line() {
        let none = Counts::default().of(Some(AwsService::AppMesh));
        assert_eq!(none.emf(SystemTime::UNIX_EPOCH), None);
    }
}
