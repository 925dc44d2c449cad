//! Which roles may call which screening method (least privilege).

use service_kit::auth::{Access, is_public_path};

/// Screen people; read the lists' names and versions.
pub const SCREENER: &str = "screener";
/// Load, replace and delete lists.
pub const LIST_ADMIN: &str = "list-admin";
pub const ADMIN: &str = "admin";

pub fn policy(path: &str) -> Access {
    match path.strip_prefix("/screening.v1.ScreeningService/") {
        Some("Screen" | "ScreenStream") => Access::AnyOf(&[SCREENER, ADMIN]),
        Some("ListWatchlists" | "WatchWatchlists") => Access::AnyOf(&[SCREENER, LIST_ADMIN, ADMIN]),
        Some("ImportWatchlist" | "DeleteWatchlist") => Access::AnyOf(&[LIST_ADMIN, ADMIN]),
        _ if is_public_path(path) => Access::Public,
        _ => Access::AnyOf(&[]),
    }
}
