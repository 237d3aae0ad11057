//! Base URLs, HTTP-status classification and JSON decoding shared by the vendor clients.

use record_core::client::{
    ClientSettings, Endpoint, decode_json, error_for_status, join_path, parse_base_url,
};
use record_core::transport::{RateLimitScope, RawResponse};
use record_core::{ErrorKind, Vendor};
use std::time::Duration;

const HOSTS: &[(&str, &str, &str)] = &[("sgp", "https://sgp.example.com", "Singapore")];

fn raw(status: u16, body: &str) -> RawResponse {
    RawResponse {
        status,
        headers: Default::default(),
        body: body.as_bytes().to_vec(),
    }
}

#[test]
fn base_urls_are_checked() {
    for ok in [
        "http://127.0.0.1:8080",
        "http://127.0.0.1:8080/",
        "https://proxy.example.com/zego/",
    ] {
        assert!(parse_base_url(ok).is_ok(), "{ok}");
    }
    assert_eq!(
        parse_base_url("https://proxy.example.com/zego/")
            .unwrap()
            .path(),
        "/zego"
    );
    for bad in [
        "",
        "127.0.0.1:8080",
        "ftp://example.com",
        "http://example.com/?a=1",
        "http://example.com/#x",
        "http://user:pw@example.com",
        "not a url",
    ] {
        let e = parse_base_url(bad).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{bad}");
        assert_eq!(e.parameter(), Some("base_url"), "{bad}");
    }
}

#[test]
fn endpoints_resolve_by_name_default_or_url() {
    let mut s = ClientSettings::new(Some(10), RateLimitScope::Client);
    let url = s
        .resolve_base_url(Vendor::Zego, "https://default.example.com", HOSTS)
        .unwrap();
    assert_eq!(url.as_str(), "https://default.example.com/");
    s.endpoint = Endpoint::Named("sgp".into());
    let url = s
        .resolve_base_url(Vendor::Zego, "https://default.example.com", HOSTS)
        .unwrap();
    assert_eq!(url.host_str(), Some("sgp.example.com"));
    s.endpoint = Endpoint::Named("mars".into());
    let e = s
        .resolve_base_url(Vendor::Zego, "https://default.example.com", HOSTS)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert!(
        e.to_string().contains("mars") && e.to_string().contains("sgp"),
        "{e}"
    );
    s.endpoint = Endpoint::Url("http://127.0.0.1:9".into());
    let url = s
        .resolve_base_url(Vendor::Zego, "https://default.example.com", HOSTS)
        .unwrap();
    assert_eq!(url.port(), Some(9));
}

#[test]
fn paths_join_after_a_proxy_prefix() {
    let base = parse_base_url("http://127.0.0.1:1/prefix/").unwrap();
    assert_eq!(
        join_path(&base, "/v1/cloudRecord").as_str(),
        "http://127.0.0.1:1/prefix/v1/cloudRecord"
    );
    let base = parse_base_url("http://127.0.0.1:1").unwrap();
    assert_eq!(join_path(&base, "/").as_str(), "http://127.0.0.1:1/");
}

#[test]
fn statuses_map_to_kinds() {
    let cases = [
        (400, ErrorKind::InvalidRequest, false),
        (401, ErrorKind::Unauthenticated, false),
        (403, ErrorKind::PermissionDenied, false),
        (404, ErrorKind::NotFound, false),
        (408, ErrorKind::Timeout, true),
        (429, ErrorKind::RateLimited, true),
        (500, ErrorKind::Server, true),
        (502, ErrorKind::Server, true),
        (503, ErrorKind::Server, true),
        (504, ErrorKind::Timeout, true),
        (418, ErrorKind::Vendor, false),
    ];
    for (status, kind, retryable) in cases {
        let e = error_for_status(&raw(status, "x")).unwrap();
        assert_eq!(e.kind(), kind, "{status}");
        assert_eq!(e.is_retryable(), retryable, "{status}");
        assert_eq!(e.http_status(), Some(status));
    }
    assert!(error_for_status(&raw(200, "")).is_none());
    let mut r = raw(429, "");
    r.headers.insert("retry-after", "7".parse().unwrap());
    assert_eq!(
        error_for_status(&r).unwrap().retry_after(),
        Some(Duration::from_secs(7))
    );
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Shape {
    #[serde(rename = "Data")]
    _data: Inner,
}

#[derive(Debug, serde::Deserialize)]
struct Inner {
    #[serde(rename = "Size")]
    _size: u64,
}

#[test]
fn bad_bodies_are_decode_errors_with_status_path_and_excerpt() {
    let e = decode_json::<Shape>(&raw(200, "")).unwrap_err();
    assert_eq!((e.kind(), e.http_status()), (ErrorKind::Decode, Some(200)));
    assert!(e.message().contains("empty"));

    let e = decode_json::<Shape>(&raw(200, "<html><body>Bad Gateway</body></html>")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
    assert!(e.message().contains("HTML"));
    assert!(e.decode_details().unwrap().excerpt.contains("Bad Gateway"));

    let e = decode_json::<Shape>(&raw(200, r#"{"Data":{"Size":"#)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
    assert!(!e.is_retryable());

    let e = decode_json::<Shape>(&raw(200, r#"{"Data":{"Size":"big"}}"#)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
    assert_eq!(
        e.decode_details().unwrap().path.as_deref(),
        Some("Data.Size")
    );
    assert!(e.to_string().contains("at Data.Size"), "{e}");

    let ok = decode_json::<Shape>(&raw(200, r#"{"Data":{"Size":3}}"#));
    assert!(ok.is_ok());
    // Whitespace after the value is fine; anything else is not (fuzzing found a 500 whose
    // body `{"Code":0}3` read as a success).
    assert!(decode_json::<Shape>(&raw(200, "{\"Data\":{\"Size\":3}} \r\n")).is_ok());
    let e = decode_json::<Shape>(&raw(200, r#"{"Data":{"Size":3}}3"#)).unwrap_err();
    assert_eq!((e.kind(), e.http_status()), (ErrorKind::Decode, Some(200)));
    assert!(e.message().contains("after its JSON value"), "{e}");
    let e = decode_json::<Shape>(&raw(500, r#"{"Data":{"Size":3}}3"#)).unwrap_err();
    assert_eq!((e.kind(), e.http_status()), (ErrorKind::Server, Some(500)));
}

#[test]
fn an_html_error_page_keeps_the_status_error() {
    let e = decode_json::<Shape>(&raw(503, "<html>Service Unavailable</html>")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Server);
    assert!(e.is_retryable());
    assert_eq!(e.http_status(), Some(503));
    let e = decode_json::<Shape>(&raw(404, "")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
}

#[test]
fn prepared_requests_redact_basic_credentials_and_named_headers() {
    use record_core::client::PreparedRequest;
    let http = reqwest::Client::new();
    let req = http
        .post("http://127.0.0.1:1/?Action=X&Signature=abc")
        .header("Authorization", "Basic dXNlcjpzZWNyZXQ=")
        .header("X-Security-Token", "sts-secret")
        .header("X-Date", "20240101T000000Z")
        .body(r#"{"TaskId":"t"}"#)
        .build()
        .unwrap();
    let p = PreparedRequest::from_request(&req, &["x-security-token"]);
    assert_eq!(p.method, "POST");
    assert_eq!(p.url, "http://127.0.0.1:1/?Action=X&Signature=abc");
    assert_eq!(p.body.as_deref(), Some(r#"{"TaskId":"t"}"#));
    let get = |n: &str| {
        p.headers
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(get("authorization"), Some("Basic [redacted]"));
    assert_eq!(get("x-security-token"), Some("[redacted]"));
    assert_eq!(get("x-date"), Some("20240101T000000Z"));
    let json = serde_json::to_string(&p).unwrap();
    assert!(
        !json.contains("dXNlcjpzZWNyZXQ=") && !json.contains("sts-secret"),
        "{json}"
    );
}
