//! Request building: valid requests serialize exactly as documented; every documented
//! limit violation is rejected locally with `InvalidRequest` naming the parameter.

use qingcloud_record::{ListRecordingsRequest, ListRecordingsRequestBuilder};
use record_core::{Error, ErrorKind, FixedClock, UnixMillis};

const APP_ID: &str = "34723259bb8f4768bc7a9c7cbb126baa";
const CHANNEL: &str = "crIUxmwHA2";

/// 2021-11-18 14:56:43 +08:00, the time of the doc example.
fn clock() -> FixedClock {
    FixedClock::new(UnixMillis(1_637_218_603_000))
}

fn base() -> ListRecordingsRequestBuilder {
    ListRecordingsRequest::builder()
        .app_id(APP_ID)
        .channel(CHANNEL)
}

fn build(builder: ListRecordingsRequestBuilder) -> Result<ListRecordingsRequest, Error> {
    builder.build_with_clock(&clock())
}

fn pairs(list: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    list.iter().map(|(k, v)| (*k, (*v).to_owned())).collect()
}

/// Asserts that `builder` is rejected as an invalid request naming `parameter`.
fn assert_rejected(builder: ListRecordingsRequestBuilder, parameter: &str) {
    match build(builder) {
        Ok(request) => panic!(
            "expected `{parameter}` to be rejected, built {:?}",
            request.query_pairs()
        ),
        Err(err) => {
            assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
            assert_eq!(err.parameter(), Some(parameter), "{err}");
        }
    }
}

#[test]
fn full_request_sets_every_query_parameter() -> Result<(), Error> {
    let request = build(base().from_hour(3).to_hour(0).offset(0).limit(20))?;
    assert_eq!(request.path(), "/v1/cloudRecord");
    assert_eq!(
        request.query_pairs(),
        pairs(&[
            ("app_id", APP_ID),
            ("channel", CHANNEL),
            ("from_hour", "3"),
            ("to_hour", "0"),
            ("offset", "0"),
            ("limit", "20"),
        ])
    );
    assert_eq!(request.app_id(), APP_ID);
    assert_eq!(request.channel(), CHANNEL);
    assert_eq!((request.from_hour(), request.to_hour()), (Some(3), Some(0)));
    assert_eq!((request.offset(), request.limit()), (Some(0), Some(20)));
    Ok(())
}

#[test]
fn endpoint_is_a_get_without_action() {
    let endpoint = ListRecordingsRequest::ENDPOINT;
    assert_eq!((endpoint.method, endpoint.path), ("GET", "/v1/cloudRecord"));
    assert_eq!((endpoint.action, endpoint.version), (None, None));
    assert_eq!(endpoint.rate_limit_per_sec, None);
    assert_eq!(endpoint.query_window, Some("24 hours"));
    assert_eq!(
        qingcloud_record::hosts::DEFAULT,
        "https://rtc.api.qingcloud.com"
    );
}

#[test]
fn minimal_request_sends_only_the_required_parameters() -> Result<(), Error> {
    let request = build(base())?;
    assert_eq!(
        request.query_pairs(),
        pairs(&[("app_id", APP_ID), ("channel", CHANNEL)])
    );
    assert_eq!((request.from_hour(), request.to_hour()), (None, None));
    assert_eq!((request.offset(), request.limit()), (None, None));
    Ok(())
}

#[test]
fn query_values_are_passed_through_unencoded() -> Result<(), Error> {
    // Percent-encoding belongs to the signer (facts §2.2), not to the query pairs.
    let request = build(
        ListRecordingsRequest::builder()
            .app_id(APP_ID)
            .channel("room 1/a"),
    )?;
    assert_eq!(
        request.query_pairs(),
        pairs(&[("app_id", APP_ID), ("channel", "room 1/a")])
    );
    Ok(())
}

#[test]
fn accepts_the_boundaries() -> Result<(), Error> {
    // Largest window: 24 hours.
    let widest = build(base().from_hour(24).to_hour(0))?;
    assert_eq!((widest.from_hour(), widest.to_hour()), (Some(24), Some(0)));
    // from_hour == to_hour is not forbidden ("不能小于" / "不能大于").
    let empty = build(base().from_hour(5).to_hour(5))?;
    assert_eq!((empty.from_hour(), empty.to_hour()), (Some(5), Some(5)));
    assert_eq!(build(base().limit(1))?.limit(), Some(1));
    assert_eq!(build(base().limit(100))?.limit(), Some(100));
    assert_eq!(build(base().offset(u32::MAX))?.offset(), Some(u32::MAX));
    Ok(())
}

#[test]
fn build_with_the_system_clock_agrees() -> Result<(), Error> {
    let request = base().from_hour(2).to_hour(1).build()?;
    assert_eq!(request.from_hour(), Some(2));
    Ok(())
}

#[test]
fn rejects_missing_app_id() {
    assert_rejected(ListRecordingsRequest::builder().channel(CHANNEL), "app_id");
}

#[test]
fn rejects_empty_app_id() {
    assert_rejected(base().app_id(""), "app_id");
}

#[test]
fn rejects_missing_channel() {
    assert_rejected(ListRecordingsRequest::builder().app_id(APP_ID), "channel");
}

#[test]
fn rejects_empty_channel() {
    assert_rejected(base().channel(""), "channel");
}

#[test]
fn rejects_from_hour_beyond_24() {
    assert_rejected(base().from_hour(25).to_hour(0), "from_hour");
}

#[test]
fn rejects_to_hour_beyond_24() {
    assert_rejected(base().from_hour(24).to_hour(25), "to_hour");
}

#[test]
fn rejects_from_hour_less_than_to_hour() {
    assert_rejected(base().from_hour(3).to_hour(5), "from_hour");
}

#[test]
fn rejects_from_hour_without_to_hour() {
    assert_rejected(base().from_hour(3), "to_hour");
}

#[test]
fn rejects_to_hour_without_from_hour() {
    assert_rejected(base().to_hour(0), "from_hour");
}

#[test]
fn rejects_limit_zero() {
    assert_rejected(base().limit(0), "limit");
}

#[test]
fn rejects_limit_over_100() {
    assert_rejected(base().limit(101), "limit");
}

#[test]
fn window_error_explains_the_rule() {
    let err = build(base().from_hour(1).to_hour(2))
        .err()
        .map(|e| e.to_string());
    let text = err.unwrap_or_default();
    assert!(text.contains("from_hour 1 < to_hour 2"), "{text}");
}
