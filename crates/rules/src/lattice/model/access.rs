//! Kind-independent access to what service networks and services share (auth type, auth
//! policy, access log subscriptions), so one check can serve both kinds. The `_slot` accessors
//! are for writing; they are `None` for a kind without the member.

use super::{AccessLogSubscription, AuthPolicy, ListenerData};
use crate::model::Resource;

impl Resource {
    /// The JSON member holding a VPC Lattice resource's own data (`serviceNetwork`, `service`,
    /// `targetGroup`), to name fields in reasons; `None` for App Mesh.
    pub fn lattice_member(&self) -> Option<&'static str> {
        (self.service() == crate::resource::AwsService::VpcLattice).then(|| self.kind().as_str())
    }

    /// `authType` of a service network or service (absent means `NONE`).
    pub fn auth_type(&self) -> Option<&str> {
        match self {
            Resource::ServiceNetwork(d) => d.service_network.auth_type.as_deref(),
            Resource::Service(d) => d.service.auth_type.as_deref(),
            _ => None,
        }
    }

    /// Where a service network's or service's `authType` lives.
    pub fn auth_type_slot(&mut self) -> Option<&mut Option<String>> {
        match self {
            Resource::ServiceNetwork(d) => Some(&mut d.service_network.auth_type),
            Resource::Service(d) => Some(&mut d.service.auth_type),
            _ => None,
        }
    }

    /// `authPolicy` of a service network or service: `None` when not described (or another
    /// kind), `Some(None)` when it has none.
    pub fn auth_policy(&self) -> Option<Option<&AuthPolicy>> {
        match self {
            Resource::ServiceNetwork(d) => d.auth_policy.as_ref().map(Option::as_ref),
            Resource::Service(d) => d.auth_policy.as_ref().map(Option::as_ref),
            _ => None,
        }
    }

    /// Where a service network's or service's `authPolicy` lives.
    pub fn auth_policy_slot(&mut self) -> Option<&mut Option<Option<AuthPolicy>>> {
        match self {
            Resource::ServiceNetwork(d) => Some(&mut d.auth_policy),
            Resource::Service(d) => Some(&mut d.auth_policy),
            _ => None,
        }
    }

    /// `accessLogSubscriptions` of a service network or service: `None` when not described (or
    /// another kind).
    pub fn access_log_subscriptions(&self) -> Option<&[AccessLogSubscription]> {
        match self {
            Resource::ServiceNetwork(d) => d.access_log_subscriptions.as_deref(),
            Resource::Service(d) => d.access_log_subscriptions.as_deref(),
            _ => None,
        }
    }

    /// The parts of the resource, with their own ids, that a call may name without naming the
    /// resource (`DeleteAccessLogSubscription` names only `als-…`, `DeleteServiceNetworkVpcAssociation`
    /// only `snva-…`): `(kind, id)` pairs, the kind
    /// camelCase as in [`crate::resource::ChildRef`].
    pub fn named_parts(&self) -> Vec<(&'static str, &str)> {
        let subscriptions = self
            .access_log_subscriptions()
            .unwrap_or_default()
            .iter()
            .filter_map(|s| s.id.as_deref())
            .map(|id| ("accessLogSubscription", id));
        let associations = match self {
            Resource::ServiceNetwork(d) => d.vpc_associations.as_deref().unwrap_or_default(),
            _ => &[],
        }
        .iter()
        .filter_map(|a| a.id.as_deref())
        .map(|id| ("serviceNetworkVpcAssociation", id));
        subscriptions.chain(associations).collect()
    }

    /// Where a service network's or service's `accessLogSubscriptions` live.
    pub fn access_log_subscriptions_slot(
        &mut self,
    ) -> Option<&mut Option<Vec<AccessLogSubscription>>> {
        match self {
            Resource::ServiceNetwork(d) => Some(&mut d.access_log_subscriptions),
            Resource::Service(d) => Some(&mut d.access_log_subscriptions),
            _ => None,
        }
    }

    /// A service's `listeners`: `None` when not described (or another kind).
    pub fn lattice_listeners(&self) -> Option<&[ListenerData]> {
        match self {
            Resource::Service(d) => d.listeners.as_deref(),
            _ => None,
        }
    }

    /// Whether a service has listeners and every one is `TLS_PASSTHROUGH`: VPC Lattice then
    /// never decrypts its traffic, so its auth policy can only name anonymous principals and
    /// its certificate is not used.
    pub fn passthrough_only(&self) -> bool {
        self.lattice_listeners().is_some_and(|listeners| {
            !listeners.is_empty() && listeners.iter().all(ListenerData::is_passthrough)
        })
    }
}

impl ListenerData {
    /// Whether the listener passes TLS through to the targets without decrypting it.
    pub fn is_passthrough(&self) -> bool {
        self.protocol.as_deref() == Some(super::TLS_PASSTHROUGH)
    }

    /// A short label for reasons: `listeners[0] "web" (port 80)`.
    pub fn label(&self, index: usize) -> String {
        let mut label = format!("listeners[{index}]");
        if let Some(name) = self.name.as_deref().or(self.id.as_deref()) {
            label.push_str(&format!(" {name:?}"));
        }
        if let Some(port) = self.port {
            label.push_str(&format!(" (port {port})"));
        }
        label
    }
}
