//! The watchlist screening service: loads sanctions lists and screens people against them.

pub mod benchmarking;
pub mod config;
pub mod domain;
pub mod evaluation;
pub mod grpc;
pub mod imports;
pub mod lists;
pub mod metrics;
pub mod startup;
pub mod store;
