//! Asking a Prometheus server what it scraped, through its HTTP API (`/api/v1/query`).

use std::net::SocketAddr;

use anyhow::Context;

/// The samples of an instant query: each series' labels and value.
pub async fn query(
    addr: SocketAddr,
    promql: &str,
) -> anyhow::Result<Vec<(serde_json::Map<String, serde_json::Value>, f64)>> {
    let path = format!("/api/v1/query?query={}", percent_encoded(promql));
    let (status, _, body) = test_support::metrics::http_get(addr, &path).await?;
    anyhow::ensure!(status == 200, "query {promql:?} answered {status}: {body}");
    let answer: serde_json::Value = serde_json::from_str(&body).context("a JSON answer")?;
    let result = answer["data"]["result"]
        .as_array()
        .context("a vector result")?;
    result
        .iter()
        .map(|series| {
            let labels = series["metric"].as_object().cloned().unwrap_or_default();
            let value = series["value"][1]
                .as_str()
                .and_then(|v| v.parse().ok())
                .context("a sample value")?;
            Ok((labels, value))
        })
        .collect()
}

/// The rule groups Prometheus loaded, with each group's rules' health (`ok` when their
/// expressions evaluate).
pub async fn rule_health(addr: SocketAddr) -> anyhow::Result<Vec<(String, String)>> {
    let (status, _, body) = test_support::metrics::http_get(addr, "/api/v1/rules").await?;
    anyhow::ensure!(status == 200, "rules answered {status}: {body}");
    let answer: serde_json::Value = serde_json::from_str(&body).context("a JSON answer")?;
    let groups = answer["data"]["groups"].as_array().context("rule groups")?;
    Ok(groups
        .iter()
        .flat_map(|group| group["rules"].as_array().cloned().unwrap_or_default())
        .map(|rule| {
            (
                rule["name"].as_str().unwrap_or_default().to_owned(),
                rule["health"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect())
}

/// `text` as a URL query value: unreserved characters as they are, the rest %-escaped.
fn percent_encoded(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
