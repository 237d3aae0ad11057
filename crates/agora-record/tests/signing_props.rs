//! Property tests of Agora's HTTP Basic authentication.
//!
//! Agora signs nothing: there is no canonical query, and the header does not depend on the
//! request or the time. What applies:
//!
//! * the token is standard base64 that decodes (with the `base64` crate's standard engine)
//!   back to `customer_id:customer_secret`, and splitting it at the first `:` gives both
//!   values back (the id cannot contain `:`; the secret may);
//! * the header changes when any character of the id or of the secret changes;
//! * the header is `Basic <token>`, is the same at any time (`sign_with_clock`), and is never
//!   shown by `Debug`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers: a failure should panic

use agora_record::{Credentials, signing};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use proptest::prelude::*;
use record_core::{FixedClock, UnixMillis};

#[path = "../../record-core/tests/support/signing_props.rs"]
mod props;

fn id() -> impl Strategy<Value = String> {
    "[^\\p{Cc}:]{1,30}".prop_filter("not blank", |s| !s.trim().is_empty())
}

fn secret() -> impl Strategy<Value = String> {
    "[^\\p{Cc}]{1,40}".prop_filter("not blank", |s| !s.trim().is_empty())
}

fn header(id: &str, secret: &str) -> String {
    let creds = Credentials::new(id, secret).unwrap();
    signing::sign(&creds).expose_header_value().to_owned()
}

proptest! {
    #[test]
    fn the_token_decodes_back_to_id_and_secret(id in id(), secret in secret()) {
        let creds = Credentials::new(id.clone(), secret.clone()).unwrap();
        let auth = signing::sign(&creds);
        let bytes = STANDARD.decode(auth.expose_token()).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        prop_assert_eq!(&text, &format!("{id}:{secret}"));
        prop_assert_eq!(text.split_once(':'), Some((id.as_str(), secret.as_str())));
        prop_assert_eq!(auth.expose_header_value(), format!("Basic {}", auth.expose_token()));
        prop_assert_eq!(STANDARD.encode(text.as_bytes()), auth.expose_token());
    }

    #[test]
    fn the_header_changes_with_either_input(id in id(), secret in secret()) {
        let base = header(&id, &secret);
        for i in 0..id.chars().count() {
            prop_assert_ne!(&header(&props::with_char_changed(&id, i), &secret), &base, "id char {}", i);
        }
        for i in 0..secret.chars().count() {
            prop_assert_ne!(&header(&id, &props::with_char_changed(&secret, i)), &base, "secret char {}", i);
        }
        prop_assert_ne!(&header(&format!("{id}x"), &secret), &base, "longer id");
        prop_assert_ne!(&header(&id, &format!("{secret}x")), &base, "longer secret");
    }

    #[test]
    fn the_header_does_not_depend_on_the_time_and_is_never_shown(
        id in id(),
        secret in secret(),
        ms in any::<i64>(),
    ) {
        let creds = Credentials::new(id, secret).unwrap();
        let auth = signing::sign(&creds);
        let clock = FixedClock::new(UnixMillis(ms));
        let at_that_time = signing::sign_with_clock(&creds, &clock);
        prop_assert_eq!(at_that_time.expose_header_value(), auth.expose_header_value());
        let shown = format!("{auth:?}");
        prop_assert!(!shown.contains(auth.expose_header_value()));
        prop_assert!(!shown.contains(auth.expose_user_pass()));
    }
}
