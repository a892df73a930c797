//! meshwarden-engine (placeholder, built out by issue 3).
