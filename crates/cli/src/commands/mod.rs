//! One module per subcommand, plus what they share.

pub mod event;
pub mod input;
