//! The Volcengine V4 signer against the golden vectors of `fixtures/volc/signing/` (official
//! vectors and own edge cases computed by `generate_vectors.py`), plus sensitivity, redaction,
//! credential-loading, key-cache and input-validation tests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use record_core::{ErrorKind, FixedClock, UnixMillis, UnixSeconds};
use volc_record::GetRecordTaskRequest;
use volc_record::credentials::{ACCESS_KEY_ENV, Credentials, SECRET_KEY_ENV, SESSION_TOKEN_ENV};
use volc_record::signing::{
    RequestToSign, SignableHeader, SignedHeaderSet, SignedRequest, Signer, SigningKeyCache,
    derive_key_chain, sign,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/volc/signing")
}

/// One `case.toml`.
struct Case {
    name: String,
    input: toml::Table,
    expected: toml::Table,
}

/// Every case folder, sorted by name.
fn load_cases() -> Result<Vec<Case>, Box<dyn std::error::Error>> {
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(cases_dir())? {
        let entry = entry?;
        if !entry.file_type()?.is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(entry.path().join("case.toml"))
            .map_err(|e| format!("case {name}: reading case.toml: {e}"))?;
        let mut doc: toml::Table =
            toml::from_str(&text).map_err(|e| format!("case {name}: parsing case.toml: {e}"))?;
        let input = take_table(&mut doc, "input", &name)?;
        let expected = take_table(&mut doc, "expected", &name)?;
        cases.push(Case {
            name,
            input,
            expected,
        });
    }
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(cases)
}

fn take_table(doc: &mut toml::Table, key: &str, case: &str) -> Result<toml::Table, String> {
    match doc.remove(key) {
        Some(toml::Value::Table(t)) => Ok(t),
        _ => Err(format!("case {case}: no [{key}] table")),
    }
}

fn string(t: &toml::Table, key: &str, case: &str) -> Result<String, String> {
    opt_string(t, key, case)?.ok_or_else(|| format!("case {case}: missing string `{key}`"))
}

fn opt_string(t: &toml::Table, key: &str, case: &str) -> Result<Option<String>, String> {
    match t.get(key) {
        None => Ok(None),
        Some(toml::Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!("case {case}: `{key}` is not a string: {other}")),
    }
}

fn string_list(v: &toml::Value, what: &str, case: &str) -> Result<Vec<String>, String> {
    let toml::Value::Array(items) = v else {
        return Err(format!("case {case}: {what} is not an array"));
    };
    items
        .iter()
        .map(|i| match i {
            toml::Value::String(s) => Ok(s.clone()),
            other => Err(format!("case {case}: {what} holds a non-string: {other}")),
        })
        .collect()
}

/// A list of `[name, value]` pairs.
fn pairs(t: &toml::Table, key: &str, case: &str) -> Result<Vec<(String, String)>, String> {
    let Some(toml::Value::Array(items)) = t.get(key) else {
        return Err(format!("case {case}: missing array `{key}`"));
    };
    items
        .iter()
        .map(|item| match string_list(item, key, case)?.as_slice() {
            [n, v] => Ok((n.clone(), v.clone())),
            other => Err(format!(
                "case {case}: `{key}` item is not a pair: {other:?}"
            )),
        })
        .collect()
}

/// The signer's inputs, from `[input]`.
struct Inputs {
    credentials: Credentials,
    request: RequestToSign,
    region: String,
    service: String,
    time: UnixSeconds,
    signed_headers: SignedHeaderSet,
}

fn inputs(case: &Case) -> Result<Inputs, Box<dyn std::error::Error>> {
    let (i, n) = (&case.input, case.name.as_str());
    let mut credentials = Credentials::new(
        string(i, "access_key_id", n)?,
        string(i, "secret_access_key", n)?,
    )?;
    if let Some(token) = opt_string(i, "session_token", n)? {
        credentials = credentials.with_session_token(token)?;
    }
    let mut request = RequestToSign::new(
        string(i, "method", n)?,
        string(i, "host", n)?,
        string(i, "path", n)?,
    )
    .with_query_pairs(pairs(i, "query", n)?)
    .with_body(string(i, "body", n)?.into_bytes());
    if let Some(ct) = opt_string(i, "content_type", n)? {
        request = request.with_content_type(ct);
    }
    let time = match i.get("time") {
        Some(toml::Value::Integer(t)) => UnixSeconds(*t),
        _ => return Err(format!("case {n}: missing integer `time`").into()),
    };
    let signed_headers = match i.get("signed_headers") {
        None => SignedHeaderSet::Standard,
        Some(v) => SignedHeaderSet::Only(
            string_list(v, "signed_headers", n)?
                .iter()
                .map(|h| {
                    SignableHeader::from_name(h)
                        .ok_or_else(|| format!("case {n}: unknown signed header {h:?}"))
                })
                .collect::<Result<_, _>>()?,
        ),
    };
    Ok(Inputs {
        credentials,
        request,
        region: string(i, "region", n)?,
        service: string(i, "service", n)?,
        time,
        signed_headers,
    })
}

/// Every value the signer exposes for `case`, by the field names of `[expected]`.
fn actual_values(
    case: &Case,
    signed: &SignedRequest,
    inp: &Inputs,
) -> Result<BTreeMap<&'static str, toml::Value>, Box<dyn std::error::Error>> {
    let chain = derive_key_chain(
        inp.credentials.secret_access_key(),
        &signed.short_date,
        &inp.region,
        &inp.service,
    )?;
    if chain.k_signing != signed.signing_key {
        return Err(format!("case {}: key chain and signed request disagree", case.name).into());
    }
    let s = |v: &str| toml::Value::String(v.to_owned());
    let headers = signed
        .headers
        .iter()
        .map(|(n, v)| toml::Value::Array(vec![s(n), s(v)]))
        .collect();
    Ok(BTreeMap::from([
        ("x_date", s(&signed.x_date)),
        ("short_date", s(&signed.short_date)),
        ("method", s(&signed.method)),
        ("host", s(&signed.host)),
        ("content_sha256", s(&signed.content_sha256)),
        ("canonical_uri", s(&signed.canonical_uri)),
        ("canonical_query_string", s(&signed.canonical_query_string)),
        ("canonical_headers", s(&signed.canonical_headers)),
        ("signed_headers", s(&signed.signed_headers)),
        ("canonical_request", s(&signed.canonical_request)),
        ("canonical_request_hash", s(&signed.canonical_request_hash)),
        ("credential_scope", s(&signed.credential_scope)),
        ("string_to_sign", s(&signed.string_to_sign)),
        ("k_date", s(&chain.k_date.to_hex())),
        ("k_region", s(&chain.k_region.to_hex())),
        ("k_service", s(&chain.k_service.to_hex())),
        ("k_signing", s(&signed.signing_key.to_hex())),
        ("signature", s(&signed.signature)),
        ("authorization", s(&signed.authorization)),
        ("headers", toml::Value::Array(headers)),
    ]))
}

#[test]
fn golden_vectors() -> TestResult {
    let cases = load_cases()?;
    assert!(
        cases.len() >= 20,
        "expected at least 20 cases, found {}",
        cases.len()
    );
    for official in [
        "official_iam_list_users",
        "official_rtc_host_xdate",
        "official_rtc_standard",
        "official_rtc_content_type",
    ] {
        assert!(
            cases.iter().any(|c| c.name == official),
            "official case {official} is missing"
        );
    }
    let mut failures = Vec::new();
    for case in &cases {
        let inp = inputs(case)?;
        let pure = sign(
            &inp.request,
            &inp.region,
            &inp.service,
            &inp.credentials,
            inp.time,
            &inp.signed_headers,
        )
        .map_err(|e| format!("case {}: sign failed: {e}", case.name))?;
        let actual = actual_values(case, &pure, &inp)?;

        // Every field of [expected] is checked, and every exposed value has an expectation.
        for (field, want) in &case.expected {
            match actual.get(field.as_str()) {
                Some(got) if got == want => {}
                Some(got) => failures.push(format!(
                    "case {}: `{field}` differs\n  expected {want}\n  actual   {got}",
                    case.name
                )),
                None => failures.push(format!("case {}: unknown field `{field}`", case.name)),
            }
        }
        for field in actual.keys() {
            if !case.expected.contains_key(*field) {
                failures.push(format!("case {}: no expected `{field}`", case.name));
            }
        }

        // The caching signer gives the same result as the pure function.
        let signer = Signer::new(inp.credentials.clone(), &inp.region, &inp.service)?
            .with_signed_headers(inp.signed_headers.clone());
        let cached = signer.sign(&inp.request, inp.time)?;
        if cached.authorization != pure.authorization
            || cached.canonical_request != pure.canonical_request
            || cached.headers != pure.headers
        {
            failures.push(format!(
                "case {}: Signer::sign differs from sign",
                case.name
            ));
        }
        // The request line to send uses the canonical path and query.
        let expected_pq = if pure.canonical_query_string.is_empty() {
            pure.canonical_uri.clone()
        } else {
            format!("{}?{}", pure.canonical_uri, pure.canonical_query_string)
        };
        if pure.path_and_query() != expected_pq {
            failures.push(format!("case {}: path_and_query", case.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    Ok(())
}

#[test]
fn generated_request_pairs_sign_like_the_official_rtc_vector() -> TestResult {
    let request = GetRecordTaskRequest::builder()
        .app_id("661e****543cf")
        .room_id("Room1")
        .task_id("Task1")
        .build()?;
    let to_sign = RequestToSign::get("rtc.volcengineapi.com")
        .with_query("Action", "GetRecordTask")
        .with_query("Version", "2023-11-01")
        .with_query_pairs(request.query_pairs());
    let credentials = Credentials::new(
        "AKLTYWViMTVmZGYzM2E0NDI5Mzk2MDZjNjFmMjc2MjRjMzg",
        "WkRZeE1EQmxPVGhsWWpWak5HVmtNbUUxTXpZeU9UVXlOMlE1TmpZeVlqTQ==",
    )?;
    let signer = Signer::rtc(credentials);
    let clock = FixedClock::new(UnixMillis(1_718_781_186_999));
    let signed = signer.sign_now(&to_sign, &clock)?;
    assert_eq!(
        signed.signature,
        "2a0b33e00761c5d302afb2599b73e07e896ea105ef777d89a3d5ebe2f64fd5b4"
    );
    assert_eq!(
        signed.path_and_query(),
        "/?Action=GetRecordTask&AppId=661e%2A%2A%2A%2A543cf&RoomId=Room1&TaskId=Task1&Version=2023-11-01"
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Sensitivity
// ---------------------------------------------------------------------------------------

const SECRET: &str = "Sk-very-SECRET-value-0123456789";
const TOKEN: &str = "STS-session-TOKEN-value-abcdef";

fn base_credentials() -> Result<Credentials, record_core::Error> {
    Credentials::new("AKLTsensitivity", SECRET)?.with_session_token(TOKEN)
}

fn base_request() -> RequestToSign {
    RequestToSign::new("POST", "rtc.volcengineapi.com", "/")
        .with_query("Action", "GetRecordTask")
        .with_query("Version", "2023-11-01")
        .with_query("AppId", "app")
        .with_content_type("application/json")
        .with_body(b"{\"a\":1}".to_vec())
}

const BASE_TIME: UnixSeconds = UnixSeconds(1_718_781_186);

#[test]
fn signature_changes_when_any_signed_input_changes() -> TestResult {
    let creds = base_credentials()?;
    let standard = SignedHeaderSet::Standard;
    let base = sign(
        &base_request(),
        "cn-north-1",
        "rtc",
        &creds,
        BASE_TIME,
        &standard,
    )?;
    assert_eq!(
        base.signed_headers,
        "content-type;host;x-content-sha256;x-date;x-security-token"
    );

    let mut request_variants: Vec<(&str, RequestToSign)> = Vec::new();
    let mut r = base_request();
    r.method = "PUT".into();
    request_variants.push(("method", r));
    let mut r = base_request();
    r.host = "open-ap-singapore-1.volcengineapi.com".into();
    request_variants.push(("host", r));
    let mut r = base_request();
    r.path = "/other".into();
    request_variants.push(("path", r));
    let mut r = base_request();
    r.query[2].0 = "AppID".into();
    request_variants.push(("query name", r));
    let mut r = base_request();
    r.query[2].1 = "app2".into();
    request_variants.push(("query value", r));
    request_variants.push(("extra query pair", base_request().with_query("X", "")));
    request_variants.push((
        "content type",
        base_request().with_content_type("application/json; charset=utf-8"),
    ));
    request_variants.push(("body", base_request().with_body(b"{\"a\":2}".to_vec())));

    for (what, request) in &request_variants {
        let other = sign(request, "cn-north-1", "rtc", &creds, BASE_TIME, &standard)?;
        assert_ne!(other.signature, base.signature, "changing the {what}");
    }

    let request = base_request();
    let other_time = sign(
        &request,
        "cn-north-1",
        "rtc",
        &creds,
        UnixSeconds(BASE_TIME.0 + 1),
        &standard,
    )?;
    assert_ne!(other_time.signature, base.signature, "changing the time");
    let other_region = sign(
        &request,
        "ap-singapore-1",
        "rtc",
        &creds,
        BASE_TIME,
        &standard,
    )?;
    assert_ne!(
        other_region.signature, base.signature,
        "changing the region"
    );
    let other_service = sign(&request, "cn-north-1", "iam", &creds, BASE_TIME, &standard)?;
    assert_ne!(
        other_service.signature, base.signature,
        "changing the service"
    );
    let other_secret =
        Credentials::new("AKLTsensitivity", "Sk-other")?.with_session_token(TOKEN)?;
    let s = sign(
        &request,
        "cn-north-1",
        "rtc",
        &other_secret,
        BASE_TIME,
        &standard,
    )?;
    assert_ne!(s.signature, base.signature, "changing the secret");
    let other_token = Credentials::new("AKLTsensitivity", SECRET)?.with_session_token("other")?;
    let s = sign(
        &request,
        "cn-north-1",
        "rtc",
        &other_token,
        BASE_TIME,
        &standard,
    )?;
    assert_ne!(s.signature, base.signature, "changing the session token");
    let fewer = SignedHeaderSet::Only(vec![SignableHeader::Host, SignableHeader::XDate]);
    let s = sign(&request, "cn-north-1", "rtc", &creds, BASE_TIME, &fewer)?;
    assert_ne!(s.signature, base.signature, "changing the signed headers");

    // The AccessKeyId is not part of the signature, only of the Authorization header.
    let other_ak = Credentials::new("AKLTother", SECRET)?.with_session_token(TOKEN)?;
    let s = sign(
        &request,
        "cn-north-1",
        "rtc",
        &other_ak,
        BASE_TIME,
        &standard,
    )?;
    assert_eq!(s.signature, base.signature);
    assert_ne!(s.authorization, base.authorization);

    // The order of the query pairs does not matter; they are sorted.
    let mut shuffled = base_request();
    shuffled.query.reverse();
    let s = sign(&shuffled, "cn-north-1", "rtc", &creds, BASE_TIME, &standard)?;
    assert_eq!(s.signature, base.signature);
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Redaction
// ---------------------------------------------------------------------------------------

#[test]
fn debug_output_never_contains_secrets() -> TestResult {
    let creds = base_credentials()?;
    let signer = Signer::rtc(creds.clone());
    let signed = signer.sign(&base_request(), BASE_TIME)?;
    let chain = derive_key_chain(
        creds.secret_access_key(),
        &signed.short_date,
        "cn-north-1",
        "rtc",
    )?;
    let key_hex = signed.signing_key.to_hex();
    // The token really is in the request that is sent...
    assert_eq!(signed.header("X-Security-Token"), Some(TOKEN));
    assert!(signed.canonical_request.contains(TOKEN));

    let outputs = [
        ("Credentials", format!("{creds:?}")),
        ("Credentials (pretty)", format!("{creds:#?}")),
        ("Signer", format!("{signer:?}")),
        ("SigningKeyCache", format!("{:?}", signer.key_cache())),
        ("SignedRequest", format!("{signed:?}")),
        ("SignedRequest (pretty)", format!("{signed:#?}")),
        ("SigningKey", format!("{:?}", signed.signing_key)),
        ("SigningKeyChain", format!("{chain:?}")),
    ];
    for (what, text) in &outputs {
        // ...but no Debug output shows it, the secret or a derived key.
        assert!(!text.contains(SECRET), "{what} shows the secret: {text}");
        assert!(!text.contains(TOKEN), "{what} shows the token: {text}");
        assert!(!text.contains(&key_hex), "{what} shows the key: {text}");
        assert!(
            !text.contains(&chain.k_date.to_hex()),
            "{what} shows kDate: {text}"
        );
    }
    assert_eq!(
        format!("{creds:?}"),
        r#"Credentials { access_key_id: "AKLTsensitivity", secret: "[redacted]", session_token: Some("[redacted]") }"#
    );
    assert!(outputs[4].1.contains("AKLTsensitivity"));
    assert!(outputs[4].1.contains(&signed.signature));
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------------------

fn lookup<'a>(vars: &'a [(&'a str, &'a str)]) -> impl FnMut(&str) -> Option<String> + 'a {
    move |name| {
        vars.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| (*v).to_owned())
    }
}

#[test]
fn from_lookup_names_the_missing_variable() {
    let cases: [(&[(&str, &str)], &str); 4] = [
        (&[], ACCESS_KEY_ENV),
        (&[(ACCESS_KEY_ENV, "AKLTx")], SECRET_KEY_ENV),
        (
            &[(ACCESS_KEY_ENV, ""), (SECRET_KEY_ENV, SECRET)],
            ACCESS_KEY_ENV,
        ),
        (
            &[(ACCESS_KEY_ENV, "AKLTx"), (SECRET_KEY_ENV, "")],
            SECRET_KEY_ENV,
        ),
    ];
    for (vars, missing) in cases {
        match Credentials::from_lookup(lookup(vars)) {
            Ok(c) => panic!("expected an error naming {missing}, got {c:?}"),
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::InvalidConfiguration, "{e}");
                assert!(e.message().contains(missing), "{e}");
                assert!(!e.to_string().contains(SECRET), "{e}");
                assert!(!e.is_retryable());
            }
        }
    }
}

#[test]
fn from_lookup_reads_keys_and_optional_token() -> TestResult {
    let c = Credentials::from_lookup(lookup(&[
        (ACCESS_KEY_ENV, "AKLTx"),
        (SECRET_KEY_ENV, SECRET),
    ]))?;
    assert_eq!(c.access_key_id(), "AKLTx");
    assert!(c.session_token().is_none());

    let c = Credentials::from_lookup(lookup(&[
        (ACCESS_KEY_ENV, "AKLTx"),
        (SECRET_KEY_ENV, SECRET),
        (SESSION_TOKEN_ENV, ""),
    ]))?;
    assert!(c.session_token().is_none(), "an empty token means none");

    let c = Credentials::from_lookup(lookup(&[
        (ACCESS_KEY_ENV, "AKLTx"),
        (SECRET_KEY_ENV, SECRET),
        (SESSION_TOKEN_ENV, TOKEN),
    ]))?;
    assert!(c.session_token().is_some());
    let signed = Signer::rtc(c).sign(&RequestToSign::get("rtc.volcengineapi.com"), BASE_TIME)?;
    assert_eq!(signed.header("X-Security-Token"), Some(TOKEN));
    assert!(signed.signed_headers.ends_with(";x-security-token"));
    Ok(())
}

#[test]
fn empty_credential_parts_are_rejected_by_name() {
    let results = [
        ("access_key_id", Credentials::new("", SECRET)),
        ("secret_access_key", Credentials::new("AKLTx", "")),
        ("access_key_id", Credentials::new("AKLT x", SECRET)),
        (
            "session_token",
            Credentials::new("AKLTx", SECRET).and_then(|c| c.with_session_token("")),
        ),
        (
            "session_token",
            Credentials::new("AKLTx", SECRET).and_then(|c| c.with_session_token(" \t")),
        ),
    ];
    for (parameter, result) in results {
        match result {
            Ok(c) => panic!("expected an error naming {parameter}, got {c:?}"),
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{e}");
                assert_eq!(e.parameter(), Some(parameter), "{e}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Key cache
// ---------------------------------------------------------------------------------------

#[test]
fn signer_derives_the_key_once_per_day() -> TestResult {
    let signer = Signer::rtc(Credentials::new("AKLTx", SECRET)?);
    let request = RequestToSign::get("rtc.volcengineapi.com").with_query("Action", "GetRecordTask");
    let cache = signer.key_cache();
    assert_eq!(cache.derivations(), 0);
    assert_eq!(cache.cached_scope(), None);

    let first = signer.sign(&request, UnixSeconds(1_704_067_100))?; // 2023-12-31T23:58:20Z
    let later = signer.sign(&request, UnixSeconds(1_704_067_199))?; // 2023-12-31T23:59:59Z
    assert_eq!(cache.derivations(), 1, "same day: the cached key is reused");
    assert_eq!(first.signing_key, later.signing_key);
    assert_eq!(
        cache.cached_scope().as_deref(),
        Some("20231231/cn-north-1/rtc")
    );

    let next_day = signer.sign(&request, UnixSeconds(1_704_067_200))?; // 2024-01-01T00:00:00Z
    assert_eq!(cache.derivations(), 2, "new day: a new key");
    assert_ne!(next_day.signing_key, first.signing_key);
    assert_eq!(
        cache.cached_scope().as_deref(),
        Some("20240101/cn-north-1/rtc")
    );

    // Cached keys are exactly the freshly derived ones.
    let fresh = sign(
        &request,
        "cn-north-1",
        "rtc",
        signer.credentials(),
        UnixSeconds(1_704_067_200),
        &SignedHeaderSet::Standard,
    )?;
    assert_eq!(fresh.signature, next_day.signature);
    Ok(())
}

#[test]
fn key_cache_is_keyed_by_date_region_service_and_secret() -> TestResult {
    let cache = SigningKeyCache::new();
    let a = Credentials::new("AKLTx", SECRET)?;
    let b = Credentials::new("AKLTx", "another secret")?;
    let k1 = cache.signing_key(&a, "20240619", "cn-north-1", "rtc")?;
    let k2 = cache.signing_key(&a, "20240619", "cn-north-1", "rtc")?;
    assert_eq!(k1, k2);
    assert_eq!(cache.derivations(), 1);
    let k3 = cache.signing_key(&a, "20240619", "ap-singapore-1", "rtc")?;
    assert_ne!(k1, k3);
    let k4 = cache.signing_key(&a, "20240619", "ap-singapore-1", "iam")?;
    assert_ne!(k3, k4);
    let k5 = cache.signing_key(&b, "20240619", "ap-singapore-1", "iam")?;
    assert_ne!(k4, k5);
    assert_eq!(cache.derivations(), 4);
    Ok(())
}

#[test]
fn sign_now_reads_the_clock() -> TestResult {
    let signer = Signer::rtc(Credentials::new("AKLTx", SECRET)?);
    let request = RequestToSign::get("rtc.volcengineapi.com");
    let clock = FixedClock::new(UnixMillis(BASE_TIME.0 * 1000 + 500));
    let now = signer.sign_now(&request, &clock)?;
    let at = signer.sign(&request, BASE_TIME)?;
    assert_eq!(now.x_date, "20240619T071306Z");
    assert_eq!(now.signature, at.signature);
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Invalid input: errors, never panics
// ---------------------------------------------------------------------------------------

#[test]
fn invalid_inputs_are_errors_naming_the_parameter() -> TestResult {
    let creds = Credentials::new("AKLTx", SECRET)?;
    let plain = Credentials::new("AKLTx", SECRET)?;
    let ok = RequestToSign::get("rtc.volcengineapi.com");
    let std_set = SignedHeaderSet::Standard;
    let only = |h: &[SignableHeader]| SignedHeaderSet::Only(h.to_vec());
    use SignableHeader::*;

    let mut bad_method = ok.clone();
    bad_method.method = "G ET".into();
    let mut empty_method = ok.clone();
    empty_method.method = String::new();
    let mut empty_host = ok.clone();
    empty_host.host = "  ".into();
    let newline_ct = ok
        .clone()
        .with_content_type("application/json\r\nX-Evil: 1");

    let checks: Vec<(&str, Result<SignedRequest, record_core::Error>)> = vec![
        (
            "method",
            sign(
                &bad_method,
                "cn-north-1",
                "rtc",
                &creds,
                BASE_TIME,
                &std_set,
            ),
        ),
        (
            "method",
            sign(
                &empty_method,
                "cn-north-1",
                "rtc",
                &creds,
                BASE_TIME,
                &std_set,
            ),
        ),
        (
            "host",
            sign(
                &empty_host,
                "cn-north-1",
                "rtc",
                &creds,
                BASE_TIME,
                &std_set,
            ),
        ),
        (
            "content_type",
            sign(
                &newline_ct,
                "cn-north-1",
                "rtc",
                &creds,
                BASE_TIME,
                &std_set,
            ),
        ),
        ("region", sign(&ok, "", "rtc", &creds, BASE_TIME, &std_set)),
        (
            "region",
            sign(&ok, "cn/north", "rtc", &creds, BASE_TIME, &std_set),
        ),
        (
            "service",
            sign(&ok, "cn-north-1", "", &creds, BASE_TIME, &std_set),
        ),
        (
            "time",
            sign(
                &ok,
                "cn-north-1",
                "rtc",
                &creds,
                UnixSeconds(i64::MAX),
                &std_set,
            ),
        ),
        (
            "time",
            sign(
                &ok,
                "cn-north-1",
                "rtc",
                &creds,
                UnixSeconds(i64::MIN),
                &std_set,
            ),
        ),
        (
            "time",
            // Year -1: X-Date would not have four digits.
            sign(
                &ok,
                "cn-north-1",
                "rtc",
                &creds,
                UnixSeconds(-62_198_755_200),
                &std_set,
            ),
        ),
        (
            "signed_headers",
            sign(&ok, "cn-north-1", "rtc", &creds, BASE_TIME, &only(&[XDate])),
        ),
        (
            "signed_headers",
            sign(&ok, "cn-north-1", "rtc", &creds, BASE_TIME, &only(&[Host])),
        ),
        (
            "signed_headers",
            sign(
                &ok,
                "cn-north-1",
                "rtc",
                &creds,
                BASE_TIME,
                &only(&[Host, XDate, ContentType]),
            ),
        ),
        (
            "signed_headers",
            sign(
                &ok,
                "cn-north-1",
                "rtc",
                &plain,
                BASE_TIME,
                &only(&[Host, XDate, XSecurityToken]),
            ),
        ),
    ];
    for (parameter, result) in checks {
        match result {
            Ok(signed) => panic!("expected an error naming {parameter}, got {signed:?}"),
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{e}");
                assert_eq!(e.parameter(), Some(parameter), "{e}");
            }
        }
    }
    assert!(Signer::new(creds.clone(), "", "rtc").is_err());
    assert!(Signer::new(creds, "cn-north-1", "r t c").is_err());

    // Year 0 and the last second of 9999 are fine.
    let y0 = sign(
        &ok,
        "cn-north-1",
        "rtc",
        &plain,
        UnixSeconds(-62_167_219_200),
        &std_set,
    )?;
    assert_eq!(y0.x_date, "00000101T000000Z");
    let y9999 = sign(
        &ok,
        "cn-north-1",
        "rtc",
        &plain,
        UnixSeconds(253_402_300_799),
        &std_set,
    )?;
    assert_eq!(y9999.x_date, "99991231T235959Z");
    Ok(())
}

#[test]
fn signable_header_names_round_trip() {
    for h in SignableHeader::ALL {
        assert_eq!(SignableHeader::from_name(h.name()), Some(h));
        assert_eq!(
            SignableHeader::from_name(&h.name().to_ascii_uppercase()),
            Some(h)
        );
    }
    assert_eq!(SignableHeader::from_name("accept"), None);
    let mut names: Vec<_> = SignableHeader::ALL.iter().map(|h| h.name()).collect();
    let before = names.clone();
    names.sort_unstable();
    assert_eq!(names, before, "ALL is in canonical order");
}
