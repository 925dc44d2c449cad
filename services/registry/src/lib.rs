//! The subject registry: records people at intake, screens them, and keeps their case.

pub mod casework;
pub mod config;
pub mod domain;
pub mod grpc;
pub mod intake;
pub mod metrics;
pub mod screening_client;
pub mod screening_link;
pub mod startup;
pub mod store;
pub mod workers;
