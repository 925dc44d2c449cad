//! Server plumbing both services share, so that each service's code is only its own logic:
//! telemetry, the per-RPC tracing layer, health and reflection, graceful shutdown, and the
//! conversion of errors into gRPC statuses.

pub mod auth;
pub mod errors;
pub mod message_limit;
pub mod metrics;
pub mod overload;
pub mod request_id;
pub mod server;
pub mod shutdown;
pub mod telemetry;
pub mod tls;

pub use server::{GrpcServer, ServerSettings};
pub use shutdown::shutdown_signal;
