//! Exemption items: how an accepted failure is kept in the compliance table.
//!
//! One item per (resource, rule): `pk` the resource's stored id, `sk` `EXEMPT#{ruleId}`, with the
//! rule, reason, end (`until`, RFC 3339), who made it (`createdBy`, the caller's ARN) and when
//! (`createdAt`). Each also carries `exemption` = [`EXEMPTION_KEY`], the partition key of the
//! sparse `exemptions` index, so every exemption is listed with one Query (no scan).

use meshwarden_rules::exemption::Exemption;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::SystemTime;

/// Prefix of an exemption item's sort key (followed by the rule id).
pub const EXEMPT_SK_PREFIX: &str = "EXEMPT#";
/// Value of `exemption`, the partition key of the sparse index of exemption items.
pub const EXEMPTION_KEY: &str = "EXEMPT";

/// An exemption item as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExemptionItem {
    /// The resource's stored id.
    pub pk: String,
    /// `EXEMPT#{ruleId}`.
    pub sk: String,
    /// The rule's catalog id.
    pub rule: String,
    /// Why the failure is accepted.
    pub reason: String,
    /// When the exemption ends (RFC 3339).
    pub until: String,
    /// Who made it (the caller's ARN).
    pub created_by: String,
    /// When it was made (RFC 3339).
    pub created_at: String,
    /// [`EXEMPTION_KEY`]: puts the item in the `exemptions` index.
    pub exemption: String,
}

impl ExemptionItem {
    /// The item exempting `rule` on the resource `id`.
    pub fn new(id: &str, exemption: Exemption, created_by: &str, created_at: &str) -> Self {
        ExemptionItem {
            pk: id.to_owned(),
            sk: sort_key(&exemption.rule),
            rule: exemption.rule,
            reason: exemption.reason,
            until: exemption.until,
            created_by: created_by.to_owned(),
            created_at: created_at.to_owned(),
            exemption: EXEMPTION_KEY.to_owned(),
        }
    }

    /// What evaluation needs of it.
    pub fn exemption(&self) -> Exemption {
        Exemption {
            rule: self.rule.clone(),
            reason: self.reason.clone(),
            until: self.until.clone(),
        }
    }

    /// Whether it has ended at `now`.
    pub fn expired_at(&self, now: SystemTime) -> bool {
        !self.exemption().active_at(now)
    }
}

/// The sort key of `rule`'s exemption item.
pub fn sort_key(rule: &str) -> String {
    format!("{EXEMPT_SK_PREFIX}{rule}")
}

/// Exemptions by resource id, as a sweep reads them (every one with one Query of the index).
pub type ByResource = HashMap<String, Vec<Exemption>>;

/// Group exemption items by resource id.
pub fn by_resource(items: &[ExemptionItem]) -> ByResource {
    let mut grouped = ByResource::new();
    for item in items {
        grouped
            .entry(item.pk.clone())
            .or_default()
            .push(item.exemption());
    }
    grouped
}
