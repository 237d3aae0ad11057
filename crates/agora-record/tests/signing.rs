//! Golden vectors for HTTP Basic authentication (`fixtures/agora/signing/<case>/case.toml`,
//! written by `generate_vectors.py`, an independent Python implementation), plus checks that
//! secrets never leak through `Debug` or errors.

use agora_record::credentials::{
    CUSTOMER_ID_ENV, CUSTOMER_ID_PARAM, CUSTOMER_SECRET_ENV, CUSTOMER_SECRET_PARAM,
};
use agora_record::signing::{self, AUTHORIZATION};
use agora_record::{BasicAuthorization, Credentials};
use record_core::{Clock, ErrorKind, FixedClock, UnixMillis};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn signing_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/agora/signing")
}

fn str_field<'a>(table: &'a toml::Table, key: &str) -> Result<&'a str, String> {
    table
        .get(key)
        .and_then(toml::Value::as_str)
        .ok_or_else(|| format!("missing string `{key}`"))
}

fn sub_table<'a>(table: &'a toml::Table, key: &str) -> Option<&'a toml::Table> {
    table.get(key).and_then(toml::Value::as_table)
}

/// Checks that none of the secret-bearing strings occurs in `text`. Strings too short to
/// be told apart from the surrounding words (or contained in a parameter name) are skipped.
fn leaks(text: &str, secrets: &[&str]) -> Option<String> {
    secrets
        .iter()
        .filter(|s| s.trim().chars().count() >= 4 && !CUSTOMER_SECRET_PARAM.contains(**s))
        .find(|s| text.contains(**s))
        .map(|s| format!("`{text}` contains secret material `{s}`"))
}

/// Runs one case; returns the problems found.
fn run_case(case: &toml::Table) -> Result<Vec<String>, String> {
    let mut problems = Vec::new();
    let input = sub_table(case, "input").ok_or("missing [input]")?;
    let id = str_field(input, "customer_id")?;
    let secret = str_field(input, "customer_secret")?;
    let result = Credentials::new(id, secret);

    match (
        sub_table(case, "expected"),
        sub_table(case, "expected_error"),
    ) {
        (Some(expected), None) => {
            let creds = match result {
                Ok(c) => c,
                Err(e) => return Err(format!("Credentials::new failed: {e}")),
            };
            let auth = signing::sign(&creds);
            let checks: [(&str, &str); 5] = [
                ("customer_id", auth.customer_id()),
                ("user_pass", auth.expose_user_pass()),
                ("token", auth.expose_token()),
                ("header_name", auth.header_name()),
                ("header_value", auth.expose_header_value()),
            ];
            for (key, got) in checks {
                let want = if key == "customer_id" {
                    id
                } else {
                    str_field(expected, key)?
                };
                if got != want {
                    problems.push(format!("{key}: got {got:?}, expected {want:?}"));
                }
            }
            let unexpected: Vec<_> = expected
                .keys()
                .filter(|k| {
                    !["user_pass", "token", "header_name", "header_value"].contains(&k.as_str())
                })
                .collect();
            if !unexpected.is_empty() {
                problems.push(format!("unchecked expected keys {unexpected:?}"));
            }
            // The clock convenience gives the same header at any time.
            for at in [UnixMillis(0), UnixMillis(1_718_781_186_000)] {
                let clock = FixedClock::new(at);
                let timed = signing::sign_with_clock(&creds, &clock);
                if timed.expose_header_value() != auth.expose_header_value() {
                    problems.push(format!("sign_with_clock differs at {at}"));
                }
            }
            if creds.expose_customer_secret() != secret {
                problems.push("the secret was not kept verbatim".to_owned());
            }
            let secrets = [
                secret,
                auth.expose_user_pass(),
                auth.expose_token(),
                auth.expose_header_value(),
            ];
            // Debug shows exactly the id and a redaction marker, nothing else.
            let want = format!("Credentials {{ customer_id: {id:?}, secret: \"[redacted]\" }}");
            if format!("{creds:?}") != want {
                problems.push(format!("Debug of Credentials: {creds:?}, expected {want}"));
            }
            let want = format!(
                "BasicAuthorization {{ customer_id: {id:?}, header_value: \"[redacted]\" }}"
            );
            if format!("{auth:?}") != want {
                problems.push(format!(
                    "Debug of BasicAuthorization: {auth:?}, expected {want}"
                ));
            }
            // The derived values are long and specific enough for a substring check.
            problems.extend(leaks(&format!("{creds:#?}"), &secrets[1..]));
            problems.extend(leaks(&format!("{auth:#?}"), &secrets[1..]));
        }
        (None, Some(expected_error)) => {
            let kind = str_field(expected_error, "kind")?;
            let parameter = str_field(expected_error, "parameter")?;
            match result {
                Ok(c) => problems.push(format!("expected an error, got {c:?}")),
                Err(e) => {
                    if e.kind().as_str() != kind {
                        problems.push(format!("kind: got {}, expected {kind}", e.kind()));
                    }
                    if e.parameter() != Some(parameter) {
                        problems.push(format!(
                            "parameter: got {:?}, expected {parameter:?}",
                            e.parameter()
                        ));
                    }
                    problems.extend(leaks(&e.to_string(), &[secret]));
                    problems.extend(leaks(&format!("{e:?}"), &[secret]));
                }
            }
        }
        _ => return Err("needs exactly one of [expected] and [expected_error]".to_owned()),
    }
    Ok(problems)
}

#[test]
fn golden_vectors() {
    let dir = signing_dir();
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) => panic!("cannot read {}: {e}", dir.display()),
    };
    let mut cases: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();

    let mut failures = Vec::new();
    let mut names = Vec::new();
    for case_dir in &cases {
        let name = case_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let path = case_dir.join("case.toml");
        let outcome = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read case.toml: {e}"))
            .and_then(|text| {
                toml::from_str::<toml::Table>(&text).map_err(|e| format!("bad TOML: {e}"))
            })
            .and_then(|table| run_case(&table));
        match outcome {
            Ok(problems) => {
                failures.extend(problems.into_iter().map(|p| format!("case `{name}`: {p}")))
            }
            Err(e) => failures.push(format!("case `{name}`: {e}")),
        }
        names.push(name);
    }

    for required in [
        "rfc7617_aladdin",
        "vendor_facts_test_customer",
        "unicode_emoji_secret",
        "secret_with_colons",
        "long_secret",
        "reject_blank_id",
        "reject_id_with_colon",
    ] {
        if !names.iter().any(|n| n == required) {
            failures.push(format!("case `{required}` is missing"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} signing vector problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn auth(id: &str, secret: &str) -> BasicAuthorization {
    match Credentials::new(id, secret) {
        Ok(c) => signing::sign(&c),
        Err(e) => panic!("Credentials::new({id:?}, ..) failed: {e}"),
    }
}

#[test]
fn official_vectors_inline() {
    let a = auth("Aladdin", "open sesame");
    assert_eq!(a.header_name(), AUTHORIZATION);
    assert_eq!(
        a.expose_header_value(),
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
    );
    let d = auth("test-customer-id", "test-customer-secret");
    assert_eq!(
        d.expose_token(),
        "dGVzdC1jdXN0b21lci1pZDp0ZXN0LWN1c3RvbWVyLXNlY3JldA=="
    );
}

#[test]
fn header_changes_when_any_input_changes() {
    let base = auth("customer", "secret");
    let variants = [
        auth("customeR", "secret"),
        auth("customer2", "secret"),
        auth("custome", "secret"),
        auth("customer", "Secret"),
        auth("customer", "secret2"),
        auth("customer", "secre"),
        auth("customer", "secret "),
        // Moving the boundary between id and secret moves the colon.
        auth("customers", "ecret"),
        auth("custome", "rsecret"),
    ];
    for v in &variants {
        assert_ne!(
            v.expose_header_value(),
            base.expose_header_value(),
            "{v:?} has the same header as {base:?}"
        );
        assert_ne!(v.expose_token(), base.expose_token());
        assert_ne!(v.expose_user_pass(), base.expose_user_pass());
    }
    // And the same inputs always give the same header.
    assert_eq!(
        auth("customer", "secret").expose_header_value(),
        base.expose_header_value()
    );
}

#[test]
fn debug_never_shows_the_secret() {
    let secret = "s3cr3t-value-🔑";
    let creds = match Credentials::new("my-customer", secret) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    let debug = format!("{creds:?}");
    assert_eq!(
        debug,
        r#"Credentials { customer_id: "my-customer", secret: "[redacted]" }"#
    );
    let pretty = format!("{creds:#?}");
    assert!(!pretty.contains(secret), "{pretty}");

    let a = signing::sign(&creds);
    for text in [format!("{a:?}"), format!("{a:#?}")] {
        for s in [
            secret,
            a.expose_user_pass(),
            a.expose_token(),
            a.expose_header_value(),
        ] {
            assert!(!text.contains(s), "{text} contains {s}");
        }
        assert!(text.contains("[redacted]"), "{text}");
        assert!(text.contains("my-customer"), "{text}");
    }
    assert_eq!(
        format!("{a:?}"),
        r#"BasicAuthorization { customer_id: "my-customer", header_value: "[redacted]" }"#
    );
}

#[test]
fn new_names_the_bad_parameter() {
    for (id, secret, param) in [
        ("", "secret", CUSTOMER_ID_PARAM),
        ("  ", "secret", CUSTOMER_ID_PARAM),
        ("a:b", "secret", CUSTOMER_ID_PARAM),
        ("id", "", CUSTOMER_SECRET_PARAM),
        ("id", "\t ", CUSTOMER_SECRET_PARAM),
        ("id", "secret\r\n", CUSTOMER_SECRET_PARAM),
    ] {
        match Credentials::new(id, secret) {
            Ok(c) => panic!("accepted {c:?}"),
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{e}");
                assert_eq!(e.parameter(), Some(param), "{e}");
                assert!(e.to_string().contains(param), "{e}");
            }
        }
    }
    // A secret containing ':' is fine.
    assert!(Credentials::new("id", "a:b").is_ok());
}

fn lookup_from(
    vars: &[(&'static str, &'static str)],
) -> impl FnMut(&str) -> Option<String> + use<> {
    let map: HashMap<&'static str, &'static str> = vars.iter().copied().collect();
    move |name| map.get(name).map(|v| (*v).to_owned())
}

#[test]
fn from_lookup_reads_both_variables() {
    let creds = match Credentials::from_lookup(lookup_from(&[
        (CUSTOMER_ID_ENV, "test-customer-id"),
        (CUSTOMER_SECRET_ENV, "test-customer-secret"),
    ])) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(creds.customer_id(), "test-customer-id");
    assert_eq!(
        signing::sign(&creds).expose_token(),
        "dGVzdC1jdXN0b21lci1pZDp0ZXN0LWN1c3RvbWVyLXNlY3JldA=="
    );
}

#[test]
fn from_lookup_names_the_missing_or_bad_variable() {
    let cases: [(&[(&'static str, &'static str)], &str); 6] = [
        (&[], "AGORA_CUSTOMER_ID"),
        (&[(CUSTOMER_SECRET_ENV, "very-secret")], "AGORA_CUSTOMER_ID"),
        (&[(CUSTOMER_ID_ENV, "id")], "AGORA_CUSTOMER_SECRET"),
        (
            &[(CUSTOMER_ID_ENV, ""), (CUSTOMER_SECRET_ENV, "very-secret")],
            "AGORA_CUSTOMER_ID",
        ),
        (
            &[
                (CUSTOMER_ID_ENV, "a:b"),
                (CUSTOMER_SECRET_ENV, "very-secret"),
            ],
            "AGORA_CUSTOMER_ID",
        ),
        (
            &[
                (CUSTOMER_ID_ENV, "id"),
                (CUSTOMER_SECRET_ENV, "very-secret\n"),
            ],
            "AGORA_CUSTOMER_SECRET",
        ),
    ];
    for (vars, named) in cases {
        match Credentials::from_lookup(lookup_from(vars)) {
            Ok(c) => panic!("accepted {c:?}"),
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::InvalidConfiguration, "{e}");
                assert!(e.message().contains(named), "{vars:?}: {e}");
                assert!(e.to_string().contains(named), "{vars:?}: {e}");
                assert!(!e.to_string().contains("very-secret"), "{e}");
                assert!(!format!("{e:?}").contains("very-secret"), "{e:?}");
            }
        }
    }
}

#[test]
fn from_env_names_a_missing_variable() {
    // Reads the real environment but never changes it.
    if std::env::var_os(CUSTOMER_ID_ENV).is_none() {
        match Credentials::from_env() {
            Ok(c) => panic!("accepted {c:?}"),
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::InvalidConfiguration);
                assert!(e.message().contains(CUSTOMER_ID_ENV), "{e}");
            }
        }
    }
}

#[test]
fn sign_with_clock_does_not_depend_on_time() {
    let creds = match Credentials::new("Aladdin", "open sesame") {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    let clock = FixedClock::new(UnixMillis(1));
    let before = signing::sign_with_clock(&creds, &clock);
    clock.set(UnixMillis(i64::MAX));
    let after = signing::sign_with_clock(&creds as &Credentials, &clock as &dyn Clock);
    assert_eq!(before.expose_header_value(), after.expose_header_value());
}
