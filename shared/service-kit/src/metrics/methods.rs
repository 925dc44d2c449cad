//! The methods a call may be labelled with. A path that names no method of the project's
//! services, health or reflection is labelled `unknown`: anyone can send a request to any
//! path, and one series per made-up path would let a caller grow the metrics without end.

use std::collections::HashSet;
use std::sync::OnceLock;

use prost::Message;

/// The label value of a path that names no known method.
pub const UNKNOWN: &str = "unknown";

/// Reflection's methods, which its crate publishes no descriptor for.
const REFLECTION_PATHS: [&str; 2] = [
    "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
    "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
];

/// `(service, method)` of a call's path (`/screening.v1.ScreeningService/Screen`), both
/// `unknown` when the path is not a known method.
pub(crate) fn service_and_method(path: &str) -> (String, String) {
    if known_paths().contains(path)
        && let Some((service, method)) = path.trim_start_matches('/').split_once('/')
    {
        return (service.to_owned(), method.to_owned());
    }
    (UNKNOWN.to_owned(), UNKNOWN.to_owned())
}

fn known_paths() -> &'static HashSet<String> {
    static PATHS: OnceLock<HashSet<String>> = OnceLock::new();
    PATHS.get_or_init(|| {
        let mut paths: HashSet<String> = REFLECTION_PATHS.iter().map(|p| (*p).to_owned()).collect();
        for encoded in [
            wire::FILE_DESCRIPTOR_SET,
            tonic_health::pb::FILE_DESCRIPTOR_SET,
        ] {
            // Both sets are compiled in by their build scripts; one that did not decode
            // would only leave its methods labelled `unknown`.
            let Ok(set) = prost_types::FileDescriptorSet::decode(encoded) else {
                continue;
            };
            for file in &set.file {
                for service in &file.service {
                    let full_service = format!("{}.{}", file.package(), service.name());
                    for method in &service.method {
                        paths.insert(format!("/{full_service}/{}", method.name()));
                    }
                }
            }
        }
        paths
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_method_is_split_into_its_service_and_method() {
        assert_eq!(
            service_and_method("/screening.v1.ScreeningService/Screen"),
            (
                "screening.v1.ScreeningService".to_owned(),
                "Screen".to_owned()
            )
        );
        assert_eq!(
            service_and_method("/grpc.health.v1.Health/Check"),
            ("grpc.health.v1.Health".to_owned(), "Check".to_owned())
        );
        assert_eq!(
            service_and_method(REFLECTION_PATHS[1]).1,
            "ServerReflectionInfo"
        );
    }

    #[test]
    fn a_made_up_path_is_labelled_unknown() {
        for path in [
            "/screening.v1.ScreeningService/NoSuchMethod",
            "/made.up.Service/Screen",
            "/",
            "",
        ] {
            assert_eq!(
                service_and_method(path),
                (UNKNOWN.to_owned(), UNKNOWN.to_owned()),
                "{path}"
            );
        }
    }
}
