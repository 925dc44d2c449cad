//! The watchlist screening service: loads sanctions lists and screens people against them.

pub mod config;
pub mod domain;
pub mod grpc;
pub mod lists;
pub mod startup;
pub mod store;
