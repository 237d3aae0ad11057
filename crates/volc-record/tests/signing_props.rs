//! Property tests of the Volcengine V4 (`HMAC-SHA256`) signer.
//!
//! * The canonical query string, canonical request and signature do not depend on the
//!   order of the query parameters.
//! * The encoding round-trips through the standard percent-decoder
//!   (`percent_encoding::percent_decode_str`): the canonical query string decodes to the
//!   sorted pairs, the canonical URI to the path.
//! * The signature changes when any signed input changes: every character of the secret,
//!   every parameter name and value, the time (to the second), the method, the path, the
//!   host, the region, the service, the body bytes (any bytes), the content type and the
//!   session token (both signed headers when present). The access key id is not signed: it
//!   changes the `Authorization` header only.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers: a failure should panic

use proptest::prelude::*;
use record_core::UnixSeconds;
use volc_record::credentials::Credentials;
use volc_record::signing::{self, RequestToSign, SignedHeaderSet, SignedRequest};

#[path = "../../record-core/tests/support/signing_props.rs"]
mod props;

const TEXT: &str = "[a-zA-Z0-9 &=+%/?#~*._é中😀-]{0,12}";

fn query() -> impl Strategy<Value = Vec<(String, String)>> {
    proptest::collection::vec(("[a-zA-Z0-9 &=+%/?#~*._é中😀-]{1,12}", TEXT), 0..8)
}

fn secret() -> impl Strategy<Value = String> {
    "[^\\p{Cc}]{1,40}"
}

fn path() -> impl Strategy<Value = String> {
    "/[a-zA-Z0-9 %/~._é-]{0,20}"
}

fn host() -> impl Strategy<Value = String> {
    "[a-z0-9-]{1,12}(\\.[a-z0-9-]{1,12}){0,2}"
}

/// Times within the years 0000..=9999 that `X-Date` can express.
fn time() -> impl Strategy<Value = i64> {
    -62_167_219_200i64..253_402_300_799
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..64)
}

fn sign(request: &RequestToSign, creds: &Credentials, at: i64) -> SignedRequest {
    sign_in(request, "cn-north-1", "rtc", creds, at)
}

fn sign_in(
    request: &RequestToSign,
    region: &str,
    service: &str,
    creds: &Credentials,
    at: i64,
) -> SignedRequest {
    signing::sign(
        request,
        region,
        service,
        creds,
        UnixSeconds(at),
        &SignedHeaderSet::Standard,
    )
    .expect("valid input")
}

fn request(host: &str, path: &str, query: &[(String, String)], body: &[u8]) -> RequestToSign {
    RequestToSign::new("GET", host, path)
        .with_query_pairs(query.iter().cloned())
        .with_body(body.to_vec())
}

proptest! {
    #[test]
    fn parameter_order_does_not_matter(
        query in query().prop_flat_map(|q| (Just(q.clone()), Just(q).prop_shuffle())),
        secret in secret(),
        at in time(),
    ) {
        let (a, b) = query;
        let creds = Credentials::new("AK", secret).unwrap();
        let x = sign(&request("rtc.volcengineapi.com", "/", &a, b""), &creds, at);
        let y = sign(&request("rtc.volcengineapi.com", "/", &b, b""), &creds, at);
        prop_assert_eq!(&x.canonical_query_string, &y.canonical_query_string);
        prop_assert_eq!(&x.canonical_request, &y.canonical_request);
        prop_assert_eq!(&x.signature, &y.signature);
        prop_assert_eq!(&x.authorization, &y.authorization);
    }

    #[test]
    fn the_encoding_round_trips_through_a_standard_decoder(
        query in query(),
        path in path(),
        at in time(),
    ) {
        let creds = Credentials::new("AK", "SK").unwrap();
        let signed = sign(&request("rtc.volcengineapi.com", &path, &query, b""), &creds, at);
        let decoded: Vec<(String, String)> = if signed.canonical_query_string.is_empty() {
            Vec::new()
        } else {
            signed
                .canonical_query_string
                .split('&')
                .map(|pair| {
                    let (k, v) = pair.split_once('=').expect("name=value");
                    (props::percent_decode(k), props::percent_decode(v))
                })
                .collect()
        };
        let mut sorted = query.clone();
        sorted.sort();
        prop_assert_eq!(decoded, sorted);
        // Each path segment is encoded on its own; `/` separates them.
        let segments: Vec<String> = signed.canonical_uri.split('/').map(props::percent_decode).collect();
        prop_assert_eq!(segments.join("/"), path);
        prop_assert!(signed.canonical_query_string.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%&=".contains(&b)));
    }

    #[test]
    fn every_signed_input_changes_the_signature(
        query in query(),
        secret in secret(),
        path in path(),
        host in host(),
        at in time(),
        body in body(),
    ) {
        let creds = Credentials::new("AK", secret.clone()).unwrap();
        let req = request(&host, &path, &query, &body);
        let base = sign(&req, &creds, at);
        let differs = |other: &SignedRequest| other.signature != base.signature;
        for i in 0..secret.chars().count() {
            let other = Credentials::new("AK", props::with_char_changed(&secret, i)).unwrap();
            prop_assert!(differs(&sign(&req, &other, at)), "secret char {}", i);
        }
        for i in 0..query.len() {
            let mut q = query.clone();
            q[i].0.push('x');
            prop_assert!(differs(&sign(&request(&host, &path, &q, &body), &creds, at)), "name {}", i);
            let mut q = query.clone();
            q[i].1.push('x');
            prop_assert!(differs(&sign(&request(&host, &path, &q, &body), &creds, at)), "value {}", i);
        }
        let mut q = query.clone();
        q.push(("extra".into(), String::new()));
        prop_assert!(differs(&sign(&request(&host, &path, &q, &body), &creds, at)), "added parameter");
        prop_assert!(differs(&sign(&req, &creds, at + 1)), "time");
        let mut post = req.clone();
        post.method = "POST".into();
        prop_assert!(differs(&sign(&post, &creds, at)), "method");
        prop_assert!(differs(&sign(&request(&host, &format!("{path}x"), &query, &body), &creds, at)), "path");
        prop_assert!(differs(&sign(&request(&format!("x{host}"), &path, &query, &body), &creds, at)), "host");
        prop_assert!(differs(&sign_in(&req, "cn-north-2", "rtc", &creds, at)), "region");
        prop_assert!(differs(&sign_in(&req, "cn-north-1", "rtcx", &creds, at)), "service");
        for i in 0..body.len() {
            let mut b = body.clone();
            b[i] ^= 0x01;
            prop_assert!(differs(&sign(&request(&host, &path, &query, &b), &creds, at)), "body byte {}", i);
        }
        let mut b = body.clone();
        b.push(0xFF);
        prop_assert!(differs(&sign(&request(&host, &path, &query, &b), &creds, at)), "body length");
        // Content type and session token are signed headers when present.
        let typed = req.clone().with_content_type("application/json");
        let typed_sig = sign(&typed, &creds, at);
        prop_assert!(differs(&typed_sig), "content type added");
        let retyped = sign(&req.clone().with_content_type("application/jsonx"), &creds, at);
        prop_assert_ne!(&retyped.signature, &typed_sig.signature, "content type changed");
        let sts = creds.clone().with_session_token("token-a").unwrap();
        let sts_sig = sign(&req, &sts, at);
        prop_assert!(differs(&sts_sig), "session token added");
        let sts_b = creds.clone().with_session_token("token-b").unwrap();
        prop_assert_ne!(&sign(&req, &sts_b, at).signature, &sts_sig.signature, "session token changed");
        // The access key id is sent in the Authorization header but not signed.
        let other_ak = Credentials::new("AK2", secret.clone()).unwrap();
        let signed = sign(&req, &other_ak, at);
        prop_assert_eq!(&signed.signature, &base.signature, "the access key id is signed");
        prop_assert_ne!(&signed.authorization, &base.authorization);
    }
}
