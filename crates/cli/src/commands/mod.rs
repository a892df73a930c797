//! One module per subcommand, plus what they share.

pub mod check;
pub mod cli_event;
pub mod dlq;
pub mod escape;
pub mod event;
pub mod exempt;
pub mod fix;
pub mod history;
pub mod input;
pub mod regions;
pub mod remediate;
pub mod replay;
pub mod report;
pub mod resource_column;
pub mod rule_args;
pub mod rules;
pub mod scan;
pub mod session;
pub mod state_view;
pub mod status;
pub mod table;
