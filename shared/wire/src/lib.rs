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

/// The version of the matching engine (name matching and scoring) as a string literal, for
/// `concat!`: screening reports it in every `ScreenResponse.engine_version`, and `--version`
/// prints it. It moves with the workspace's version, which every change to matching bumps.
#[macro_export]
macro_rules! engine_version {
    () => {
        concat!("screening-engine/", env!("CARGO_PKG_VERSION"))
    };
}

/// `engine_version!()` as a constant.
pub const ENGINE_VERSION: &str = engine_version!();

/// What `--version` prints after a service's name: the crate's version and the engine's.
#[macro_export]
macro_rules! version_with_engine {
    () => {
        concat!(
            env!("CARGO_PKG_VERSION"),
            " (matching engine ",
            $crate::engine_version!(),
            ")"
        )
    };
}

/// Encoded `FileDescriptorSet` of every proto file, for server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("descriptor");
