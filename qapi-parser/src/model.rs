//! CONTRACT STUB (being filled in): the resolved schema model.

/// A checked schema.
#[derive(Clone, Debug, Default)]
pub struct Schema {}
