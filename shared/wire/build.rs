use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let proto_root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../proto");
    let files = [
        "common/v1/person.proto",
        "common/v1/screening_result.proto",
        "screening/v1/screening.proto",
        "registry/v1/registry.proto",
    ]
    .map(|file| proto_root.join(file));
    let descriptor_path = PathBuf::from(std::env::var("OUT_DIR")?).join("descriptor.bin");

    // Cargo re-runs this script when anything under proto/ changes.
    println!("cargo:rerun-if-changed={}", proto_root.display());
    tonic_prost_build::configure()
        .file_descriptor_set_path(&descriptor_path)
        .compile_protos(&files, &[proto_root])?;
    Ok(())
}
