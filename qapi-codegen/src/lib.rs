//! qapi-codegen: being built (see README).
