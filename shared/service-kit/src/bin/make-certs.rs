//! `make-certs DIR [SERVICE_UID]`: makes a local CA and the compose stack's certificates in
//! DIR when they are not there yet, as `deploy/compose/make-tokens.sh` makes its tokens, so
//! that a fresh `docker compose up` runs on TLS with keys of its own, none committed.
//!
//! DIR gets `ca.pem` (everyone may read it), a server certificate for each service
//! (`screening.pem`, `registry.pem`, for the service's name, `localhost` and `127.0.0.1`),
//! the registry's client certificate towards screening (`registry-client.pem`), one for the
//! containers' health checks (`healthcheck.pem`), each key `NAME-key.pem` readable by
//! SERVICE_UID only (default 10001, the images' user), and `client.pem` with its key for
//! people and tests on the host, readable by DIR's owner only. When every file is there,
//! nothing is touched: delete them all for new ones, or bring your own. The CA's key is not
//! kept: the set is made whole or not at all.

use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use service_kit::tls::local_ca::{IssuedPair, LocalCa};

const VALIDITY_DAYS: i64 = 825;
const DEFAULT_SERVICE_UID: u32 = 10001;

/// Who may read a key: the services' user, or the folder's owner.
#[derive(Clone, Copy)]
enum Reader {
    Service,
    Owner,
}

struct Issue {
    file: &'static str,
    reader: Reader,
    make: fn(&LocalCa) -> Result<IssuedPair, rcgen::Error>,
}

const ISSUED: &[Issue] = &[
    Issue {
        file: "screening",
        reader: Reader::Service,
        make: |ca| ca.issue_server(&["screening", "localhost", "127.0.0.1"]),
    },
    Issue {
        file: "registry",
        reader: Reader::Service,
        make: |ca| ca.issue_server(&["registry", "localhost", "127.0.0.1"]),
    },
    Issue {
        file: "registry-client",
        reader: Reader::Service,
        make: |ca| ca.issue_client("registry"),
    },
    Issue {
        file: "healthcheck",
        reader: Reader::Service,
        make: |ca| ca.issue_client("healthcheck"),
    },
    Issue {
        file: "client",
        reader: Reader::Owner,
        make: |ca| ca.issue_client("local-client"),
    },
];

fn complete(dir: &Path) -> bool {
    dir.join("ca.pem").is_file()
        && ISSUED.iter().all(|issue| {
            dir.join(format!("{}.pem", issue.file)).is_file()
                && dir.join(format!("{}-key.pem", issue.file)).is_file()
        })
}

/// Writes `content` to `path` (through a staged file, so that a server never reads half a
/// key) with `mode`, owned by `owner` when the process may give files away.
fn write(
    path: &Path,
    content: &str,
    mode: u32,
    owner: (u32, u32),
    reader: Reader,
) -> anyhow::Result<()> {
    let staged = path.with_extension("pem.new");
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(&staged)
        .with_context(|| format!("writing {}", staged.display()))?;
    std::io::Write::write_all(&mut file, content.as_bytes())
        .with_context(|| format!("writing {}", staged.display()))?;
    std::fs::set_permissions(&staged, std::fs::Permissions::from_mode(mode))?;
    let given = std::os::unix::fs::chown(&staged, Some(owner.0), Some(owner.1));
    if let (Err(error), Reader::Service) = (given, reader)
        && mode & 0o044 == 0
    {
        // Not root: the services' user can only read the key if everyone can.
        std::fs::set_permissions(&staged, std::fs::Permissions::from_mode(0o644))?;
        println!(
            "certs: note: {} is readable by all ({error}; run as root to restrict it)",
            path.display()
        );
    }
    std::fs::rename(&staged, path).with_context(|| format!("writing {}", path.display()))
}

fn make(dir: &Path, service_uid: u32) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    if complete(dir) {
        println!("certs: using those in {}", dir.display());
        return Ok(());
    }
    let metadata = std::fs::metadata(dir)?;
    // Files for people go to whoever owns DIR (the person who runs compose, not root).
    let dir_owner = (metadata.uid(), metadata.gid());
    let ca = LocalCa::generate("watchlist compose CA", time::Duration::days(VALIDITY_DAYS))
        .context("generating the CA")?;
    for issue in ISSUED {
        let pair = (issue.make)(&ca).with_context(|| format!("issuing {}", issue.file))?;
        let key_owner = match issue.reader {
            Reader::Service => (service_uid, service_uid),
            Reader::Owner => dir_owner,
        };
        let path = |suffix: &str| dir.join(format!("{}{suffix}", issue.file));
        write(
            &path("-key.pem"),
            &pair.key_pem,
            0o600,
            key_owner,
            issue.reader,
        )?;
        write(
            &path(".pem"),
            &pair.cert_pem,
            0o644,
            dir_owner,
            Reader::Owner,
        )?;
    }
    // The CA last: it is what marks the set as complete.
    write(
        &dir.join("ca.pem"),
        ca.cert_pem(),
        0o644,
        dir_owner,
        Reader::Owner,
    )?;
    println!(
        "certs: made a CA and certificates in {} (trust ca.pem; client.pem for screening)",
        dir.display()
    );
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag] = args.as_slice()
        && (flag == "-V" || flag == "--version")
    {
        println!("make-certs {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    let (dir, uid) = match args.as_slice() {
        [dir] => (PathBuf::from(dir), Ok(DEFAULT_SERVICE_UID)),
        [dir, uid] => (PathBuf::from(dir), uid.parse::<u32>()),
        _ => {
            eprintln!("usage: make-certs DIR [SERVICE_UID]");
            return ExitCode::from(2);
        }
    };
    let Ok(uid) = uid else {
        eprintln!("make-certs: SERVICE_UID must be a number");
        return ExitCode::from(2);
    };
    match make(&dir, uid) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("make-certs: {error:#}");
            ExitCode::FAILURE
        }
    }
}
