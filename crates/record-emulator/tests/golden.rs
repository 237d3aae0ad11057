//! The official and vendor-derived golden vectors of `fixtures/<vendor>/signing/*/case.toml`
//! replayed as HTTP requests, byte for byte as the vectors give them, against an emulator
//! whose clock is the vector's time and whose credentials are the vector's: each is accepted
//! (the signature is recomputed from the request as received), and a tampered copy is
//! refused with the vendor's documented error. This shows the emulator accepts what the
//! vendors' own SDKs and docs sign, not only what our signers produce.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use record_emulator::{
    AgoraCredentialsConfig, CredentialsConfig, Emulator, QingCloudCredentialsConfig, RecordingSpec,
    Secret, Vendor, VolcCredentialsConfig, ZegoCredentialsConfig,
};
use record_facade::{FixedClock, UnixMillis};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// Every case whose `source` says it is official or derived from vendor material.
fn official_cases() -> Vec<(String, PathBuf, Value)> {
    let mut out = Vec::new();
    for vendor in ["zego", "qingcloud", "volc", "agora"] {
        let dir = fixtures().join(vendor).join("signing");
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.join("case.toml").exists())
            .collect();
        entries.sort();
        for path in entries {
            let text = std::fs::read_to_string(path.join("case.toml")).unwrap();
            let case: Value = toml::from_str(&text).unwrap();
            let source = case["source"].as_str().unwrap_or_default().to_owned();
            let official = ["official", "derived", "vendor-facts"]
                .iter()
                .any(|p| source.starts_with(p));
            if official && case.get("expected").is_some() {
                out.push((vendor.to_owned(), path, case));
            }
        }
    }
    out
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string `{key}` in {v}"))
}

fn i(v: &Value, key: &str) -> i64 {
    v.get(key)
        .and_then(Value::as_integer)
        .unwrap_or_else(|| panic!("no integer `{key}` in {v}"))
}

async fn emulator_at(seconds: i64, credentials: CredentialsConfig) -> (Emulator, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(UnixMillis(seconds * 1000)));
    let emu = Emulator::builder()
        .clock(clock.clone())
        .credentials(credentials)
        .rate_limits(false)
        .start()
        .await
        .unwrap();
    (emu, clock)
}

/// Changes one character of `text` (the last one of `marker`'s value).
fn flip_after(text: &str, marker: &str) -> String {
    let start = text
        .find(marker)
        .unwrap_or_else(|| panic!("no `{marker}` in {text}"))
        + marker.len();
    let end = text[start..]
        .find(['&', ',', ' '])
        .map_or(text.len(), |e| start + e);
    let mut chars: Vec<char> = text.chars().collect();
    let idx = text[..end].chars().count() - 1;
    chars[idx] = if chars[idx] == 'a' { 'b' } else { 'a' };
    chars.into_iter().collect()
}

async fn replay_zego(case: &Value) {
    let input = &case["input"];
    let expected = &case["expected"];
    let creds = CredentialsConfig {
        zego: ZegoCredentialsConfig {
            app_id: u32::try_from(i(input, "app_id")).unwrap(),
            server_secret: Secret::new(s(input, "server_secret")),
        },
        ..CredentialsConfig::default()
    };
    let (emu, _clock) = emulator_at(i(input, "timestamp"), creds).await;
    emu.create_recording(RecordingSpec::new(Vendor::Zego).id("X3CgNeE4I1qAAABN"))
        .unwrap();
    let url = format!(
        "{}/?{}",
        emu.base_url(Vendor::Zego),
        s(expected, "query_string")
    );
    let body = Some(br#"{"TaskId":"X3CgNeE4I1qAAABN"}"#.to_vec());
    let headers = [("content-type".to_owned(), "application/json".to_owned())];
    let tampered = [
        flip_after(&url, "Signature="),
        url.replace(
            &format!("Timestamp={}", s(expected, "timestamp")),
            &format!("Timestamp={}", i(input, "timestamp") + 1),
        ),
    ];
    for bad in &tampered {
        let raw = send("POST", bad, &headers, body.clone()).await;
        assert_eq!(raw.json()["Code"], 100_000_005, "tampered: {bad}");
    }
    let raw = send("POST", &url, &headers, body.clone()).await;
    assert_eq!(
        raw.json()["Code"],
        0,
        "{}",
        String::from_utf8_lossy(&raw.body)
    );
    // The same nonce again is a replay.
    let raw = send("POST", &url, &headers, body).await;
    assert_eq!(raw.json()["Code"], 100_000_004);
}

async fn replay_qingcloud(case: &Value) {
    let input = &case["input"];
    let expected = &case["expected"];
    let creds = CredentialsConfig {
        qingcloud: QingCloudCredentialsConfig {
            access_key_id: s(input, "access_key_id").to_owned(),
            secret_access_key: Secret::new(s(input, "secret_access_key")),
        },
        ..CredentialsConfig::default()
    };
    let (emu, _clock) = emulator_at(i(input, "unix_seconds"), creds).await;
    emu.create_recording(
        RecordingSpec::new(Vendor::QingCloud)
            .app_id("34723259bb8f4768bc7a9c7cbb126baa")
            .room("crIUxmwHA2")
            .start_offset_secs(-3600.0),
    )
    .unwrap();
    let method = s(input, "method");
    let path = s(input, "path");
    let url = format!(
        "{}{path}?{}",
        emu.base_url(Vendor::QingCloud),
        s(expected, "query_string")
    );
    let body = input
        .get("body")
        .and_then(Value::as_str)
        .map(|b| b.as_bytes().to_vec());
    let raw = send(method, &url, &[], body.clone()).await;
    if path == "/v1/cloudRecord" {
        assert_eq!(raw.status, 200, "{}", String::from_utf8_lossy(&raw.body));
        assert_eq!(raw.json()["code"], "success");
        assert_eq!(raw.json()["total_count"], 1);
    } else {
        // Authenticated, but the emulator serves no such API.
        assert_eq!(
            (raw.status, raw.json()["code"].as_str()),
            (404, Some("NotFound"))
        );
    }
    let mut tampered = vec![flip_after(&url, "signature=")];
    tampered.push(url.replace("signature_version=1", "signature_version=1&x=1"));
    for bad in tampered {
        let raw = send(method, &bad, &[], body.clone()).await;
        assert_eq!(
            (raw.status, raw.json()["code"].as_str()),
            (401, Some("SignatureMismatch")),
            "{bad}"
        );
    }
    if let Some(b) = &body {
        let mut changed = b.clone();
        changed.push(b' ');
        let raw = send(method, &url, &[], Some(changed)).await;
        assert_eq!(raw.status, 401, "a changed body");
    }
}

async fn replay_volc(case: &Value) {
    let input = &case["input"];
    let expected = &case["expected"];
    let creds = CredentialsConfig {
        volc: VolcCredentialsConfig {
            access_key_id: s(input, "access_key_id").to_owned(),
            secret_access_key: Secret::new(s(input, "secret_access_key")),
        },
        ..CredentialsConfig::default()
    };
    let (emu, _clock) = emulator_at(i(input, "time"), creds).await;
    emu.create_recording(
        RecordingSpec::new(Vendor::Volcengine)
            .id("Task1")
            .app_id("661e****543cf")
            .room("Room1"),
    )
    .unwrap();
    let url = format!(
        "{}{}?{}",
        emu.base_url(Vendor::Volcengine),
        s(input, "path"),
        s(expected, "canonical_query_string")
    );
    let mut headers: Vec<(String, String)> = expected["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let pair = h.as_array().unwrap();
            (
                pair[0].as_str().unwrap().to_owned(),
                pair[1].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    headers.push(("Host".to_owned(), s(input, "host").to_owned()));
    let raw = send(s(input, "method"), &url, &headers, None).await;
    let body = raw.json();
    if s(expected, "canonical_query_string").contains("Action=GetRecordTask") {
        assert_eq!(raw.status, 200, "{body}");
        assert_eq!(body["Result"]["RecordTask"]["Status"], 1);
    } else {
        // The IAM example: authenticated, then no such action here.
        assert_eq!(
            (
                raw.status,
                body["ResponseMetadata"]["Error"]["Code"].as_str()
            ),
            (404, Some("InvalidActionOrVersion")),
            "{body}"
        );
    }
    let x_date = s(expected, "x_date");
    let later = format!(
        "{}{}",
        &x_date[..x_date.len() - 2],
        (x_date.as_bytes()[x_date.len() - 2] - b'0' + 1) % 10
    ) + "Z";
    let variants: Vec<Vec<(String, String)>> = vec![
        headers
            .iter()
            .map(|(n, v)| {
                if n == "Authorization" {
                    (n.clone(), flip_after(v, "Signature="))
                } else {
                    (n.clone(), v.clone())
                }
            })
            .collect(),
        headers
            .iter()
            .map(|(n, v)| {
                (
                    n.clone(),
                    if n == "X-Date" {
                        later.clone()
                    } else {
                        v.clone()
                    },
                )
            })
            .collect(),
        headers
            .iter()
            .map(|(n, v)| {
                (
                    n.clone(),
                    if n == "Host" {
                        format!("x{v}")
                    } else {
                        v.clone()
                    },
                )
            })
            .collect(),
    ];
    for bad in variants {
        let raw = send(s(input, "method"), &url, &bad, None).await;
        assert_eq!(
            (
                raw.status,
                raw.json()["ResponseMetadata"]["Error"]["Code"].as_str()
            ),
            (401, Some("SignatureDoesNotMatch")),
            "{bad:?}"
        );
    }
    let raw = send(
        s(input, "method"),
        &url.replace("Version=", "Version=x"),
        &headers,
        None,
    )
    .await;
    assert_eq!(raw.status, 401, "a tampered query");
}

async fn replay_agora(case: &Value) {
    let input = &case["input"];
    let expected = &case["expected"];
    let creds = CredentialsConfig {
        agora: AgoraCredentialsConfig {
            customer_id: s(input, "customer_id").to_owned(),
            customer_secret: Secret::new(s(input, "customer_secret")),
        },
        ..CredentialsConfig::default()
    };
    let (emu, _clock) = emulator_at(1_700_000_000, creds).await;
    emu.create_recording(
        RecordingSpec::new(Vendor::Agora)
            .id("sid")
            .app_id("app")
            .resource_id("rid"),
    )
    .unwrap();
    let url = format!(
        "{}{}",
        emu.base_url(Vendor::Agora),
        agora_path("app", "rid", "sid", "mix")
    );
    let header = s(expected, "header_name").to_owned();
    let value = s(expected, "header_value").to_owned();
    let raw = send("GET", &url, &[(header.clone(), value.clone())], None).await;
    assert_eq!(raw.status, 200, "{}", String::from_utf8_lossy(&raw.body));
    let bad = flip_after(&value, "Basic ");
    let raw = send("GET", &url, &[(header, bad)], None).await;
    assert_eq!(
        (raw.status, raw.json()["message"].as_str()),
        (401, Some("Invalid authentication credentials"))
    );
}

#[tokio::test]
async fn official_golden_vectors_are_accepted_and_tampered_copies_refused() {
    let cases = official_cases();
    let names: Vec<String> = cases
        .iter()
        .map(|(v, p, _)| format!("{v}/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    for required in [
        "zego/official_doc_example",
        "qingcloud/doc_get_list_recordings",
        "qingcloud/doc_post_example",
        "volc/official_iam_list_users",
        "volc/official_rtc_standard",
        "volc/official_rtc_host_xdate",
        "volc/official_rtc_content_type",
        "agora/rfc7617_aladdin",
        "agora/vendor_facts_test_customer",
    ] {
        assert!(
            names.iter().any(|n| n == required),
            "{required} missing from {names:?}"
        );
    }
    for ((vendor, path, case), name) in cases.iter().zip(&names) {
        eprintln!("replaying {name} ({})", path.display());
        match vendor.as_str() {
            "zego" => replay_zego(case).await,
            "qingcloud" => replay_qingcloud(case).await,
            "volc" => replay_volc(case).await,
            "agora" => replay_agora(case).await,
            other => panic!("unknown vendor {other}"),
        }
    }
}
