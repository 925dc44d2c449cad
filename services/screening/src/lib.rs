//! The watchlist screening service: loads sanctions lists and screens people against them.
//! Matching and screening are the `name_matching` library's; this crate reads the lists
//! (`lists`, `imports`), serves them (`domain::catalog`), answers over gRPC and stores.

pub mod config;
pub mod domain;
pub mod grpc;
pub mod imports;
pub mod lists;
pub mod metrics;
pub mod startup;
pub mod store;
