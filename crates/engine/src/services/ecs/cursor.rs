//! The cursor of an ECS listing ([`crate::ports::ResourceReader::list_page`]): ECS lists services
//! per cluster, so a position is the `ListClusters` token of the clusters not yet fetched, the
//! fetched clusters not yet listed (the first is being listed) and that cluster's
//! `ListServices` token, as one opaque JSON string. A cursor is validated when decoded: one that
//! does not parse is a [`crate::error::ErrorKind::Rejected`] error, never a panic.

use crate::adapters::aws::rejected;
use crate::core::error::PortError;
use serde::{Deserialize, Serialize};

/// A position in a scope's listing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cursor {
    /// `ListClusters`' `nextToken` for the clusters after `clusters`; `None` once every
    /// cluster was fetched (or before the first page: see [`Cursor::started`]).
    #[serde(rename = "c", default, skip_serializing_if = "Option::is_none")]
    pub clusters_token: Option<String>,
    /// Fetched clusters (ARNs) not listed to the end yet; the first is being listed.
    #[serde(rename = "l", default, skip_serializing_if = "Vec::is_empty")]
    pub clusters: Vec<String>,
    /// `ListServices`' `nextToken` in the first of `clusters`.
    #[serde(rename = "s", default, skip_serializing_if = "Option::is_none")]
    pub services_token: Option<String>,
    /// Whether the first `ListClusters` page was fetched.
    #[serde(rename = "f", default)]
    pub started: bool,
}

impl Cursor {
    /// The position `cursor` names (`None`: the start).
    pub fn decode(cursor: Option<&str>) -> Result<Cursor, PortError> {
        let Some(text) = cursor else {
            return Ok(Cursor::default());
        };
        let at: Cursor = serde_json::from_str(text).map_err(|e| {
            rejected(
                "ListPage",
                format!("malformed ECS listing cursor {text:?}: {e}"),
            )
        })?;
        if !at.started {
            return Err(rejected(
                "ListPage",
                format!("malformed ECS listing cursor {text:?}: not started"),
            ));
        }
        Ok(at)
    }

    /// The cursor as handed on between list shards; `None` when nothing is left to list.
    pub fn encode(&self) -> Option<String> {
        let done = self.started && self.clusters.is_empty() && self.clusters_token.is_none();
        // A plain struct of strings always serialises.
        (!done).then(|| serde_json::to_string(self).unwrap_or_default())
    }

    /// Whether the next page needs `ListClusters` first.
    pub fn needs_clusters(&self) -> bool {
        self.clusters.is_empty() && (!self.started || self.clusters_token.is_some())
    }

    /// Record a `ListClusters` page.
    pub fn fetched_clusters(&mut self, arns: Vec<String>, token: Option<String>) {
        self.started = true;
        self.clusters = arns;
        self.clusters_token = token.filter(|t| !t.is_empty());
        self.services_token = None;
    }

    /// Record a `ListServices` page of the first cluster: on with its token, else the next
    /// cluster.
    pub fn listed_services(&mut self, token: Option<String>) {
        self.services_token = token.filter(|t| !t.is_empty());
        if self.services_token.is_none() && !self.clusters.is_empty() {
            self.clusters.remove(0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorKind;

    #[test]
    fn a_listing_pages_clusters_then_each_clusters_services() {
        let mut at = Cursor::decode(None).unwrap();
        assert!(at.needs_clusters());
        at.fetched_clusters(vec!["c1".into(), "c2".into()], Some("ct".into()));
        assert!(!at.needs_clusters());
        at.listed_services(Some("st".into()));
        let mut at = Cursor::decode(at.encode().as_deref()).unwrap();
        assert_eq!(at.clusters, vec!["c1", "c2"]);
        assert_eq!(at.services_token.as_deref(), Some("st"));
        at.listed_services(None);
        at.listed_services(None);
        assert!(at.needs_clusters(), "the next clusters page");
        let mut at = Cursor::decode(at.encode().as_deref()).unwrap();
        at.fetched_clusters(vec!["c3".into()], None);
        at.listed_services(None);
        assert_eq!(at.encode(), None, "done");
    }

    #[test]
    fn no_clusters_at_all_ends_the_listing() {
        let mut at = Cursor::default();
        at.fetched_clusters(vec![], None);
        assert_eq!(at.encode(), None);
    }

    #[test]
    fn a_malformed_cursor_is_rejected_not_a_panic() {
        for bad in [
            "",
            "services:x",
            "{}",
            "{\"f\":true,\"x\":1}",
            "{\"l\":7,\"f\":true}",
            "null",
        ] {
            let err = Cursor::decode(Some(bad)).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Rejected, "{bad:?}");
        }
    }
}
