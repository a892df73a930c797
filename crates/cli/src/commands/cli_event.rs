//! The event a command sends through the responder's pipeline when it changes (or re-evaluates)
//! a resource itself.

use meshwarden_engine::core::record::rfc3339;
use meshwarden_rules::event::{EventMeta, Route, RoutedEvent};
use meshwarden_rules::resource::ResourceRef;
use std::time::SystemTime;

/// An evaluation of `resource` caused by the command line (`event_name`), made by `account`.
pub fn evaluate(resource: &ResourceRef, event_name: &str, account: &str) -> RoutedEvent {
    let now = SystemTime::now();
    RoutedEvent {
        meta: EventMeta {
            event_id: format!(
                "cli-{}",
                now.duration_since(SystemTime::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or_default()
            ),
            event_name: event_name.to_owned(),
            event_source: "meshwarden-cli".to_owned(),
            event_time: rfc3339(now),
            region: resource.region.clone(),
            recipient_account: resource.account.clone(),
            actor: Some(format!("meshwarden-cli ({account})")),
            actor_issuer: None,
        },
        route: Route::Evaluate {
            resource: resource.clone(),
            expected_version: None,
            expected_uid: None,
        },
    }
}
