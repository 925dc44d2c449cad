//! Who may call what. Callers present `authorization: Bearer <token>`; the token maps to a
//! principal with roles, and each service's policy names the roles each method needs.
//! Health and reflection stay open so that orchestrators and grpcurl can find the service.
//!
//! Tokens are kept as SHA-256 hashes in a file, one per line:
//! `<principal> <role>[,<role>...] sha256:<hex of the token's hash>`.
//! A server without a tokens file refuses every call that its policy does not make public.

use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use anyhow::Context as _;
use sha2::{Digest, Sha256};
use tonic::Status;
use tower::{Layer, Service};

use crate::telemetry::{ANONYMOUS, identify_caller};

/// The authenticated caller, available to handlers in the request's extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub name: String,
    pub roles: BTreeSet<String>,
}

/// What a method requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, authenticated or not (health checks, reflection).
    Public,
    /// An authenticated caller holding one of these roles. Empty means nobody.
    AnyOf(&'static [&'static str]),
}

/// A service's rules: the access a method path (`/pkg.Service/Method`) requires.
pub type Policy = fn(&str) -> Access;

/// The paths every server leaves open.
pub fn is_public_path(path: &str) -> bool {
    path.starts_with("/grpc.health.v1.Health/")
        || path.starts_with("/grpc.reflection.v1.ServerReflection/")
        || path.starts_with("/grpc.reflection.v1alpha.ServerReflection/")
}

/// The known tokens, by the hash of the token.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    by_hash: HashMap<[u8; 32], Arc<Principal>>,
}

impl Credentials {
    /// No tokens: only public methods can be called.
    pub fn none() -> Self {
        Self::default()
    }

    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the tokens file {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("in the tokens file {}", path.display()))
    }

    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let mut by_hash = HashMap::new();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (hash, principal) = parse_line(line).with_context(|| {
                format!(
                    "line {}: expected `PRINCIPAL ROLE[,ROLE] sha256:HEX`",
                    index + 1
                )
            })?;
            if by_hash.insert(hash, Arc::new(principal)).is_some() {
                anyhow::bail!("line {}: this token is listed twice", index + 1);
            }
        }
        Ok(Self { by_hash })
    }

    /// The tokens file at `path`, or no tokens (with a warning) when there is none.
    pub fn from_optional_file(path: Option<&Path>) -> anyhow::Result<Self> {
        match path {
            Some(path) => Self::load(path),
            None => {
                tracing::warn!(
                    "no tokens file configured: every call but health checks and reflection will be refused"
                );
                Ok(Self::none())
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }

    fn authenticate(&self, token: &str) -> Option<Arc<Principal>> {
        self.by_hash.get(&token_hash(token)).cloned()
    }
}

fn parse_line(line: &str) -> Option<([u8; 32], Principal)> {
    let mut fields = line.split_whitespace();
    let name = fields.next()?;
    let roles: BTreeSet<String> = fields
        .next()?
        .split(',')
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .collect();
    let hex_hash = fields.next()?.strip_prefix("sha256:")?;
    if fields.next().is_some() || roles.is_empty() {
        return None;
    }
    let hash: [u8; 32] = hex::decode(hex_hash).ok()?.try_into().ok()?;
    Some((
        hash,
        Principal {
            name: name.to_owned(),
            roles,
        },
    ))
}

fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// The line that grants `roles` to `principal` for `token`, for writing tokens files.
pub fn tokens_file_line(principal: &str, roles: &[&str], token: &str) -> String {
    format!(
        "{principal} {} sha256:{}",
        roles.join(","),
        hex::encode(token_hash(token))
    )
}

/// Checks every request against the credentials and the policy before it reaches a handler.
#[derive(Debug, Clone)]
pub struct AuthLayer {
    credentials: Arc<Credentials>,
    policy: Policy,
}

impl AuthLayer {
    pub fn new(credentials: Credentials, policy: Policy) -> Self {
        Self {
            credentials: Arc::new(credentials),
            policy,
        }
    }

    /// Lets the request through with its principal, or refuses it; either way the call's
    /// log line learns who called (`anonymous` without a valid token), so that refused calls
    /// are attributed too.
    fn check<B>(&self, request: &mut http::Request<B>) -> Result<(), Status> {
        let path = request.uri().path();
        let allowed = match (self.policy)(path) {
            Access::Public => {
                identify_caller(request, ANONYMOUS);
                return Ok(());
            }
            Access::AnyOf(roles) => roles,
        };
        let principal = self.authenticate(request);
        identify_caller(
            request,
            principal.as_ref().map_or(ANONYMOUS, |p| p.name.as_str()),
        );
        let principal = principal?;
        if !allowed.iter().any(|role| principal.roles.contains(*role)) {
            return Err(Status::permission_denied(format!(
                "this method needs one of the roles: {}",
                allowed.join(", ")
            )));
        }
        request.extensions_mut().insert(principal);
        Ok(())
    }
}

impl AuthLayer {
    fn authenticate<B>(&self, request: &http::Request<B>) -> Result<Arc<Principal>, Status> {
        let token = request
            .headers()
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| Status::unauthenticated("a bearer token is required"))?;
        self.credentials
            .authenticate(token)
            .ok_or_else(|| Status::unauthenticated("the bearer token is not valid"))
    }
}

impl<S> Layer<S> for AuthLayer {
    type Service = AuthService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        AuthService {
            inner,
            layer: self.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct AuthService<S> {
    inner: S,
    layer: AuthLayer,
}

impl<S, B> Service<http::Request<B>> for AuthService<S>
where
    S: Service<http::Request<B>, Response = http::Response<tonic::body::Body>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        match self.layer.check(&mut request) {
            Ok(()) => Box::pin(self.inner.call(request)),
            Err(status) => Box::pin(std::future::ready(Ok(status.into_http()))),
        }
    }
}

/// The caller a handler is serving; `None` only for public methods.
pub fn principal<T>(request: &tonic::Request<T>) -> Option<&Principal> {
    request
        .extensions()
        .get::<Arc<Principal>>()
        .map(AsRef::as_ref)
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: Policy = |path| match path {
        "/x.v1.S/Read" => Access::AnyOf(&["viewer", "admin"]),
        "/x.v1.S/Write" => Access::AnyOf(&["admin"]),
        p if is_public_path(p) => Access::Public,
        _ => Access::AnyOf(&[]),
    };

    fn layer() -> AuthLayer {
        let file = [
            tokens_file_line("alice", &["viewer"], "alice-token"),
            tokens_file_line("root", &["admin"], "root-token"),
        ]
        .join("\n");
        AuthLayer::new(Credentials::parse(&file).expect("valid"), POLICY)
    }

    fn check(path: &str, token: Option<&str>) -> Result<Option<String>, tonic::Code> {
        let mut builder = http::Request::builder().uri(format!("http://h{path}"));
        if let Some(token) = token {
            builder = builder.header("authorization", format!("Bearer {token}"));
        }
        let mut request = builder.body(()).expect("a request");
        layer()
            .check(&mut request)
            .map(|()| {
                request
                    .extensions()
                    .get::<Arc<Principal>>()
                    .map(|p| p.name.clone())
            })
            .map_err(|s| s.code())
    }

    #[test]
    fn health_and_reflection_need_no_token() {
        assert_eq!(check("/grpc.health.v1.Health/Check", None), Ok(None));
        assert_eq!(
            check(
                "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                None
            ),
            Ok(None)
        );
    }

    #[test]
    fn a_missing_or_unknown_token_is_unauthenticated() {
        assert_eq!(
            check("/x.v1.S/Read", None),
            Err(tonic::Code::Unauthenticated)
        );
        assert_eq!(
            check("/x.v1.S/Read", Some("guess")),
            Err(tonic::Code::Unauthenticated)
        );
    }

    #[test]
    fn a_role_outside_the_policy_is_denied() {
        assert_eq!(
            check("/x.v1.S/Write", Some("alice-token")),
            Err(tonic::Code::PermissionDenied)
        );
        assert_eq!(
            check("/x.v1.S/Unknown", Some("root-token")),
            Err(tonic::Code::PermissionDenied)
        );
    }

    #[test]
    fn an_allowed_caller_is_passed_on_with_their_identity() {
        assert_eq!(
            check("/x.v1.S/Read", Some("alice-token")),
            Ok(Some("alice".into()))
        );
        assert_eq!(
            check("/x.v1.S/Write", Some("root-token")),
            Ok(Some("root".into()))
        );
    }

    #[test]
    fn malformed_tokens_files_are_refused_with_the_line() {
        let error = Credentials::parse("# comment\nalice viewer md5:abc\n").expect_err("bad");
        assert!(format!("{error:#}").contains("line 2"));
        let twice = tokens_file_line("a", &["viewer"], "t");
        assert!(Credentials::parse(&format!("{twice}\n{twice}")).is_err());
    }
}
