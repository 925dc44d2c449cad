//! Reading a service's `/metrics` as Prometheus would: an HTTP GET over TCP, the answer
//! parsed by an independent parser of the text format (`prometheus-parse`).

use std::net::SocketAddr;

use anyhow::Context;
use prometheus_parse::{Scrape, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The status code, head and body of `GET path` at `addr` (a chunked body put together).
pub async fn http_get(addr: SocketAddr, path: &str) -> anyhow::Result<(u16, String, String)> {
    let mut stream = TcpStream::connect(addr)
        .await
        .with_context(|| format!("connecting to {addr}"))?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await?;
    let (head, body) = answer
        .split_once("\r\n\r\n")
        .context("an HTTP answer has a head and a body")?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .context("an HTTP status line")?;
    let chunked = head
        .lines()
        .any(|l| l.eq_ignore_ascii_case("transfer-encoding: chunked"));
    let body = if chunked {
        dechunk(body)?
    } else {
        body.to_owned()
    };
    Ok((status, head.to_owned(), body))
}

/// A chunked HTTP/1.1 body's content: each chunk is its size in hex, CRLF, the data, CRLF.
fn dechunk(mut rest: &str) -> anyhow::Result<String> {
    let mut body = String::new();
    loop {
        let (size, after) = rest.split_once("\r\n").context("a chunk size line")?;
        let size = usize::from_str_radix(size.split(';').next().unwrap_or("").trim(), 16)
            .context("a chunk size")?;
        if size == 0 {
            return Ok(body);
        }
        body.push_str(after.get(..size).context("a whole chunk")?);
        rest = after.get(size + 2..).context("a chunk's end")?;
    }
}

/// The samples served at `http://addr/metrics`, parsed.
pub async fn scrape(addr: SocketAddr) -> anyhow::Result<Scrape> {
    let (status, _, body) = http_get(addr, "/metrics").await?;
    anyhow::ensure!(status == 200, "GET /metrics answered {status}: {body}");
    parse(&body)
}

/// `text` in the Prometheus text format, parsed.
pub fn parse(text: &str) -> anyhow::Result<Scrape> {
    Scrape::parse(text.lines().map(|line| Ok(line.to_owned()))).context("parsing metrics")
}

/// The value of the sample `name` whose labels include `labels`: a counter's or gauge's
/// value, a histogram's count. `None` when there is no such sample.
pub fn value(scrape: &Scrape, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    scrape
        .samples
        .iter()
        .filter(|sample| sample.metric == name)
        .find(|sample| {
            labels
                .iter()
                .all(|(key, wanted)| sample.labels.get(key) == Some(*wanted))
        })
        .map(|sample| match &sample.value {
            Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v) => *v,
            Value::Histogram(buckets) => buckets.last().map_or(0.0, |b| b.count),
            Value::Summary(quantiles) => quantiles.len() as f64,
        })
}

/// The count of observations of histogram `name` (with `labels`) at or below `bound`.
pub fn bucket(scrape: &Scrape, name: &str, labels: &[(&str, &str)], bound: f64) -> Option<f64> {
    scrape
        .samples
        .iter()
        .filter(|sample| sample.metric == name)
        .find(|sample| {
            labels
                .iter()
                .all(|(key, wanted)| sample.labels.get(key) == Some(*wanted))
        })
        .and_then(|sample| match &sample.value {
            Value::Histogram(buckets) => buckets
                .iter()
                .find(|b| (b.less_than - bound).abs() < 1e-9)
                .map(|b| b.count),
            _ => None,
        })
}

/// Every metric name in `scrape` (a histogram's under its own name).
pub fn names(scrape: &Scrape) -> std::collections::BTreeSet<String> {
    scrape.samples.iter().map(|s| s.metric.clone()).collect()
}
