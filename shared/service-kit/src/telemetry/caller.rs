//! Who made a call, as the log line names them. Authentication runs inside the logging
//! layer (so that refused calls are logged too), so the logging layer hands a slot down
//! with the request and authentication fills it in.

use std::sync::{Arc, OnceLock};

/// The name logged for a caller without a valid token.
pub const ANONYMOUS: &str = "anonymous";

/// Filled in once, by authentication, with the caller's principal (or `ANONYMOUS`).
#[derive(Debug, Clone, Default)]
pub(super) struct CallerSlot(Arc<OnceLock<String>>);

impl CallerSlot {
    /// The caller's name; `ANONYMOUS` when authentication never named one (a call refused
    /// before it got that far).
    pub(super) fn name(&self) -> &str {
        self.0.get().map_or(ANONYMOUS, String::as_str)
    }
}

/// Names the caller of `request` in its log line. Without the logging layer in front (a
/// handler tested on its own) there is nowhere to write it, and nothing happens.
pub fn identify_caller<B>(request: &http::Request<B>, name: &str) {
    if let Some(slot) = request.extensions().get::<CallerSlot>() {
        let _ = slot.0.set(name.to_owned());
    }
}
