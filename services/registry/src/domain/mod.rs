//! The registry's domain: subjects, their case status and their screening record.
//! No transport, no storage.

pub mod audit;
pub mod screening;
pub mod subject;
