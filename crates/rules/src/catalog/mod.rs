//! (catalog: being written)
