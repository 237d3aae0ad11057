//! `QueryRequest`: the builder accepts a valid request and builds the documented path, and
//! rejects each documented limit violation naming the parameter.

use agora_record::{QueryRequest, QueryRequestBuilder, RecordingMode};
use record_core::{ErrorKind, FixedClock, UnixMillis, Vendor};

const APPID: &str = "970CA35de60c44645bbae8a215061b33";
const RESOURCE: &str = "JyvK8nXHuV1BE64GDkAaBGEscvtHW7v8BrQoRPCHxmeVxwY22-x-kv4GdPcjZeMzoCBUCOr9q";
const SID: &str = "38f8e3cfdc474cd56fc1ceba380d7e1a";

fn clock() -> FixedClock {
    FixedClock::new(UnixMillis(1_700_000_000_000))
}

fn valid() -> QueryRequestBuilder {
    QueryRequest::builder()
        .appid(APPID)
        .resourceid(RESOURCE)
        .sid(SID)
        .mode(RecordingMode::Mix)
}

/// Builds and expects an `InvalidRequest` error naming `parameter`.
fn assert_rejected(builder: QueryRequestBuilder, parameter: &str) {
    match builder.build_with_clock(&clock()) {
        Ok(r) => panic!("expected `{parameter}` to be rejected, built {r:?}"),
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{e}");
            assert_eq!(e.parameter(), Some(parameter), "{e}");
            assert_eq!(e.vendor(), Some(Vendor::Agora));
            assert_eq!(e.action(), Some("query"));
            assert!(!e.is_retryable());
        }
    }
}

#[test]
fn valid_request_builds_the_documented_path() -> Result<(), record_core::Error> {
    let r = valid().build_with_clock(&clock())?;
    assert_eq!(
        r.path(),
        format!("/v1/apps/{APPID}/cloud_recording/resourceid/{RESOURCE}/sid/{SID}/mode/mix/query")
    );
    assert_eq!(r.appid(), APPID);
    assert_eq!(r.resourceid(), RESOURCE);
    assert_eq!(r.sid(), SID);
    assert_eq!(r.mode(), &RecordingMode::Mix);
    assert_eq!(QueryRequest::ENDPOINT.method, "GET");
    assert_eq!(QueryRequest::ENDPOINT.rate_limit_per_sec, Some(10));
    Ok(())
}

#[test]
fn every_documented_mode_is_accepted() -> Result<(), record_core::Error> {
    for (mode, raw) in [
        (RecordingMode::Individual, "individual"),
        (RecordingMode::Mix, "mix"),
        (RecordingMode::Web, "web"),
    ] {
        let r = valid().mode(mode).build()?;
        assert!(
            r.path().ends_with(&format!("/mode/{raw}/query")),
            "{}",
            r.path()
        );
    }
    Ok(())
}

#[test]
fn path_segments_are_percent_encoded() -> Result<(), record_core::Error> {
    let r = valid()
        .resourceid("a/b c+d")
        .sid("声网?x=1#f")
        .build_with_clock(&clock())?;
    assert_eq!(
        r.path(),
        format!(
            "/v1/apps/{APPID}/cloud_recording/resourceid/a%2Fb%20c%2Bd/sid/\
             %E5%A3%B0%E7%BD%91%3Fx%3D1%23f/mode/mix/query"
        )
    );
    Ok(())
}

#[test]
fn missing_appid_is_rejected() {
    let b = QueryRequest::builder()
        .resourceid(RESOURCE)
        .sid(SID)
        .mode(RecordingMode::Mix);
    assert_rejected(b, "appid");
}

#[test]
fn missing_resourceid_is_rejected() {
    let b = QueryRequest::builder()
        .appid(APPID)
        .sid(SID)
        .mode(RecordingMode::Mix);
    assert_rejected(b, "resourceid");
}

#[test]
fn missing_sid_is_rejected() {
    let b = QueryRequest::builder()
        .appid(APPID)
        .resourceid(RESOURCE)
        .mode(RecordingMode::Mix);
    assert_rejected(b, "sid");
}

#[test]
fn missing_mode_is_rejected() {
    let b = QueryRequest::builder()
        .appid(APPID)
        .resourceid(RESOURCE)
        .sid(SID);
    assert_rejected(b, "mode");
}

#[test]
fn empty_appid_is_rejected() {
    assert_rejected(valid().appid(""), "appid");
}

#[test]
fn empty_resourceid_is_rejected() {
    assert_rejected(valid().resourceid(""), "resourceid");
}

#[test]
fn empty_sid_is_rejected() {
    assert_rejected(valid().sid(""), "sid");
}

#[test]
fn undocumented_mode_is_rejected() {
    // `raw` appears in the newest Agora docs but not on the page this crate follows.
    assert_rejected(valid().mode(RecordingMode::from_raw("raw")), "mode");
}

#[test]
fn the_system_clock_builds_the_same_request() -> Result<(), record_core::Error> {
    assert_eq!(valid().build()?, valid().build_with_clock(&clock())?);
    Ok(())
}
