//! Demo certificates: a local CA, made on first run under `DATA/tls/` with a certificate for
//! each server (for `localhost`, `127.0.0.1` and `::1`), the registry's client certificate
//! towards screening, and one for people trying screening with grpcurl (screening asks every
//! client for a certificate). Kept across runs, like the tokens, and made anew, all together,
//! when one is missing or the set nears the end of its year. Only the owner may read them.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::Context;

use crate::private_files::{private_dir, write_private};
use service_kit::tls::KeyPairFiles;
use service_kit::tls::local_ca::{IssuedPair, LocalCa};

const VALIDITY_DAYS: i64 = 365;
/// Made anew a month before they expire.
const RENEW_AFTER: Duration = Duration::from_secs(335 * 24 * 3600);
const SERVER_NAMES: &[&str] = &["localhost", "127.0.0.1", "::1"];

pub struct DemoCertificates {
    pub dir: PathBuf,
    pub ca: PathBuf,
    pub screening: KeyPairFiles,
    pub registry: KeyPairFiles,
    pub registry_client: KeyPairFiles,
    /// For people calling screening with grpcurl (`-cert`, `-key`).
    pub client: KeyPairFiles,
}

pub fn prepare(data_dir: &Path) -> anyhow::Result<DemoCertificates> {
    let dir = data_dir.join("tls");
    private_dir(&dir)?;
    let pair = |name: &str| KeyPairFiles {
        cert: dir.join(format!("{name}.pem")),
        key: dir.join(format!("{name}-key.pem")),
    };
    let certificates = DemoCertificates {
        ca: dir.join("ca.pem"),
        screening: pair("screening"),
        registry: pair("registry"),
        registry_client: pair("registry-client"),
        client: pair("client"),
        dir: dir.clone(),
    };
    if !certificates.are_current() {
        certificates.generate()?;
    }
    Ok(certificates)
}

impl DemoCertificates {
    fn pairs(&self) -> [&KeyPairFiles; 4] {
        [
            &self.screening,
            &self.registry,
            &self.registry_client,
            &self.client,
        ]
    }

    fn are_current(&self) -> bool {
        let age = std::fs::metadata(&self.ca)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|modified| SystemTime::now().duration_since(modified).ok());
        let complete = self
            .pairs()
            .iter()
            .all(|pair| pair.cert.is_file() && pair.key.is_file());
        complete && age.is_some_and(|age| age < RENEW_AFTER)
    }

    fn generate(&self) -> anyhow::Result<()> {
        let ca = LocalCa::generate("watchlist demo CA", time::Duration::days(VALIDITY_DAYS))
            .context("generating the demo CA")?;
        let issued = [
            ca.issue_server(SERVER_NAMES),
            ca.issue_server(SERVER_NAMES),
            ca.issue_client("registry"),
            ca.issue_client("demo-client"),
        ];
        for (pair, issued) in self.pairs().into_iter().zip(issued) {
            write_pair(pair, &issued.context("issuing a demo certificate")?)?;
        }
        // The CA last: it is what marks the set as complete and current.
        write_private(&self.ca, ca.cert_pem())?;
        tracing::info!(dir = %self.dir.display(), "made a local CA and demo certificates");
        Ok(())
    }
}

fn write_pair(files: &KeyPairFiles, pair: &IssuedPair) -> anyhow::Result<()> {
    write_private(&files.key, &pair.key_pem)?;
    write_private(&files.cert, &pair.cert_pem)
}
