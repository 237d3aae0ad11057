//! No secret ever shows: not in `Debug` of credentials, builders, clients, requests or
//! errors, not in `Display` of errors, and not in anything the clients log with `tracing`
//! at the most verbose level, for all four vendors, on success and on failure.
#![cfg(all(
    feature = "zego",
    feature = "qingcloud",
    feature = "volc",
    feature = "agora"
))]

use base64::Engine as _;
use record_facade::{agora, qingcloud, volc, zego};
use std::io::Write;
use std::sync::{Arc, Mutex};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const ZEGO_SECRET: &str = "zego0secret0d3adb33fd3adb33fd3ad";
const QING_SECRET: &str = "qingSecretKey0123456789abcdefXYZ";
const VOLC_SECRET: &str = "volcSecretKeyWW91clNlY3JldEtleQ==";
const VOLC_TOKEN: &str = "volcStsSessionToken-STS2eyJhbGciOiJ9";
const AGORA_SECRET: &str = "agoraCustomerSecret5f3a9c";
const AGORA_ID: &str = "agoraCustomerId42";

/// Every secret, and the encodings in which one could leak (Agora's Basic header).
fn forbidden() -> Vec<String> {
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("{AGORA_ID}:{AGORA_SECRET}"));
    vec![
        ZEGO_SECRET.to_owned(),
        QING_SECRET.to_owned(),
        VOLC_SECRET.to_owned(),
        VOLC_TOKEN.to_owned(),
        AGORA_SECRET.to_owned(),
        basic,
    ]
}

fn assert_clean(what: &str, text: &str) {
    for secret in forbidden() {
        assert!(
            !text.contains(&secret),
            "{what} shows a secret ({secret}):\n{text}"
        );
    }
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn server(status: u16, body: &str) -> MockServer {
    let s = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(status).set_body_string(body))
        .mount(&s)
        .await;
    s
}

#[tokio::test(flavor = "current_thread")]
async fn no_secret_in_debug_display_errors_or_logs() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let mut shown = Vec::<(String, String)>::new();
    let mut show = |what: &str, text: String| shown.push((what.to_owned(), text));

    // Each vendor: one failure (401, no retry) and one HTML 503 (retried, then failing).
    for (status, body) in [
        (401, r#"{"message":"Unauthorized"}"#),
        (503, "<html>busy</html>"),
    ] {
        let s = server(status, body).await;

        let creds = zego::Credentials::new(1_234_567_890, ZEGO_SECRET).unwrap();
        show("zego credentials", format!("{creds:?}"));
        let builder = zego::Client::builder(creds)
            .base_url(s.uri())
            .retry_policy(fast_retries());
        show("zego builder", format!("{builder:?}"));
        let client = builder.build().unwrap();
        show("zego client", format!("{client:?}"));
        let req = zego::DescribeRecordStatusRequest::builder()
            .task_id("0123456789abcdef")
            .build()
            .unwrap();
        show("zego request", format!("{req:?}"));
        let err = client.describe_record_status(&req).await.unwrap_err();
        show("zego error", format!("{err:?} / {err}"));

        let creds = qingcloud::Credentials::new("QYACCESSKEYID", QING_SECRET).unwrap();
        show("qingcloud credentials", format!("{creds:?}"));
        let builder = qingcloud::Client::builder(creds)
            .base_url(s.uri())
            .retry_policy(fast_retries());
        show("qingcloud builder", format!("{builder:?}"));
        let client = builder.build().unwrap();
        show("qingcloud client", format!("{client:?}"));
        let req = qingcloud::ListRecordingsRequest::builder()
            .app_id("app")
            .channel("room")
            .build()
            .unwrap();
        show("qingcloud request", format!("{req:?}"));
        let err = client.list_recordings(&req).await.unwrap_err();
        show("qingcloud error", format!("{err:?} / {err}"));

        let creds = volc::Credentials::new("AKLTvolcaccesskey", VOLC_SECRET)
            .unwrap()
            .with_session_token(VOLC_TOKEN)
            .unwrap();
        show("volc credentials", format!("{creds:?}"));
        let builder = volc::Client::builder(creds)
            .base_url(s.uri())
            .retry_policy(fast_retries());
        show("volc builder", format!("{builder:?}"));
        let client = builder.build().unwrap();
        show("volc client", format!("{client:?}"));
        let req = volc::GetRecordTaskRequest::builder()
            .app_id("app")
            .room_id("room")
            .task_id("task")
            .build()
            .unwrap();
        show("volc request", format!("{req:?}"));
        let err = client.get_record_task(&req).await.unwrap_err();
        show("volc error", format!("{err:?} / {err}"));

        let creds = agora::Credentials::new(AGORA_ID, AGORA_SECRET).unwrap();
        show("agora credentials", format!("{creds:?}"));
        let builder = agora::Client::builder(creds)
            .base_url(s.uri())
            .retry_policy(fast_retries());
        show("agora builder", format!("{builder:?}"));
        let client = builder.build().unwrap();
        show("agora client", format!("{client:?}"));
        let req = agora::QueryRequest::builder()
            .appid("app")
            .resourceid("rid")
            .sid("sid")
            .mode(agora::RecordingMode::Mix)
            .build()
            .unwrap();
        show("agora request", format!("{req:?}"));
        let err = client.query(&req).await.unwrap_err();
        show("agora error", format!("{err:?} / {err}"));

        // The server did receive the secrets' signatures: the test would notice if no
        // request had been made at all.
        assert!(!s.received_requests().await.unwrap_or_default().is_empty());
    }

    for (what, text) in &shown {
        assert!(!text.is_empty(), "{what} printed nothing");
        assert_clean(what, text);
    }
    let logs = String::from_utf8_lossy(
        &logs
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    )
    .into_owned();
    // The spans were really captured: vendor, action and attempt appear.
    for needle in ["zego", "DescribeRecordStatus", "GetRecordTask", "attempt"] {
        assert!(
            logs.contains(needle),
            "the captured logs lack {needle}:\n{logs}"
        );
    }
    assert_clean("tracing output", &logs);
}

fn fast_retries() -> record_facade::RetryPolicy {
    record_facade::RetryPolicy {
        max_attempts: 2,
        initial_backoff: std::time::Duration::from_millis(1),
        max_backoff: std::time::Duration::from_millis(2),
        max_elapsed: std::time::Duration::from_secs(5),
    }
}

#[test]
fn the_canary_detects_a_leak() {
    // The checker itself must fail on a leak, or the test above proves nothing.
    let leaked = format!("Authorization: Basic {}", forbidden()[5]);
    assert!(std::panic::catch_unwind(|| assert_clean("canary", &leaked)).is_err());
    assert!(std::panic::catch_unwind(|| assert_clean("canary", ZEGO_SECRET)).is_err());
}
