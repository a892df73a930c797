//! (event: being written)
