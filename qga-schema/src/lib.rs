//! qga-schema: being built (see README).
