//! Wire types for the `common.v1`, `screening.v1` and `registry.v1` packages.

#![allow(clippy::all, clippy::pedantic, missing_docs)]

pub mod common {
    pub mod v1 {
        tonic::include_proto!("common.v1");
    }
}

pub mod screening {
    pub mod v1 {
        tonic::include_proto!("screening.v1");
    }
}

pub mod registry {
    pub mod v1 {
        tonic::include_proto!("registry.v1");
    }
}

/// Encoded `FileDescriptorSet` of every proto file, for server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("descriptor");
