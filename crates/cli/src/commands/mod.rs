//! One module per subcommand, plus what they share.

pub mod check;
pub mod event;
pub mod fix;
pub mod input;
pub mod rule_args;
pub mod rules;
pub mod table;
