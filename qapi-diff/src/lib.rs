//! qapi-diff: being built.
