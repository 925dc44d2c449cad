//! The operators' files in deploy/: the Prometheus alerting rules and the Grafana dashboard
//! may only use metrics the services export, as read from both services' real `/metrics`.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use prometheus_client::registry::Registry;
use system_tests::{
    CsvList, DatabaseKind, TestDatabase, intake_request, person, registry_config, screening_config,
    start_registry, start_screening,
};
use yaml_rust2::{Yaml, YamlLoader};

fn deploy_file(relative: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../deploy")
        .join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// Every metric name the services export (a histogram with its `_bucket`, `_sum` and
/// `_count` series). A family shows on `/metrics` once it has a series, so both services
/// are scraped after an intake, a screening and a review; the families that only an
/// incident fills (shed calls, failed imports, background work) are read from instances of
/// the same instruments, filled through their own recording functions.
async fn exported_metrics() -> BTreeSet<String> {
    let list = CsvList::write("test", "id,name\nT-1,Zarina Kholmatova\n");
    let (screening_db, registry_db) = (
        TestDatabase::fresh(DatabaseKind::Sqlite).await,
        TestDatabase::fresh(DatabaseKind::Sqlite).await,
    );
    let mut config = screening_config(
        "127.0.0.1:0",
        vec![list.spec.clone()],
        &screening_db,
        Duration::from_millis(200),
    );
    config.metrics_addr = Some("127.0.0.1:0".to_owned());
    let screening = start_screening(config).await;
    let mut config = registry_config(&screening.url(), &registry_db, Duration::from_secs(5));
    config.metrics_addr = Some("127.0.0.1:0".to_owned());
    let registry = start_registry(config).await;
    let mut client = registry.registry_client_as("admin").await;
    let subject = client
        .create_subject(intake_request(
            "deploy-files",
            person("Zarina Kholmatova", None, None),
        ))
        .await
        .expect("taken in")
        .into_inner();
    client
        .review_hit(wire::registry::v1::ReviewHitRequest {
            subject_id: subject.id,
            watchlist: "test".into(),
            entry_id: "T-1".into(),
            decision: wire::registry::v1::HitDecision::Confirmed as i32,
            reason: "same passport".into(),
            etag: String::new(),
        })
        .await
        .expect("reviewed");

    let mut scrapes = Vec::new();
    for server in [&screening, &registry] {
        let addr = server.metrics_addr.expect("metrics are served");
        scrapes.push(test_support::metrics::scrape(addr).await.expect("scraped"));
    }
    scrapes.push(incident_only_families(&registry_db).await);
    let mut names = BTreeSet::new();
    for scrape in scrapes {
        for name in scrape.docs.keys() {
            for suffix in ["", "_bucket", "_sum", "_count"] {
                names.insert(format!("{name}{suffix}"));
            }
        }
    }
    names
}

async fn incident_only_families(database: &TestDatabase) -> prometheus_parse::Scrape {
    let mut registry = Registry::default();
    let rpc = service_kit::metrics::RpcMetrics::server();
    rpc.shed("/screening.v1.ScreeningService/Screen");
    rpc.register(&mut registry);
    let screening = screening::metrics::ScreeningMetrics::default();
    screening.observe_import(
        screening::metrics::ImportSource::Request,
        Duration::from_millis(5),
        Err(&screening::imports::ImportFailure::Unexpected(
            anyhow::anyhow!("a test"),
        )),
    );
    screening.register(&mut registry);
    let store = registry::store::Store::connect(database.url())
        .await
        .expect("the store opens");
    let background = registry::metrics::RegistryMetrics::default();
    background.background("rescreen", "recorded", 1);
    background.register(&mut registry, &store);
    let text = service_kit::metrics::encode(&registry).expect("encoded");
    test_support::metrics::parse(&text).expect("parsed")
}

/// The service metrics an expression names: identifiers outside quoted strings with the
/// services' prefixes (label names such as `grpc_method` have none of them).
fn metrics_named(expression: &str) -> Vec<String> {
    let mut unquoted = String::new();
    let mut quote = None;
    for c in expression.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' || c == '`' => quote = Some(c),
            None => unquoted.push(c),
        }
    }
    unquoted
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .filter(|word| {
            ["grpc_server_", "grpc_client_", "screening_", "registry_"]
                .iter()
                .any(|prefix| word.starts_with(prefix))
        })
        .map(str::to_owned)
        .collect()
}

fn assert_all_exported(what: &str, expression: &str, exported: &BTreeSet<String>) {
    let named = metrics_named(expression);
    assert!(
        !named.is_empty(),
        "{what} names no service metric: {expression}"
    );
    for metric in named {
        assert!(
            exported.contains(&metric),
            "{what} uses {metric}, which no service exports"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_alerting_rule_is_complete_and_names_only_exported_metrics() {
    let exported = exported_metrics().await;
    let documents = YamlLoader::load_from_str(&deploy_file("prometheus/alerts.yml"))
        .expect("the rules file is YAML");
    let groups = documents[0]["groups"].as_vec().expect("rule groups");
    let mut alerts = Vec::new();
    for group in groups {
        for rule in group["rules"].as_vec().expect("rules") {
            let name = rule["alert"].as_str().expect("every rule is an alert");
            let expression = rule["expr"].as_str().expect("an expression");
            if !expression.contains("up{") {
                assert_all_exported(name, expression, &exported);
            }
            assert!(
                rule["labels"]["severity"].as_str().is_some(),
                "{name}: severity"
            );
            assert!(
                rule["annotations"]["summary"].as_str().is_some(),
                "{name}: summary"
            );
            alerts.push(name.to_owned());
        }
    }
    for wanted in [
        "PendingSubjectsWaitingTooLong",
        "RescreeningLagging",
        "WatchlistNotRefreshed",
        "GrpcErrorRatioHigh",
        "GrpcCallsShed",
    ] {
        assert!(alerts.iter().any(|a| a == wanted), "{wanted} is missing");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_dashboard_query_names_only_exported_metrics() {
    let exported = exported_metrics().await;
    let dashboard: serde_json::Value =
        serde_json::from_str(&deploy_file("grafana/watchlist-dashboard.json"))
            .expect("the dashboard is JSON");
    let mut expressions = Vec::new();
    collect_expressions(&dashboard, &mut expressions);
    assert!(expressions.len() >= 20, "{} queries", expressions.len());
    for expression in expressions {
        assert_all_exported("the dashboard", &expression, &exported);
    }
}

fn collect_expressions(value: &serde_json::Value, into: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(fields) => {
            for (key, field) in fields {
                match (key.as_str(), field.as_str()) {
                    ("expr", Some(expression)) => into.push(expression.to_owned()),
                    _ => collect_expressions(field, into),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                collect_expressions(item, into);
            }
        }
        _ => {}
    }
}

#[test]
fn the_compose_prometheus_scrapes_both_services_on_the_ports_compose_gives_them() {
    let config = YamlLoader::load_from_str(&deploy_file("prometheus/prometheus.yml"))
        .expect("the Prometheus configuration is YAML");
    let compose = deploy_file("../docker-compose.yml");
    let jobs = config[0]["scrape_configs"]
        .as_vec()
        .expect("scrape configs");
    for (job, variable) in [
        ("screening", "SCREENING_METRICS_ADDR"),
        ("registry", "REGISTRY_METRICS_ADDR"),
    ] {
        let scrape = jobs
            .iter()
            .find(|j| j["job_name"].as_str() == Some(job))
            .unwrap_or_else(|| panic!("no {job} job"));
        let port = scrape["dns_sd_configs"][0]["port"]
            .as_i64()
            .unwrap_or_else(|| panic!("{job}: a port"));
        assert!(
            compose.contains(&format!("{variable}: 0.0.0.0:{port}")),
            "docker-compose.yml serves {job}'s metrics on {port}"
        );
        assert_eq!(
            scrape["dns_sd_configs"][0]["names"][0],
            Yaml::String(job.into())
        );
    }
}
