//! Generates the QMP bindings from QEMU 10.0.2's schema (`schemas/qemu-10.0.2/qapi/`, an
//! unchanged copy; see `schemas/README.md`). Its `if` conditions name QEMU's build symbols
//! (`CONFIG_*`, `TARGET_*`); none is mapped, so everything any QEMU build may offer is generated.

fn main() -> Result<(), qapi_codegen::Error> {
    qapi_codegen::Builder::new("../schemas/qemu-10.0.2/qapi/qapi-schema.json").generate()
}
