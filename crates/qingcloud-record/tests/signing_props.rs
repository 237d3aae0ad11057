//! Property tests of the QingCloud RTC signer (HMAC-SHA256 over the canonical query).
//!
//! * The canonical query, the string to sign and the signature do not depend on the order
//!   in which the business parameters are given.
//! * The encoding round-trips: the canonical query and the query string sent decode, with
//!   the standard percent-decoder (`percent_encoding::percent_decode_str`), back to the
//!   parameters signed (sorted), and `quote` decodes back to its input.
//! * The signature changes when any signed input changes: every character of the secret,
//!   the access key id, every parameter name and value, the time (to the second), the
//!   method, the path and the body bytes (bodies may be any bytes, not only UTF-8).
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers: a failure should panic

use proptest::prelude::*;
use qingcloud_record::signing::{self, RESERVED_PARAMS};
use qingcloud_record::{Credentials, SignedRequest};
use record_core::UnixSeconds;

#[path = "../../record-core/tests/support/signing_props.rs"]
mod props;

/// Names and values with reserved, non-ASCII and empty cases.
const TEXT: &str = "[a-zA-Z0-9 &=+%/?#~*._é中😀-]{0,12}";

fn name() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 &=+%/?#~*._é中😀-]{1,12}".prop_filter("not a reserved name", |n| {
        !RESERVED_PARAMS.contains(&n.as_str())
    })
}

fn query() -> impl Strategy<Value = Vec<(String, String)>> {
    proptest::collection::vec((name(), TEXT), 0..8)
}

fn secret() -> impl Strategy<Value = String> {
    "[^\\p{Cc}]{1,40}".prop_filter("not blank", |s| !s.trim().is_empty())
}

fn path() -> impl Strategy<Value = String> {
    "/[a-zA-Z0-9 %/~._é-]{0,20}"
}

/// Times within the years 0001..=9999 that `time_stamp` can express.
fn time() -> impl Strategy<Value = i64> {
    -62_135_596_800i64..253_402_300_799
}

fn body() -> impl Strategy<Value = Option<Vec<u8>>> {
    proptest::option::of(proptest::collection::vec(any::<u8>(), 0..64))
}

fn decode_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').expect("name=value");
            (props::percent_decode(k), props::percent_decode(v))
        })
        .collect()
}

fn sign(
    method: &str,
    path: &str,
    query: &[(String, String)],
    body: Option<&[u8]>,
    creds: &Credentials,
    at: i64,
) -> SignedRequest {
    signing::sign(method, path, query, body, creds, UnixSeconds(at)).expect("valid input")
}

proptest! {
    #[test]
    fn parameter_order_does_not_matter(
        query in query().prop_flat_map(|q| (Just(q.clone()), Just(q).prop_shuffle())),
        secret in secret(),
        path in path(),
        at in time(),
        body in body(),
    ) {
        let (a, b) = query;
        let creds = Credentials::new("QYACCESSKEYIDEXAMPLE", secret).unwrap();
        let x = sign("GET", &path, &a, body.as_deref(), &creds, at);
        let y = sign("GET", &path, &b, body.as_deref(), &creds, at);
        prop_assert_eq!(x, y);
    }

    #[test]
    fn the_encoding_round_trips_through_a_standard_decoder(
        query in query(),
        access_key_id in "[A-Za-z0-9é/+=&]{1,20}",
        text in TEXT,
        at in time(),
    ) {
        prop_assert_eq!(props::percent_decode(&signing::quote(&text)), text.clone());
        prop_assert_eq!(props::percent_decode(&signing::encode_signature(&text)), text);
        let creds = Credentials::new(access_key_id, "SECRET").unwrap();
        let signed = sign("GET", "/v1/cloudRecord", &query, None, &creds, at);
        let mut expected: Vec<(String, String)> = query.clone();
        expected.push(("access_key_id".into(), creds.access_key_id().into()));
        expected.push(("signature_method".into(), "HmacSHA256".into()));
        expected.push(("signature_version".into(), "1".into()));
        expected.push(("time_stamp".into(), signed.time_stamp.clone()));
        expected.sort();
        prop_assert_eq!(&decode_query(&signed.canonical_query), &expected);
        expected.push(("signature".into(), signed.signature.clone()));
        prop_assert_eq!(decode_query(&signed.query_string), expected);
    }

    #[test]
    fn every_signed_input_changes_the_signature(
        query in query(),
        secret in secret(),
        path in path(),
        at in time(),
        body in body(),
    ) {
        let creds = Credentials::new("QYACCESSKEYIDEXAMPLE", secret.clone()).unwrap();
        let body = body.as_deref();
        let base = sign("GET", &path, &query, body, &creds, at).signature;
        for i in 0..secret.chars().count() {
            let other = Credentials::new("QYACCESSKEYIDEXAMPLE", props::with_char_changed(&secret, i)).unwrap();
            prop_assert_ne!(&sign("GET", &path, &query, body, &other, at).signature, &base, "secret char {}", i);
        }
        let other = Credentials::new("QYACCESSKEYIDEXAMPLF", secret.clone()).unwrap();
        prop_assert_ne!(&sign("GET", &path, &query, body, &other, at).signature, &base, "access key id");
        for i in 0..query.len() {
            let mut q = query.clone();
            q[i].0.push('x');
            if !RESERVED_PARAMS.contains(&q[i].0.as_str()) {
                prop_assert_ne!(&sign("GET", &path, &q, body, &creds, at).signature, &base, "name {}", i);
            }
            let mut q = query.clone();
            q[i].1.push('x');
            prop_assert_ne!(&sign("GET", &path, &q, body, &creds, at).signature, &base, "value {}", i);
        }
        let mut q = query.clone();
        q.push(("extra".into(), String::new()));
        prop_assert_ne!(&sign("GET", &path, &q, body, &creds, at).signature, &base, "added parameter");
        prop_assert_ne!(&sign("GET", &path, &query, body, &creds, at + 1).signature, &base, "time");
        prop_assert_ne!(&sign("POST", &path, &query, body, &creds, at).signature, &base, "method");
        prop_assert_ne!(&sign("GET", &format!("{path}x"), &query, body, &creds, at).signature, &base, "path");
        // The method is upper-cased before signing.
        prop_assert_eq!(&sign("get", &path, &query, body, &creds, at).signature, &base, "get vs GET");
        match body {
            Some(bytes) => {
                for i in 0..bytes.len() {
                    let mut b = bytes.to_vec();
                    b[i] ^= 0x01;
                    prop_assert_ne!(&sign("GET", &path, &query, Some(&b), &creds, at).signature, &base, "body byte {}", i);
                }
                let mut b = bytes.to_vec();
                b.push(0xFF);
                prop_assert_ne!(&sign("GET", &path, &query, Some(&b), &creds, at).signature, &base, "body length");
            }
            None => {
                prop_assert_ne!(&sign("GET", &path, &query, Some(b""), &creds, at).signature, &base, "empty body vs none");
            }
        }
    }
}
