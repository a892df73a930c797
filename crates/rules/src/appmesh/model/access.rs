//! Kind-independent access to the parts gateways and nodes share, so one check can serve both.
//! The `_slot` accessors create the spec when it is absent: call them only to write. Every
//! accessor answers "none" for a kind without the part (a mesh, or any VPC Lattice resource).

use super::{BackendDefaults, Listener, Logging};
use crate::model::Resource;

impl Resource {
    /// The listeners (none for a mesh or a spec without them).
    pub fn listeners(&self) -> &[Listener] {
        let listeners = match self {
            Resource::VirtualGateway(g) => g.spec.as_ref().and_then(|s| s.listeners.as_deref()),
            Resource::VirtualNode(n) => n.spec.as_ref().and_then(|s| s.listeners.as_deref()),
            _ => None,
        };
        listeners.unwrap_or_default()
    }

    /// The listeners, mutably.
    pub fn listeners_mut(&mut self) -> &mut [Listener] {
        let listeners = match self {
            Resource::VirtualGateway(g) => g.spec.as_mut().and_then(|s| s.listeners.as_deref_mut()),
            Resource::VirtualNode(n) => n.spec.as_mut().and_then(|s| s.listeners.as_deref_mut()),
            _ => None,
        };
        listeners.unwrap_or_default()
    }

    /// `spec.backendDefaults` of a gateway or node.
    pub fn backend_defaults(&self) -> Option<&BackendDefaults> {
        match self {
            Resource::VirtualGateway(g) => {
                g.spec.as_ref().and_then(|s| s.backend_defaults.as_ref())
            }
            Resource::VirtualNode(n) => n.spec.as_ref().and_then(|s| s.backend_defaults.as_ref()),
            _ => None,
        }
    }

    /// Where `spec.backendDefaults` lives (`None` for a mesh, which has none).
    pub fn backend_defaults_slot(&mut self) -> Option<&mut Option<BackendDefaults>> {
        match self {
            Resource::VirtualGateway(g) => {
                Some(&mut g.spec.get_or_insert_with(Default::default).backend_defaults)
            }
            Resource::VirtualNode(n) => {
                Some(&mut n.spec.get_or_insert_with(Default::default).backend_defaults)
            }
            _ => None,
        }
    }

    /// `spec.logging` of a gateway or node.
    pub fn logging(&self) -> Option<&Logging> {
        match self {
            Resource::VirtualGateway(g) => g.spec.as_ref().and_then(|s| s.logging.as_ref()),
            Resource::VirtualNode(n) => n.spec.as_ref().and_then(|s| s.logging.as_ref()),
            _ => None,
        }
    }

    /// Where `spec.logging` lives (`None` for a mesh).
    pub fn logging_slot(&mut self) -> Option<&mut Option<Logging>> {
        match self {
            Resource::VirtualGateway(g) => {
                Some(&mut g.spec.get_or_insert_with(Default::default).logging)
            }
            Resource::VirtualNode(n) => {
                Some(&mut n.spec.get_or_insert_with(Default::default).logging)
            }
            _ => None,
        }
    }
}
