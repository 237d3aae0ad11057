//! The QingCloud RTC signer against the golden vectors in `fixtures/qingcloud/signing/`
//! (computed by the independent Python script `generate_vectors.py` there), plus
//! sensitivity, redaction and credential-loading tests.

use qingcloud_record::signing::{self, SignedRequest};
use qingcloud_record::{Credentials, ListRecordingsRequest};
use record_core::{Error, ErrorKind, FixedClock, UnixMillis, UnixSeconds};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    description: String,
    source: String,
    input: Input,
    expected: Expected,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    access_key_id: String,
    secret_access_key: String,
    unix_seconds: i64,
    method: String,
    path: String,
    body: Option<String>,
    query: Vec<(String, String)>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    method: String,
    time_stamp: String,
    body_md5: String,
    canonical_query: String,
    string_to_sign: String,
    signature: String,
    encoded_signature: String,
    query_string: String,
}

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/qingcloud/signing")
}

/// Every case folder, sorted, with its parsed `case.toml`.
fn load_cases() -> Vec<(String, Case)> {
    let dir = vectors_dir();
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("listing {}: {e}", dir.display()));
    folders.retain(|p| p.is_dir());
    folders.sort();
    folders
        .into_iter()
        .map(|folder| {
            let name = folder
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let file = folder.join("case.toml");
            let text = std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("case {name}: reading {}: {e}", file.display()));
            let case: Case =
                toml::from_str(&text).unwrap_or_else(|e| panic!("case {name}: parsing: {e}"));
            (name, case)
        })
        .collect()
}

fn sign_case(case: &Case) -> Result<SignedRequest, Error> {
    let creds = Credentials::new(
        case.input.access_key_id.as_str(),
        case.input.secret_access_key.as_str(),
    )?;
    signing::sign(
        &case.input.method,
        &case.input.path,
        &case.input.query,
        case.input.body.as_deref().map(str::as_bytes),
        &creds,
        UnixSeconds(case.input.unix_seconds),
    )
}

#[test]
fn golden_vectors() {
    let cases = load_cases();
    let names: Vec<&str> = cases.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        cases.len() >= 10,
        "expected at least 10 cases, got {names:?}"
    );
    for official in ["doc_get_list_recordings", "doc_post_example"] {
        assert!(
            names.contains(&official),
            "missing official vector {official}"
        );
    }

    let mut failures = Vec::new();
    for (name, case) in &cases {
        assert!(
            !case.description.trim().is_empty(),
            "case {name}: no description"
        );
        assert!(!case.source.trim().is_empty(), "case {name}: no source");
        let signed = match sign_case(case) {
            Ok(s) => s,
            Err(e) => {
                failures.push(format!("case {name}: signing failed: {e}"));
                continue;
            }
        };
        let e = &case.expected;
        let checks: [(&str, &str, &str); 9] = [
            ("method", &signed.method, &e.method),
            ("path", &signed.path, &case.input.path),
            ("time_stamp", &signed.time_stamp, &e.time_stamp),
            ("body_md5", &signed.body_md5, &e.body_md5),
            (
                "canonical_query",
                &signed.canonical_query,
                &e.canonical_query,
            ),
            ("string_to_sign", &signed.string_to_sign, &e.string_to_sign),
            ("signature", &signed.signature, &e.signature),
            (
                "encoded_signature",
                &signed.encoded_signature,
                &e.encoded_signature,
            ),
            ("query_string", &signed.query_string, &e.query_string),
        ];
        for (field, got, want) in checks {
            if got != want {
                failures.push(format!(
                    "case {name}: {field}\n   got: {got:?}\n  want: {want:?}"
                ));
            }
        }
        // The helpers agree with the struct, and the struct is self-consistent.
        let parts_agree = signing::canonical_query(&signed.signed_params) == e.canonical_query
            && signing::string_to_sign(
                &e.method,
                &case.input.path,
                &e.canonical_query,
                &e.body_md5,
            ) == e.string_to_sign
            && signing::hmac_sha256_base64(&case.input.secret_access_key, &e.string_to_sign)
                .is_ok_and(|s| s == e.signature)
            && signing::encode_signature(&e.signature) == e.encoded_signature
            && signing::body_md5_hex(case.input.body.as_deref().map(str::as_bytes)) == e.body_md5
            && signing::format_time_stamp(UnixSeconds(case.input.unix_seconds))
                .is_ok_and(|t| t == e.time_stamp)
            && signed.path_and_query() == format!("{}?{}", case.input.path, e.query_string)
            && signed.query_pairs().last() == Some(&("signature", e.signature.as_str()))
            && signed.query_pairs().len() == case.input.query.len() + 5;
        if !parts_agree {
            failures.push(format!("case {name}: step helpers disagree with sign()"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn vector_folder_holds_only_toml_txt_and_the_generator() {
    fn walk(dir: &Path, bad: &mut Vec<String>) {
        let entries =
            std::fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
        for entry in entries {
            let path = entry
                .unwrap_or_else(|e| panic!("listing {}: {e}", dir.display()))
                .path();
            if path.is_dir() {
                walk(&path, bad);
                continue;
            }
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            let is_generator =
                path.file_name().and_then(|n| n.to_str()) == Some("generate_vectors.py");
            if !matches!(ext, "toml" | "txt") && !is_generator {
                bad.push(path.display().to_string());
            }
        }
    }
    let mut bad = Vec::new();
    walk(&vectors_dir(), &mut bad);
    assert!(bad.is_empty(), "unexpected files: {bad:?}");
}

// ---------------------------------------------------------------------------------------
// Sensitivity: every signed input changes the signature.
// ---------------------------------------------------------------------------------------

struct Parts {
    id: &'static str,
    secret: &'static str,
    method: &'static str,
    path: &'static str,
    query: Vec<(&'static str, &'static str)>,
    body: Option<&'static [u8]>,
    at: i64,
}

fn base_parts() -> Parts {
    Parts {
        id: "QYACCESSKEYIDEXAMPLE",
        secret: "SECRETACCESSKEY",
        method: "GET",
        path: "/v1/cloudRecord",
        query: vec![("app_id", "app"), ("channel", "ch"), ("limit", "20")],
        body: None,
        at: 1_634_280_298,
    }
}

fn sign_parts(p: &Parts) -> SignedRequest {
    let creds = Credentials::new(p.id, p.secret).unwrap_or_else(|e| panic!("{e}"));
    signing::sign(
        p.method,
        p.path,
        &p.query,
        p.body,
        &creds,
        UnixSeconds(p.at),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn signature_changes_when_any_signed_input_changes() {
    let base = sign_parts(&base_parts()).signature;
    type Tweak = fn(&mut Parts);
    let tweaks: [(&str, Tweak); 12] = [
        ("access key id", |p| p.id = "QYACCESSKEYIDEXAMPLF"),
        ("secret", |p| p.secret = "SECRETACCESSKEZ"),
        ("method", |p| p.method = "POST"),
        ("path", |p| p.path = "/v1/cloudRecords"),
        ("query value", |p| p.query[1].1 = "ci"),
        ("query key", |p| p.query[1].0 = "channel2"),
        ("query value emptied", |p| p.query[1].1 = ""),
        ("extra query pair", |p| p.query.push(("offset", "0"))),
        ("repeated query pair", |p| p.query.push(("limit", "20"))),
        ("body present", |p| p.body = Some(b"{}")),
        ("empty body instead of none", |p| p.body = Some(b"")),
        ("time + 1 s", |p| p.at += 1),
    ];
    for (what, tweak) in tweaks {
        let mut parts = base_parts();
        tweak(&mut parts);
        assert_ne!(
            sign_parts(&parts).signature,
            base,
            "changing the {what} did not change the signature"
        );
    }
    // Not signed: the order in which business pairs are given.
    let mut parts = base_parts();
    parts.query.reverse();
    assert_eq!(sign_parts(&parts).signature, base);
    // The method is upper-cased first, so its case does not matter.
    let mut parts = base_parts();
    parts.method = "get";
    assert_eq!(sign_parts(&parts).signature, base);
}

// ---------------------------------------------------------------------------------------
// Integration with the request model and the clock.
// ---------------------------------------------------------------------------------------

#[test]
fn list_recordings_request_signs_as_the_official_vector() {
    let request = ListRecordingsRequest::builder()
        .app_id("34723259bb8f4768bc7a9c7cbb126baa")
        .channel("crIUxmwHA2")
        .from_hour(3)
        .to_hour(0)
        .offset(0)
        .limit(20)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let creds = Credentials::new("QYACCESSKEYIDEXAMPLE", "SECRETACCESSKEY")
        .unwrap_or_else(|e| panic!("{e}"));
    let signed = signing::sign(
        "GET",
        &request.path(),
        &request.query_pairs(),
        None,
        &creds,
        UnixSeconds(1_634_280_298),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        signed.signature,
        "Qd+XbJNQ0VAqEnJaIYKL2NphPUtpg4a0T/+DErkexhE="
    );
}

#[test]
fn sign_with_clock_uses_whole_seconds_of_the_clock() {
    let p = base_parts();
    let creds = Credentials::new(p.id, p.secret).unwrap_or_else(|e| panic!("{e}"));
    let clock = FixedClock::new(UnixMillis(p.at * 1000 + 999));
    let with_clock = signing::sign_with_clock(p.method, p.path, &p.query, p.body, &creds, &clock)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(with_clock, sign_parts(&p));
    assert_eq!(with_clock.time_stamp, "2021-10-15T06:44:58Z");
}

#[test]
fn canonical_query_matches_the_vendor_demo() {
    // 10_api_overview.md: canonical_query_string({"c1": 4, "a": 1, "b": 2, "c": 3})
    assert_eq!(
        signing::canonical_query(&[("c1", "4"), ("a", "1"), ("b", "2"), ("c", "3")]),
        "a=1&b=2&c=3&c1=4"
    );
    // `signature` never takes part.
    assert_eq!(
        signing::canonical_query(&[("signature", "x"), ("a", "1")]),
        "a=1"
    );
}

// ---------------------------------------------------------------------------------------
// Invalid input: errors, never panics.
// ---------------------------------------------------------------------------------------

fn sign_err(method: &str, path: &str, query: &[(&str, &str)], at: i64) -> Error {
    let creds = Credentials::new("id", "secret").unwrap_or_else(|e| panic!("{e}"));
    match signing::sign(method, path, query, None, &creds, UnixSeconds(at)) {
        Ok(s) => panic!("expected an error, got {s:?}"),
        Err(e) => e,
    }
}

#[test]
fn invalid_parts_are_rejected_naming_the_parameter() {
    let ok_at = 1_634_280_298;
    let cases: Vec<(Error, &str)> = vec![
        (sign_err("", "/v1/x", &[], ok_at), "method"),
        (sign_err("GE T", "/v1/x", &[], ok_at), "method"),
        (sign_err("GÉT", "/v1/x", &[], ok_at), "method"),
        (sign_err("GET", "v1/x", &[], ok_at), "path"),
        (sign_err("GET", "", &[], ok_at), "path"),
        (sign_err("GET", "/v1/x?a=1", &[], ok_at), "path"),
        (sign_err("GET", "/v1/x#f", &[], ok_at), "path"),
        (sign_err("GET", "/v1/x", &[("", "v")], ok_at), "query"),
        (
            sign_err("GET", "/v1/x", &[("signature", "v")], ok_at),
            "signature",
        ),
        (
            sign_err("GET", "/v1/x", &[("access_key_id", "v")], ok_at),
            "access_key_id",
        ),
        (
            sign_err("GET", "/v1/x", &[("time_stamp", "v")], ok_at),
            "time_stamp",
        ),
        (
            sign_err("GET", "/v1/x", &[("signature_method", "v")], ok_at),
            "signature_method",
        ),
        (
            sign_err("GET", "/v1/x", &[("signature_version", "2")], ok_at),
            "signature_version",
        ),
        (sign_err("GET", "/v1/x", &[], i64::MAX), "time_stamp"),
        (sign_err("GET", "/v1/x", &[], i64::MIN), "time_stamp"),
        (sign_err("GET", "/v1/x", &[], 253_402_300_800), "time_stamp"), // 10000-01-01
        (sign_err("GET", "/v1/x", &[], -62_135_596_801), "time_stamp"), // 0000-12-31
    ];
    for (err, parameter) in cases {
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
        assert_eq!(err.parameter(), Some(parameter), "{err}");
    }
    // The edges of the range are fine.
    assert_eq!(
        signing::format_time_stamp(UnixSeconds(253_402_300_799))
            .ok()
            .as_deref(),
        Some("9999-12-31T23:59:59Z")
    );
    assert_eq!(
        signing::format_time_stamp(UnixSeconds(-62_135_596_800))
            .ok()
            .as_deref(),
        Some("0001-01-01T00:00:00Z")
    );
}

// ---------------------------------------------------------------------------------------
// Credentials: redaction and loading.
// ---------------------------------------------------------------------------------------

const SECRET: &str = "s3cr3t-Value-that-must-not-leak";

#[test]
fn debug_never_shows_the_secret() {
    let creds = Credentials::new("QYID", SECRET).unwrap_or_else(|e| panic!("{e}"));
    let debug = format!("{creds:?}");
    assert_eq!(
        debug,
        r#"Credentials { access_key_id: "QYID", secret: "[redacted]" }"#
    );
    assert!(!format!("{creds:#?}").contains(SECRET));

    let signed = signing::sign(
        "GET",
        "/v1/cloudRecord",
        &[("a", "b")],
        None,
        &creds,
        UnixSeconds(0),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let debug = format!("{signed:?} {signed:#?}");
    assert!(!debug.contains(SECRET), "{debug}");
    assert!(debug.contains("QYID"));

    // Errors about a bad secret do not echo it either.
    let bad = format!("{SECRET}\n");
    let err = Credentials::new("QYID", bad.as_str())
        .err()
        .unwrap_or_else(|| panic!("a secret with a newline must be rejected"));
    assert!(!format!("{err} {err:?}").contains(SECRET));
    let err = Credentials::from_lookup(|name| match name {
        "QINGCLOUD_ACCESS_KEY_ID" => Some("QYID".to_owned()),
        _ => Some(bad.clone()),
    })
    .err()
    .unwrap_or_else(|| panic!("a secret with a newline must be rejected"));
    assert!(!format!("{err} {err:?}").contains(SECRET));
}

#[test]
fn new_rejects_empty_values_naming_the_parameter() {
    for (id, secret, parameter) in [
        ("", "secret", "access_key_id"),
        ("  ", "secret", "access_key_id"),
        ("id\n", "secret", "access_key_id"),
        ("id", "", "secret_access_key"),
        ("id", " \t", "secret_access_key"),
        ("id", "sec\u{7f}ret", "secret_access_key"),
    ] {
        let err = Credentials::new(id, secret)
            .err()
            .unwrap_or_else(|| panic!("{id:?}/{secret:?} must be rejected"));
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
        assert_eq!(err.parameter(), Some(parameter));
        assert!(err.to_string().contains(parameter), "{err}");
    }
    let creds = Credentials::new("QY密钥🔑ID", "秘密🔒").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(creds.access_key_id(), "QY密钥🔑ID");
    assert_eq!(creds.expose_secret_access_key(), "秘密🔒");
}

fn lookup_from<'a>(vars: &'a [(&'a str, &'a str)]) -> impl FnMut(&str) -> Option<String> + 'a {
    move |name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (*v).to_owned())
    }
}

#[test]
fn from_lookup_names_the_missing_or_bad_variable() {
    let cases: [(&[(&str, &str)], &str); 5] = [
        (&[], "QINGCLOUD_ACCESS_KEY_ID"),
        (
            &[("QINGCLOUD_SECRET_ACCESS_KEY", "s")],
            "QINGCLOUD_ACCESS_KEY_ID",
        ),
        (
            &[("QINGCLOUD_ACCESS_KEY_ID", "id")],
            "QINGCLOUD_SECRET_ACCESS_KEY",
        ),
        (
            &[
                ("QINGCLOUD_ACCESS_KEY_ID", ""),
                ("QINGCLOUD_SECRET_ACCESS_KEY", "s"),
            ],
            "QINGCLOUD_ACCESS_KEY_ID",
        ),
        (
            &[
                ("QINGCLOUD_ACCESS_KEY_ID", "id"),
                ("QINGCLOUD_SECRET_ACCESS_KEY", ""),
            ],
            "QINGCLOUD_SECRET_ACCESS_KEY",
        ),
    ];
    for (vars, missing) in cases {
        let err = Credentials::from_lookup(lookup_from(vars))
            .err()
            .unwrap_or_else(|| panic!("{vars:?} must be rejected"));
        assert_eq!(err.kind(), ErrorKind::InvalidConfiguration, "{err}");
        assert!(err.message().contains(missing), "{vars:?}: {err}");
    }
    let creds = Credentials::from_lookup(lookup_from(&[
        ("QINGCLOUD_ACCESS_KEY_ID", "QYID"),
        ("QINGCLOUD_SECRET_ACCESS_KEY", SECRET),
    ]))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(creds.access_key_id(), "QYID");
    assert_eq!(creds.expose_secret_access_key(), SECRET);
}

/// The only test that reads the real environment; it sets nothing. It checks that
/// `from_env` reads exactly the documented variables by comparing with `from_lookup`.
#[test]
fn from_env_reads_the_documented_variables() {
    let env = Credentials::from_env();
    let lookup = Credentials::from_lookup(|name| std::env::var(name).ok());
    match (env, lookup) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.access_key_id(), b.access_key_id());
            assert_eq!(a.expose_secret_access_key(), b.expose_secret_access_key());
        }
        (Err(a), Err(b)) => {
            assert_eq!(a.kind(), ErrorKind::InvalidConfiguration);
            assert_eq!(a.message(), b.message());
            assert!(a.message().contains("QINGCLOUD_"), "{a}");
        }
        (a, b) => panic!("from_env {a:?} disagrees with from_lookup {b:?}"),
    }
}
