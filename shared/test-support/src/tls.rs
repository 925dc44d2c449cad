//! Certificates made at test time (with `rcgen`, through the service kit's local CA): a CA,
//! server and client certificates from it, written as PEM files to a folder that lives as
//! long as the [`TestPki`].

use std::path::{Path, PathBuf};

use service_kit::tls::local_ca::{IssuedPair, LocalCa};

/// The names a test server's certificate carries: the addresses tests dial.
pub const SERVER_NAMES: &[&str] = &["localhost", "127.0.0.1"];

/// A certificate and key as files.
#[derive(Debug, Clone)]
pub struct PemFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

pub struct TestPki {
    ca: LocalCa,
    ca_file: PathBuf,
    dir: tempfile::TempDir,
}

impl TestPki {
    /// A new CA named `name`, valid for a day.
    pub fn new(name: &str) -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let ca = LocalCa::generate(name, time::Duration::days(1)).expect("a CA is generated");
        let ca_file = dir.path().join("ca.pem");
        std::fs::write(&ca_file, ca.cert_pem()).expect("the CA is written");
        Self { ca, ca_file, dir }
    }

    /// The CA's certificate file.
    pub fn ca(&self) -> &Path {
        &self.ca_file
    }

    /// A server certificate for [`SERVER_NAMES`], in `FILE.pem` and `FILE-key.pem`.
    pub fn server(&self, file: &str) -> PemFiles {
        self.server_for(file, SERVER_NAMES)
    }

    /// A server certificate for `names`.
    pub fn server_for(&self, file: &str, names: &[&str]) -> PemFiles {
        let pair = self
            .ca
            .issue_server(names)
            .expect("a certificate is issued");
        self.write(file, &pair)
    }

    /// A client certificate for `name`.
    pub fn client(&self, file: &str, name: &str) -> PemFiles {
        let pair = self.ca.issue_client(name).expect("a certificate is issued");
        self.write(file, &pair)
    }

    /// Issues a new server certificate for [`SERVER_NAMES`] and writes it over `files`, as a
    /// renewal would.
    pub fn renew_server(&self, files: &PemFiles) {
        let pair = self
            .ca
            .issue_server(SERVER_NAMES)
            .expect("a certificate is issued");
        std::fs::write(&files.key, pair.key_pem).expect("the key is written");
        std::fs::write(&files.cert, pair.cert_pem).expect("the certificate is written");
    }

    /// Issues a new client certificate for `name` and writes it over `files`.
    pub fn renew_client(&self, files: &PemFiles, name: &str) {
        let pair = self.ca.issue_client(name).expect("a certificate is issued");
        std::fs::write(&files.key, pair.key_pem).expect("the key is written");
        std::fs::write(&files.cert, pair.cert_pem).expect("the certificate is written");
    }

    fn write(&self, file: &str, pair: &IssuedPair) -> PemFiles {
        let files = PemFiles {
            cert: self.dir.path().join(format!("{file}.pem")),
            key: self.dir.path().join(format!("{file}-key.pem")),
        };
        std::fs::write(&files.cert, &pair.cert_pem).expect("the certificate is written");
        std::fs::write(&files.key, &pair.key_pem).expect("the key is written");
        files
    }
}
