//! qapi-runtime: being built (see README).
