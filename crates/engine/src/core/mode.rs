//! [`AutoRevert`]: what the responder does with a non-compliant resource (the `AUTO_REVERT`
//! setting, parsed by [`crate::config`]).

use std::fmt;

/// What the responder does with a non-compliant resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AutoRevert {
    /// Record only (default).
    #[default]
    Off,
    /// Record what would change, change nothing.
    DryRun,
    /// Put the resource back into a compliant state.
    On,
}

impl fmt::Display for AutoRevert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AutoRevert::Off => "off",
            AutoRevert::DryRun => "dry-run",
            AutoRevert::On => "on",
        })
    }
}
