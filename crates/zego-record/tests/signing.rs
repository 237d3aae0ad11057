//! Golden vectors for the ZEGO signer (`fixtures/zego/signing/<case>/case.toml`, written by
//! `generate_vectors.py`, an independent Python implementation), plus checks that every
//! signed input matters, that secrets never leak through `Debug` or errors, and that
//! credentials are read from the environment by name.

use record_core::{Clock, Error, ErrorKind, FixedClock, UnixMillis, UnixSeconds};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use zego_record::credentials::{APP_ID_ENV, APP_ID_PARAM, SERVER_SECRET_ENV, SERVER_SECRET_PARAM};
use zego_record::signing::{self, SIGNATURE_VERSION};
use zego_record::{Credentials, SignedRequest};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const OFFICIAL_SECRET: &str = "9193cc662a4c0ec135ec71fb57194b38";
const OFFICIAL_NONCE: &str = "4fd24687296dd9f3";
const OFFICIAL_TIMESTAMP: UnixSeconds = UnixSeconds(1_615_186_943);
const OFFICIAL_SIGNATURE: &str = "43e5cfcca828314675f91b001390566a";

fn signing_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/zego/signing")
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    description: String,
    source: String,
    input: Input,
    expected: Option<Expected>,
    expected_error: Option<ExpectedError>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    action: String,
    app_id: Option<u32>,
    app_id_text: Option<String>,
    server_secret: String,
    nonce: String,
    timestamp: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    app_id: String,
    timestamp: String,
    string_to_sign: String,
    signature: String,
    signature_version: String,
    query: Vec<(String, String)>,
    query_string: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedError {
    stage: String,
    kind: String,
    parameter: String,
}

/// Every case folder, sorted, with its parsed `case.toml`.
fn load_cases() -> Result<Vec<(String, Case)>, String> {
    let dir = signing_dir();
    let mut cases = Vec::new();
    let entries =
        std::fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if !path.is_dir() {
            continue;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let file = path.join("case.toml");
        let text = std::fs::read_to_string(&file)
            .map_err(|e| format!("{name}: cannot read {}: {e}", file.display()))?;
        let case: Case =
            toml::from_str(&text).map_err(|e| format!("{name}: bad case.toml: {e}"))?;
        cases.push((name, case));
    }
    cases.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(cases)
}

fn credentials_for(input: &Input) -> Result<Credentials, Error> {
    match (&input.app_id, &input.app_id_text) {
        (Some(id), None) => Credentials::new(*id, input.server_secret.as_str()),
        (None, Some(text)) => Credentials::parse(text, input.server_secret.as_str()),
        _ => Err(Error::new(
            ErrorKind::InvalidRequest,
            "case.toml: give exactly one of input.app_id and input.app_id_text",
        )),
    }
}

/// Checks that the secret does not occur in `text` (secrets too short or blank to be told
/// apart from ordinary words are skipped).
fn leaks(text: &str, secret: &str) -> Option<String> {
    let s = secret.trim();
    (s.chars().count() >= 4 && text.contains(s)).then(|| format!("`{text}` contains the secret"))
}

fn check_error(
    stage: &str,
    got: &Error,
    want: &ExpectedError,
    secret: &str,
    problems: &mut Vec<String>,
) {
    if want.stage != stage {
        problems.push(format!(
            "failed at stage {stage} ({got}), expected stage {}",
            want.stage
        ));
    }
    if Some(got.kind()) != ErrorKind::from_name(&want.kind) {
        problems.push(format!("error kind {}, expected {}", got.kind(), want.kind));
    }
    if got.parameter() != Some(want.parameter.as_str()) {
        problems.push(format!(
            "error parameter {:?}, expected {:?}",
            got.parameter(),
            want.parameter
        ));
    }
    for text in [got.to_string(), format!("{got:?}")] {
        problems.extend(leaks(&text, secret));
    }
}

fn check_signed(
    signed: &SignedRequest,
    input: &Input,
    want: &Expected,
    problems: &mut Vec<String>,
) {
    let checks: [(&str, &str, &str); 8] = [
        ("action", signed.action(), &input.action),
        ("nonce", signed.nonce(), &input.nonce),
        ("app_id", signed.app_id(), &want.app_id),
        ("timestamp", signed.timestamp_text(), &want.timestamp),
        (
            "string_to_sign",
            signed.expose_string_to_sign(),
            &want.string_to_sign,
        ),
        ("signature", signed.signature(), &want.signature),
        (
            "signature_version",
            signed.signature_version(),
            &want.signature_version,
        ),
        ("query_string", &signed.query_string(), &want.query_string),
    ];
    for (key, got, expected) in checks {
        if got != expected {
            problems.push(format!("{key}: got {got:?}, expected {expected:?}"));
        }
    }
    if signed.timestamp() != UnixSeconds(input.timestamp) {
        problems.push(format!("timestamp value: got {:?}", signed.timestamp()));
    }
    let pairs: Vec<(String, String)> = signed
        .query_pairs()
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    if pairs != want.query {
        problems.push(format!("query: got {pairs:?}, expected {:?}", want.query));
    }
    problems.extend(leaks(&format!("{signed:?}"), &input.server_secret));
}

fn run_case(case: &Case) -> Vec<String> {
    let mut problems = Vec::new();
    let input = &case.input;
    let secret = input.server_secret.as_str();
    let (want, want_error) = match (&case.expected, &case.expected_error) {
        (Some(w), None) => (Some(w), None),
        (None, Some(e)) => (None, Some(e)),
        _ => return vec!["give exactly one of [expected] and [expected_error]".to_owned()],
    };
    if case.description.is_empty() || case.source.is_empty() {
        problems.push("description and source must not be empty".to_owned());
    }
    let creds = match credentials_for(input) {
        Ok(c) => c,
        Err(e) => {
            match want_error {
                Some(w) => check_error("credentials", &e, w, secret, &mut problems),
                None => problems.push(format!("credentials refused: {e}")),
            }
            return problems;
        }
    };
    problems.extend(leaks(&format!("{creds:?}"), secret));
    match signing::sign(
        &creds,
        &input.action,
        &input.nonce,
        UnixSeconds(input.timestamp),
    ) {
        Ok(signed) => match (want, want_error) {
            (Some(w), _) => check_signed(&signed, input, w, &mut problems),
            (None, Some(w)) => problems.push(format!(
                "signed ({}), expected a {} error at stage {}",
                signed.signature(),
                w.parameter,
                w.stage
            )),
            (None, None) => {}
        },
        Err(e) => match want_error {
            Some(w) => check_error("sign", &e, w, secret, &mut problems),
            None => problems.push(format!("sign failed: {e}")),
        },
    }
    problems
}

#[test]
fn golden_vectors() -> TestResult {
    let cases = load_cases()?;
    assert!(
        cases.len() >= 20,
        "only {} cases under {}",
        cases.len(),
        signing_dir().display()
    );
    assert!(
        cases.iter().any(|(n, c)| n == "official_doc_example"
            && c.expected
                .as_ref()
                .is_some_and(|e| e.signature == OFFICIAL_SIGNATURE)),
        "the official vector must be among the cases"
    );
    let mut failures = Vec::new();
    for (name, case) in &cases {
        for problem in run_case(case) {
            failures.push(format!("case `{name}`: {problem}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    Ok(())
}

/// Only `.toml` and `.txt` files in the case folders (and the generator script at the top).
#[test]
fn fixture_folder_holds_only_toml_and_txt() -> TestResult {
    let mut bad = Vec::new();
    for entry in std::fs::read_dir(signing_dir())? {
        let path = entry?.path();
        if path.is_dir() {
            for file in std::fs::read_dir(&path)? {
                let file = file?.path();
                let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
                if !file.is_file() || !["toml", "txt"].contains(&ext) {
                    bad.push(file.display().to_string());
                }
            }
            if !path.join("case.toml").is_file() {
                bad.push(format!("{} has no case.toml", path.display()));
            }
        } else if path.file_name().and_then(|n| n.to_str()) != Some("generate_vectors.py") {
            bad.push(path.display().to_string());
        }
    }
    assert!(bad.is_empty(), "unexpected files: {bad:?}");
    Ok(())
}

#[test]
fn signature_changes_when_any_signed_input_changes() -> TestResult {
    let creds = Credentials::new(12345, OFFICIAL_SECRET)?;
    let base = signing::sign(
        &creds,
        "DescribeRecordStatus",
        OFFICIAL_NONCE,
        OFFICIAL_TIMESTAMP,
    )?;
    assert_eq!(base.signature(), OFFICIAL_SIGNATURE);

    let variants: Vec<(&str, SignedRequest)> = vec![
        (
            "AppId",
            signing::sign(
                &Credentials::new(12346, OFFICIAL_SECRET)?,
                "DescribeRecordStatus",
                OFFICIAL_NONCE,
                OFFICIAL_TIMESTAMP,
            )?,
        ),
        (
            "ServerSecret",
            signing::sign(
                &Credentials::new(12345, "9193cc662a4c0ec135ec71fb57194b39")?,
                "DescribeRecordStatus",
                OFFICIAL_NONCE,
                OFFICIAL_TIMESTAMP,
            )?,
        ),
        (
            "SignatureNonce",
            signing::sign(
                &creds,
                "DescribeRecordStatus",
                "4fd24687296dd9f4",
                OFFICIAL_TIMESTAMP,
            )?,
        ),
        (
            "Timestamp",
            signing::sign(
                &creds,
                "DescribeRecordStatus",
                OFFICIAL_NONCE,
                UnixSeconds(OFFICIAL_TIMESTAMP.0 + 1),
            )?,
        ),
    ];
    for (what, signed) in &variants {
        assert_ne!(
            signed.signature(),
            base.signature(),
            "changing {what} must change the signature"
        );
        assert_ne!(signed.query_string(), base.query_string(), "{what}");
    }

    // The action is sent but not signed (vendor-facts §1.3).
    let other_action = signing::sign(&creds, "DescribeTasks", OFFICIAL_NONCE, OFFICIAL_TIMESTAMP)?;
    assert_eq!(other_action.signature(), base.signature());
    assert_ne!(other_action.query_string(), base.query_string());
    Ok(())
}

#[test]
fn signing_is_deterministic_and_pairs_are_ordered_and_unique() -> TestResult {
    let creds = Credentials::new(12345, OFFICIAL_SECRET)?;
    let a = signing::sign(&creds, "DescribeTasks", OFFICIAL_NONCE, OFFICIAL_TIMESTAMP)?;
    let b = signing::sign(&creds, "DescribeTasks", OFFICIAL_NONCE, OFFICIAL_TIMESTAMP)?;
    assert_eq!(a.query_string(), b.query_string());
    let names: Vec<&str> = a.query_pairs().iter().map(|(k, _)| *k).collect();
    assert_eq!(
        names,
        [
            "Action",
            "AppId",
            "SignatureNonce",
            "Timestamp",
            "Signature",
            "SignatureVersion"
        ]
    );
    assert_eq!(names.iter().collect::<HashSet<_>>().len(), names.len());
    assert_eq!(a.signature_version(), SIGNATURE_VERSION);
    assert_eq!(SIGNATURE_VERSION, "2.0");
    assert!(
        a.signature()
            .bytes()
            .all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
    );
    assert_eq!(a.signature().len(), 32);
    Ok(())
}

#[test]
fn debug_never_shows_the_secret() -> TestResult {
    let secret = "S3cr3t-密钥-🔑-do-not-print";
    let creds = Credentials::new(4_294_967_295, secret)?;
    let debug = format!("{creds:?}");
    assert_eq!(
        debug,
        r#"Credentials { app_id: 4294967295, secret: "[redacted]" }"#
    );
    let alt = format!("{creds:#?}");
    assert!(!alt.contains(secret) && alt.contains("[redacted]"), "{alt}");

    let signed = signing::sign(
        &creds,
        "DescribeRecordStatus",
        OFFICIAL_NONCE,
        OFFICIAL_TIMESTAMP,
    )?;
    for text in [format!("{signed:?}"), format!("{signed:#?}")] {
        assert!(!text.contains(secret), "{text}");
        assert!(!text.contains("S3cr3t"), "{text}");
        assert!(!text.contains(signed.expose_string_to_sign()), "{text}");
        assert!(text.contains("[redacted]"), "{text}");
        assert!(text.contains(signed.signature()), "{text}");
    }
    assert!(!signed.query_string().contains("S3cr3t"));

    // Errors about a bad secret do not echo it.
    let bad = "S3cr3t-with-newline\n";
    let err = Credentials::new(1, bad)
        .err()
        .ok_or("a newline must be refused")?;
    assert_eq!(err.parameter(), Some(SERVER_SECRET_PARAM));
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains("S3cr3t"), "{text}");
    }
    Ok(())
}

fn lookup_from(vars: &[(&str, &str)]) -> impl FnMut(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| map.get(name).cloned()
}

#[test]
fn from_lookup_names_the_missing_or_bad_variable() -> TestResult {
    assert_eq!(APP_ID_ENV, "ZEGO_APP_ID");
    assert_eq!(SERVER_SECRET_ENV, "ZEGO_SERVER_SECRET");

    let ok = Credentials::from_lookup(lookup_from(&[
        ("ZEGO_APP_ID", "12345"),
        ("ZEGO_SERVER_SECRET", OFFICIAL_SECRET),
    ]))?;
    assert_eq!(ok.app_id(), 12345);
    assert_eq!(ok.expose_server_secret(), OFFICIAL_SECRET);

    let cases: [(&[(&str, &str)], &str); 7] = [
        (&[], APP_ID_ENV),
        (&[("ZEGO_SERVER_SECRET", OFFICIAL_SECRET)], APP_ID_ENV),
        (&[("ZEGO_APP_ID", "12345")], SERVER_SECRET_ENV),
        (
            &[("ZEGO_APP_ID", ""), ("ZEGO_SERVER_SECRET", OFFICIAL_SECRET)],
            APP_ID_ENV,
        ),
        (
            &[
                ("ZEGO_APP_ID", "app-12345"),
                ("ZEGO_SERVER_SECRET", OFFICIAL_SECRET),
            ],
            APP_ID_ENV,
        ),
        (
            &[
                ("ZEGO_APP_ID", "4294967296"),
                ("ZEGO_SERVER_SECRET", OFFICIAL_SECRET),
            ],
            APP_ID_ENV,
        ),
        (
            &[("ZEGO_APP_ID", "12345"), ("ZEGO_SERVER_SECRET", "")],
            SERVER_SECRET_ENV,
        ),
    ];
    for (vars, named) in cases {
        let err = Credentials::from_lookup(lookup_from(vars))
            .err()
            .ok_or_else(|| format!("{vars:?} must be refused"))?;
        assert_eq!(
            err.kind(),
            ErrorKind::InvalidConfiguration,
            "{vars:?}: {err}"
        );
        assert!(err.message().contains(named), "{vars:?}: {err}");
        let other = if named == APP_ID_ENV {
            SERVER_SECRET_ENV
        } else {
            APP_ID_ENV
        };
        assert!(!err.message().contains(other), "{vars:?}: {err}");
    }

    // A secret refused by the rules is named, not echoed.
    let err = Credentials::from_lookup(lookup_from(&[
        ("ZEGO_APP_ID", "12345"),
        ("ZEGO_SERVER_SECRET", "9193cc662a4c0ec135ec71fb57194b38\n"),
    ]))
    .err()
    .ok_or("a trailing newline must be refused")?;
    assert_eq!(err.kind(), ErrorKind::InvalidConfiguration);
    assert!(err.message().contains(SERVER_SECRET_ENV), "{err}");
    assert!(!format!("{err} {err:?}").contains("9193cc66"), "{err:?}");
    Ok(())
}

#[test]
fn credentials_name_the_bad_parameter() -> TestResult {
    let cases: [(&str, &str, &str); 5] = [
        ("", OFFICIAL_SECRET, APP_ID_PARAM),
        ("12a", OFFICIAL_SECRET, APP_ID_PARAM),
        ("-1", OFFICIAL_SECRET, APP_ID_PARAM),
        ("12345", "", SERVER_SECRET_PARAM),
        ("12345", "\t", SERVER_SECRET_PARAM),
    ];
    for (id, secret, param) in cases {
        let err = Credentials::parse(id, secret)
            .err()
            .ok_or_else(|| format!("({id:?}, secret) must be refused"))?;
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
        assert_eq!(err.parameter(), Some(param), "{err}");
    }
    assert_eq!(Credentials::new(0, "x")?.app_id(), 0);
    assert_eq!(Credentials::parse("0", "x")?.app_id(), 0);
    Ok(())
}

#[test]
fn sign_with_clock_uses_whole_seconds_and_a_fresh_nonce() -> TestResult {
    let creds = Credentials::new(12345, OFFICIAL_SECRET)?;
    let clock = FixedClock::new(UnixMillis(1_615_186_943_999));
    let a = signing::sign_with_clock(&creds, "DescribeRecordStatus", &clock)?;
    let b = signing::sign_with_clock(&creds, "DescribeRecordStatus", &clock)?;
    assert_eq!(a.timestamp(), OFFICIAL_TIMESTAMP);
    assert_eq!(a.timestamp_text(), "1615186943");
    assert_ne!(a.nonce(), b.nonce(), "every request needs a new nonce");
    assert_ne!(a.signature(), b.signature());
    // The result is exactly what the pure signer gives for that nonce and time.
    let again = signing::sign(
        &creds,
        "DescribeRecordStatus",
        a.nonce(),
        clock.now().to_seconds(),
    )?;
    assert_eq!(again.query_string(), a.query_string());
    Ok(())
}

#[test]
fn generated_nonces_are_16_lowercase_hex_digits() {
    let mut seen = BTreeMap::new();
    for _ in 0..64 {
        let nonce = signing::generate_nonce();
        assert_eq!(nonce.len(), 16, "{nonce}");
        assert!(
            nonce
                .bytes()
                .all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')),
            "{nonce}"
        );
        *seen.entry(nonce).or_insert(0) += 1;
    }
    assert_eq!(seen.len(), 64, "nonces must not repeat");
}
