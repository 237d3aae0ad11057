//! Helpers shared by the emulator's integration tests: a fixed clock, raw HTTP requests
//! signed with the vendor crates' own signers, and the round-trip check of answer bodies.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use record_emulator::{Emulator, EmulatorBuilder, Vendor};
use record_facade::client::PreparedRequest;
use record_facade::testing::json_diff;
use record_facade::{DurationMillis, FixedClock, RetryPolicy, UnixMillis, UnixSeconds};
use record_facade::{agora, qingcloud, volc, zego};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::Duration;

/// 2024-06-19T07:13:06Z, the time of the Volcengine vectors.
pub const T0: UnixMillis = UnixMillis(1_718_781_186_000);

/// A clock stopped at [`T0`].
pub fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(T0))
}

/// Moves the clock forward by `secs` seconds.
pub fn advance(clock: &FixedClock, secs: f64) {
    clock.advance(DurationMillis((secs * 1000.0) as i64));
}

/// A builder with the clock set.
pub fn builder(clock: &Arc<FixedClock>) -> EmulatorBuilder {
    Emulator::builder().clock(clock.clone())
}

/// Starts an emulator on the clock, with the rate limits off (tests that check them use
/// [`builder`]).
pub async fn start(clock: &Arc<FixedClock>) -> Emulator {
    builder(clock)
        .rate_limits(false)
        .start()
        .await
        .expect("the emulator starts")
}

/// A retry policy with many quick attempts (for the fault tests).
pub fn quick_retries(attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts: attempts,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        max_elapsed: Duration::from_secs(20),
    }
}

/// The ZEGO client of the emulator.
pub fn zego_client(emu: &Emulator, clock: &Arc<FixedClock>) -> zego::ClientBuilder {
    zego::Client::builder(emu.zego_credentials())
        .base_url(emu.base_url(Vendor::Zego))
        .clock(clock.clone())
}

/// The QingCloud client of the emulator.
pub fn qingcloud_client(emu: &Emulator, clock: &Arc<FixedClock>) -> qingcloud::ClientBuilder {
    qingcloud::Client::builder(emu.qingcloud_credentials())
        .base_url(emu.base_url(Vendor::QingCloud))
        .clock(clock.clone())
}

/// The Volcengine client of the emulator.
pub fn volc_client(emu: &Emulator, clock: &Arc<FixedClock>) -> volc::ClientBuilder {
    volc::Client::builder(emu.volc_credentials())
        .base_url(emu.base_url(Vendor::Volcengine))
        .clock(clock.clone())
}

/// The Agora client of the emulator.
pub fn agora_client(emu: &Emulator, clock: &Arc<FixedClock>) -> agora::ClientBuilder {
    agora::Client::builder(emu.agora_credentials())
        .base_url(emu.base_url(Vendor::Agora))
        .clock(clock.clone())
}

/// A raw answer.
#[derive(Debug)]
pub struct Raw {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Raw {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

/// Sends one request and reads the whole answer.
pub async fn send(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: Option<Vec<u8>>,
) -> Raw {
    let client = reqwest::Client::new();
    let mut request = client.request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), url);
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    if let Some(body) = body {
        request = request.body(body);
    }
    let response = request.send().await.expect("the emulator answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await.expect("a complete body").to_vec();
    Raw {
        status,
        headers,
        body,
    }
}

/// Sends a client's prepared (signed) request, replacing the headers in `replace`.
pub async fn send_prepared(prepared: &PreparedRequest, replace: &[(&str, String)]) -> Raw {
    let mut headers: Vec<(String, String)> = prepared
        .headers
        .iter()
        .filter(|(n, _)| !replace.iter().any(|(r, _)| r.eq_ignore_ascii_case(n)))
        .filter(|(n, _)| !n.eq_ignore_ascii_case("host"))
        .cloned()
        .collect();
    headers.extend(replace.iter().map(|(n, v)| ((*n).to_owned(), v.clone())));
    send(
        &prepared.method,
        &prepared.url,
        &headers,
        prepared.body.clone().map(String::into_bytes),
    )
    .await
}

/// Decodes `body` as `T`, serializes it back and asserts nothing changed (no field dropped,
/// none added, no value changed). Returns the typed value.
pub fn assert_roundtrip<T: DeserializeOwned + Serialize>(body: &[u8]) -> T {
    let original: serde_json::Value = serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(body)));
    let typed: T = serde_json::from_slice(body).unwrap_or_else(|e| {
        panic!(
            "does not decode as {} ({e}): {}",
            std::any::type_name::<T>(),
            String::from_utf8_lossy(body)
        )
    });
    let back = serde_json::to_value(&typed).unwrap();
    let diff = json_diff(&original, &back);
    assert!(
        diff.is_empty(),
        "{} does not round-trip: {diff:?}\nbody: {}",
        std::any::type_name::<T>(),
        String::from_utf8_lossy(body)
    );
    typed
}

/// A ZEGO request signed with the crate's signer: the query string for `action`, with the
/// given nonce and time.
pub fn zego_url(emu: &Emulator, action: &str, nonce: &str, at: UnixSeconds) -> String {
    let signed = zego::signing::sign(&emu.zego_credentials(), action, nonce, at).unwrap();
    format!("{}/?{}", emu.base_url(Vendor::Zego), signed.query_string())
}

/// POSTs a ZEGO action with a fresh nonce at the clock's time.
pub async fn zego_post(emu: &Emulator, clock: &FixedClock, action: &str, body: &str) -> Raw {
    use record_facade::Clock as _;
    let url = zego_url(
        emu,
        action,
        &zego::signing::generate_nonce(),
        clock.now().to_seconds(),
    );
    send(
        "POST",
        &url,
        &[("content-type".to_owned(), "application/json".to_owned())],
        Some(body.as_bytes().to_vec()),
    )
    .await
}

/// GETs QingCloud's `/v1/cloudRecord` with `query`, signed at the clock's time.
pub async fn qingcloud_get(emu: &Emulator, clock: &FixedClock, query: &[(&str, &str)]) -> Raw {
    use record_facade::Clock as _;
    let signed = qingcloud::signing::sign(
        "GET",
        "/v1/cloudRecord",
        query,
        None,
        &emu.qingcloud_credentials(),
        clock.now().to_seconds(),
    )
    .unwrap();
    let url = format!(
        "{}/v1/cloudRecord?{}",
        emu.base_url(Vendor::QingCloud),
        signed.query_string
    );
    send("GET", &url, &[], None).await
}

/// GETs Volcengine's `/` with `query` (Action and Version included by the caller), signed
/// at the clock's time with the standard header set.
pub async fn volc_get(emu: &Emulator, clock: &FixedClock, query: &[(&str, &str)]) -> Raw {
    use record_facade::Clock as _;
    let host = emu.addr(Vendor::Volcengine).to_string();
    let to_sign = volc::RequestToSign::get(host).with_query_pairs(query.iter().copied());
    let signed = volc::signing::sign(
        &to_sign,
        volc::signing::DEFAULT_REGION,
        volc::signing::DEFAULT_SERVICE,
        &emu.volc_credentials(),
        clock.now().to_seconds(),
        &volc::SignedHeaderSet::Standard,
    )
    .unwrap();
    let url = format!(
        "{}/?{}",
        emu.base_url(Vendor::Volcengine),
        signed.canonical_query_string
    );
    let headers: Vec<(String, String)> = signed
        .headers
        .iter()
        .map(|(n, v)| ((*n).to_owned(), v.clone()))
        .collect();
    send("GET", &url, &headers, None).await
}

/// The Agora `Authorization` value of the emulator's credentials.
pub fn agora_authorization(emu: &Emulator) -> String {
    agora::signing::sign(&emu.agora_credentials())
        .expose_header_value()
        .to_owned()
}

/// The Agora query path of a recording.
pub fn agora_path(appid: &str, resource_id: &str, sid: &str, mode: &str) -> String {
    format!("/v1/apps/{appid}/cloud_recording/resourceid/{resource_id}/sid/{sid}/mode/{mode}/query")
}

/// GETs an Agora path with the emulator's credentials.
pub async fn agora_get(emu: &Emulator, path: &str) -> Raw {
    let url = format!("{}{path}", emu.base_url(Vendor::Agora));
    send(
        "GET",
        &url,
        &[("authorization".to_owned(), agora_authorization(emu))],
        None,
    )
    .await
}
