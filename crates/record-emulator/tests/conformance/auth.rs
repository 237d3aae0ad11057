//! Behaviour 4: every authentication failure reaches the caller as a typed, non-retried
//! `ErrorKind::Unauthenticated` error through the real client, with the vendor's own code.

use crate::harness::{Creds, Harness, Opts, quick_retries};
use record_emulator::Vendor;
use record_facade::{DurationMillis, ErrorKind, FixedClock};
use std::sync::Arc;

/// A wrong secret (Agora: a wrong Customer Secret) and an unknown key id are
/// `Unauthenticated`, carry the vendor's code, and are not retried even with retries on.
pub async fn wrong_credentials(vendor: Vendor) {
    let h = Harness::start(vendor).await;
    let (_, task) = h.create(h.spec());
    let (secret_code, key_code, _) = h.auth_codes();
    for (creds, code) in [
        (Creds::WrongSecret, secret_code),
        (Creds::WrongKeyId, key_code),
    ] {
        let client = h.client_with(&Opts {
            creds,
            retry: Some(quick_retries(3)),
            ..Opts::default()
        });
        h.count_requests([]);
        let e = client.get(&task).await.unwrap_err();
        assert_eq!(
            (e.kind(), e.vendor_code()),
            (ErrorKind::Unauthenticated, Some(code)),
            "{vendor} {creds:?}: {e:?}"
        );
        assert!(!e.is_retryable(), "{vendor} {creds:?}");
        assert_eq!(e.attempts(), 1, "{vendor} {creds:?}: not retried");
        assert_eq!(h.requests_seen().await, 1, "{vendor} {creds:?}");
    }
    h.client.get(&task).await.unwrap();
}

/// A client whose clock is off by more than the vendor's signature validity (ZEGO 10 min,
/// QingCloud `time_stamp` 15 min, Volcengine `X-Date` 15 min), ahead or behind, is refused
/// as `Unauthenticated`; a minute inside the validity is accepted. Agora signs no time
/// (HTTP Basic): a client clock a day off is accepted.
pub async fn clock_skew(vendor: Vendor) {
    let h = Harness::start(vendor).await;
    let (_, task) = h.create(h.spec());
    let skewed = |by_ms: i64| {
        let clock = Arc::new(FixedClock::new(
            h.now().saturating_add(DurationMillis(by_ms)),
        ));
        h.client_with(&Opts {
            clock: Some(clock),
            ..Opts::default()
        })
    };
    match h.signature_validity() {
        Some(validity) => {
            let (_, _, expired_code) = h.auth_codes();
            let validity = i64::try_from(validity.as_millis()).unwrap();
            for sign in [-1, 1] {
                skewed(sign * (validity - 60_000))
                    .get(&task)
                    .await
                    .unwrap_or_else(|e| panic!("{vendor} {sign}: {e:?}"));
                let e = skewed(sign * (validity + 60_000))
                    .get(&task)
                    .await
                    .unwrap_err();
                assert_eq!(
                    (e.kind(), e.vendor_code()),
                    (ErrorKind::Unauthenticated, expired_code),
                    "{vendor} {sign}: {e:?}"
                );
                assert!(!e.is_retryable());
            }
        }
        None => {
            for by in [-DurationMillis::DAY.0, DurationMillis::DAY.0] {
                skewed(by)
                    .get(&task)
                    .await
                    .unwrap_or_else(|e| panic!("{vendor} {by}: {e:?}"));
            }
        }
    }
}

/// ZEGO's `SignatureNonce` is single-use: a client that repeats it (the builder's
/// `nonce_source` hook) is refused the second time, and not retried. The other vendors sign
/// no nonce: the same signed request (same clock second) is accepted again.
pub async fn nonce_reuse(vendor: Vendor) {
    let h = Harness::start(vendor).await;
    let (_, task) = h.create(h.spec());
    if vendor == Vendor::Zego {
        let client = h.client_with(&Opts {
            zego_nonce: Some("0123456789abcdef".into()),
            retry: Some(quick_retries(3)),
            ..Opts::default()
        });
        client.get(&task).await.unwrap();
        let e = client.get(&task).await.unwrap_err();
        assert_eq!(
            (e.kind(), e.vendor_code(), e.attempts()),
            (ErrorKind::Unauthenticated, Some("100000004"), 1),
            "{e:?}"
        );
        assert!(
            e.vendor_message()
                .is_some_and(|m| m.contains("SignatureNonce")),
            "{e:?}"
        );
        // A fresh nonce (the default source) is fine.
        h.client.get(&task).await.unwrap();
    } else {
        h.count_requests([]);
        for _ in 0..3 {
            h.client.get(&task).await.unwrap();
        }
        assert_eq!(h.requests_seen().await, 3);
    }
}
