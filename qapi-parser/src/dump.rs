//! CONTRACT STUB (being filled in): QEMU's test dump of a checked schema.
