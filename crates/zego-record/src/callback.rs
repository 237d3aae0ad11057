//! Verification of ZEGO's recording-status callbacks (v2, JSON body).
//!
//! ZEGO signs each callback with the callback secret (回调密钥) configured in its console:
//! `signature` = lowercase hex SHA-1 of the three strings `[callback_secret, timestamp, nonce]`
//! sorted lexicographically and joined without separator. `timestamp` (Unix seconds) and
//! `nonce` travel in the callback body itself (see `zh-snippet-SignatureVerificationZH.mdx`).
//!
//! This is a first step of issue 15: only the signature algorithm is here; parsing, the
//! replay window, dedup and the typed events follow.

use secrecy::{ExposeSecret, SecretString};
use sha1::{Digest, Sha1};
use subtle::ConstantTimeEq;

/// The expected `signature` of a ZEGO callback: lowercase hex SHA-1 of the sorted
/// `[secret, timestamp, nonce]` joined without separator.
pub fn expected_signature(secret: &SecretString, timestamp: &str, nonce: &str) -> String {
    let mut parts = [secret.expose_secret(), timestamp, nonce];
    parts.sort_unstable();
    let mut hasher = Sha1::new();
    for part in parts {
        hasher.update(part.as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Whether `signature` (as received, hex) matches one of `secrets` (current and previous,
/// for rotation), compared in constant time; upper-case hex is accepted.
pub fn signature_matches(
    secrets: &[SecretString],
    timestamp: &str,
    nonce: &str,
    signature: &str,
) -> bool {
    let received = signature.to_ascii_lowercase();
    secrets.iter().any(|secret| {
        let expected = expected_signature(secret, timestamp, nonce);
        bool::from(expected.as_bytes().ct_eq(received.as_bytes()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(text: &str) -> SecretString {
        SecretString::from(text.to_owned())
    }

    #[test]
    fn official_vector_from_zego_docs() {
        assert_eq!(
            expected_signature(&secret("secret"), "1470820198", "123412"),
            "5bd59fd62953a8059fb7eaba95720f66d19e4517"
        );
    }

    #[test]
    fn wrong_secret_forged_signature_and_rotation() {
        let good = "5bd59fd62953a8059fb7eaba95720f66d19e4517";
        assert!(!signature_matches(
            &[secret("other")],
            "1470820198",
            "123412",
            good
        ));
        assert!(!signature_matches(
            &[secret("secret")],
            "1470820199",
            "123412",
            good
        ));
        assert!(!signature_matches(
            &[secret("secret")],
            "1470820198",
            "123412",
            "00"
        ));
        assert!(signature_matches(
            &[secret("new"), secret("secret")],
            "1470820198",
            "123412",
            good
        ));
    }
}
