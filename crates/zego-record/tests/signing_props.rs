//! Property tests of the ZEGO signer (`SignatureVersion` 2.0).
//!
//! ZEGO signs no canonical query: the signed string is the plain concatenation
//! `AppId + SignatureNonce + ServerSecret + Timestamp`, and the six common parameters are
//! sent in one fixed order. So the properties are: the signed string is exactly that
//! concatenation (whatever the action, which is sent but not signed); the query string
//! decodes (RFC 3986 percent-decoding, written below from the RFC) back to the pairs; and the
//! signature changes when any signed input changes: every character of the secret, the
//! `AppId`, every character of the nonce, the timestamp.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers: a failure should panic

use proptest::prelude::*;
use record_core::UnixSeconds;
use zego_record::{Credentials, signing};

#[path = "../../record-core/tests/support/signing_props.rs"]
mod props;

/// A secret the credentials accept: not blank, no control characters.
fn secret() -> impl Strategy<Value = String> {
    "[^\\p{Cc}]{1,40}".prop_filter("not blank", |s| !s.trim().is_empty())
}

/// Any non-empty nonce, reserved and non-ASCII characters included.
fn nonce() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 &=+%/?#~._é中😀-]{1,32}"
}

proptest! {
    #[test]
    fn the_signed_string_is_the_documented_concatenation(
        app_id in any::<u32>(),
        secret in secret(),
        action in "[A-Za-z]{1,20}",
        nonce in nonce(),
        ts in 0..=i64::MAX,
    ) {
        let creds = Credentials::new(app_id, secret.clone()).unwrap();
        let signed = signing::sign(&creds, &action, &nonce, UnixSeconds(ts)).unwrap();
        prop_assert_eq!(
            signed.expose_string_to_sign(),
            format!("{app_id}{nonce}{secret}{ts}")
        );
        prop_assert_eq!(signed.signature().len(), 32);
        prop_assert!(signed.signature().bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        // The action is sent, not signed: another action gives the same signature.
        let other = signing::sign(&creds, &format!("{action}X"), &nonce, UnixSeconds(ts)).unwrap();
        prop_assert_eq!(other.signature(), signed.signature());
        // Deterministic.
        let again = signing::sign(&creds, &action, &nonce, UnixSeconds(ts)).unwrap();
        prop_assert_eq!(again.query_string(), signed.query_string());
    }

    #[test]
    fn the_query_string_decodes_back_to_the_pairs_in_their_fixed_order(
        app_id in any::<u32>(),
        secret in secret(),
        action in nonce(),
        nonce in nonce(),
        ts in 0..=i64::MAX,
    ) {
        let creds = Credentials::new(app_id, secret).unwrap();
        let signed = signing::sign(&creds, &action, &nonce, UnixSeconds(ts)).unwrap();
        let query = signed.query_string();
        let decoded: Vec<(String, String)> = query
            .split('&')
            .map(|pair| {
                let (k, v) = pair.split_once('=').expect("name=value");
                (props::percent_decode(k), props::percent_decode(v))
            })
            .collect();
        let pairs: Vec<(String, String)> = signed
            .query_pairs()
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        prop_assert_eq!(&decoded, &pairs);
        let names: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
        prop_assert_eq!(
            names,
            ["Action", "AppId", "SignatureNonce", "Timestamp", "Signature", "SignatureVersion"]
        );
        // Only RFC 3986 unreserved characters are left unescaped.
        prop_assert!(query.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%&=".contains(&b)));
    }

    #[test]
    fn every_signed_input_changes_the_signature(
        app_id in any::<u32>(),
        secret in secret(),
        nonce in nonce(),
        ts in 0..i64::MAX,
    ) {
        let creds = Credentials::new(app_id, secret.clone()).unwrap();
        let sign = |creds: &Credentials, nonce: &str, ts: i64| {
            signing::sign(creds, "DescribeRecordStatus", nonce, UnixSeconds(ts))
                .unwrap()
                .signature()
                .to_owned()
        };
        let base = sign(&creds, &nonce, ts);
        for i in 0..secret.chars().count() {
            let changed = props::with_char_changed(&secret, i);
            let other = Credentials::new(app_id, changed.clone()).unwrap();
            prop_assert_ne!(&sign(&other, &nonce, ts), &base, "secret char {}", i);
        }
        let other = Credentials::new(app_id.wrapping_add(1), secret.clone()).unwrap();
        prop_assert_ne!(&sign(&other, &nonce, ts), &base, "AppId");
        for i in 0..nonce.chars().count() {
            prop_assert_ne!(&sign(&creds, &props::with_char_changed(&nonce, i), ts), &base, "nonce char {}", i);
        }
        prop_assert_ne!(&sign(&creds, &nonce, ts + 1), &base, "timestamp");
    }
}
