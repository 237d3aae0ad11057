//! Hand-written accessors on the decoded fixtures: recording state (with the web recorder's
//! pause refinement), `FileList`, error bodies, and the documented hosts.

use agora_record::{ErrorBody, FileList, QueryResponse, ServiceName, TrackType, hosts};
use record_core::{ErrorKind, RecordingState, UnixMillis};
use std::path::PathBuf;

fn fixture(folder: &str, case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/agora")
        .join(folder)
        .join(format!("{case}.json"))
}

fn query(case: &str) -> Result<QueryResponse, Box<dyn std::error::Error>> {
    Ok(serde_json::from_slice(&std::fs::read(fixture(
        "query", case,
    ))?)?)
}

fn error_body(case: &str) -> Result<ErrorBody, Box<dyn std::error::Error>> {
    Ok(serde_json::from_slice(&std::fs::read(fixture(
        "errors", case,
    ))?)?)
}

#[test]
fn recording_state_per_fixture() -> Result<(), Box<dyn std::error::Error>> {
    let cases = [
        ("doc_example", RecordingState::Starting),
        ("web_recorder", RecordingState::Recording),
        ("web_rtmp_publish", RecordingState::Recording),
        // status 5, but the web recorder reports onhold: true.
        ("web_onhold", RecordingState::Paused),
        ("individual_json", RecordingState::Recording),
        ("individual_screenshot", RecordingState::Recording),
        ("mix_hls", RecordingState::Recording),
        ("legacy_2019", RecordingState::Recording),
        ("empty_lists", RecordingState::Starting),
        ("unknown_status", RecordingState::Unknown),
        ("minimal", RecordingState::Unknown),
        ("failed", RecordingState::Failed),
    ];
    for (case, want) in cases {
        assert_eq!(query(case)?.recording_state(), want, "{case}");
    }
    Ok(())
}

#[test]
fn onhold_only_pauses_a_recording_in_progress() -> Result<(), serde_json::Error> {
    // onhold on a starting service does not turn it into "paused"...
    let starting: QueryResponse = serde_json::from_str(
        r#"{"serverResponse": {"status": 4, "extensionServiceState": [
            {"serviceName": "web_recorder_service", "payload": {"onhold": true}}]}}"#,
    )?;
    assert_eq!(starting.recording_state(), RecordingState::Starting);
    // ...and a paused CDN push (rtmp_publish_service) is not a paused recording.
    let rtmp_only: QueryResponse = serde_json::from_str(
        r#"{"serverResponse": {"status": 5, "extensionServiceState": [
            {"serviceName": "rtmp_publish_service", "payload": {"onhold": true}}]}}"#,
    )?;
    assert_eq!(rtmp_only.recording_state(), RecordingState::Recording);
    assert!(!rtmp_only.server_response.is_web_recorder_on_hold());
    // The legacy "true" string is accepted for onhold.
    let legacy: QueryResponse = serde_json::from_str(
        r#"{"serverResponse": {"status": "5", "extensionServiceState": [
            {"serviceName": "web_recorder_service", "payload": {"onhold": "true"}}]}}"#,
    )?;
    assert_eq!(legacy.recording_state(), RecordingState::Paused);
    Ok(())
}

#[test]
fn extension_services_are_found_by_name() -> Result<(), Box<dyn std::error::Error>> {
    let r = query("web_rtmp_publish")?;
    let rtmp = r
        .server_response
        .extension_service(&ServiceName::RtmpPublish);
    let outputs = rtmp
        .and_then(|s| s.payload.as_ref())
        .and_then(|p| p.outputs.as_deref());
    assert_eq!(outputs.map(<[_]>::len), Some(3));
    let web = r
        .server_response
        .extension_service(&ServiceName::WebRecorder);
    let files = web
        .and_then(|s| s.payload.as_ref())
        .and_then(|p| p.file_list.as_deref());
    assert_eq!(files.map(<[_]>::len), Some(1));
    assert!(
        query("mix_hls")?
            .server_response
            .extension_service(&ServiceName::WebRecorder)
            .is_none()
    );
    Ok(())
}

#[test]
fn file_list_string_form() -> Result<(), Box<dyn std::error::Error>> {
    let r = query("mix_hls")?;
    let list = r.server_response.file_list.as_ref();
    assert_eq!(
        list.and_then(FileList::as_m3u8),
        Some("38f8e3cfdc474cd56fc1ceba380d7e1a_live_room.m3u8")
    );
    assert!(list.and_then(FileList::as_entries).is_none());
    assert_eq!(
        r.server_response.slice_start_time,
        Some(UnixMillis(1_700_000_004_000))
    );
    Ok(())
}

#[test]
fn file_list_array_form() -> Result<(), Box<dyn std::error::Error>> {
    let r = query("individual_json")?;
    let list = r.server_response.file_list.as_ref();
    assert!(list.and_then(FileList::as_m3u8).is_none());
    let entries = list.and_then(FileList::as_entries).unwrap_or_default();
    let tracks: Vec<_> = entries
        .iter()
        .filter_map(|e| e.track_type.clone())
        .collect();
    assert_eq!(
        tracks,
        [TrackType::Audio, TrackType::Video, TrackType::AudioAndVideo]
    );
    assert_eq!(list.map(FileList::file_names).map(|n| n.len()), Some(3));
    assert_eq!(entries.get(2).and_then(|e| e.is_playable), Some(false));
    Ok(())
}

#[test]
fn legacy_spellings_and_strings_decode_like_the_current_ones()
-> Result<(), Box<dyn std::error::Error>> {
    let r = query("legacy_2019")?;
    let s = &r.server_response;
    assert_eq!(s.file_list_mode, Some(agora_record::FileListMode::Json));
    assert_eq!(s.slice_start_time, Some(UnixMillis(1_562_724_971_626)));
    let entries = s
        .file_list
        .as_ref()
        .and_then(FileList::as_entries)
        .unwrap_or_default();
    assert_eq!(entries.len(), 2);
    assert!(
        entries
            .iter()
            .all(|e| e.file_name.as_deref() == Some("xxx.m3u8"))
    );
    assert!(
        entries
            .iter()
            .all(|e| e.mixed_all_user == Some(true) && e.is_playable == Some(true))
    );
    Ok(())
}

#[test]
fn screenshot_answers_have_no_file_list() -> Result<(), Box<dyn std::error::Error>> {
    let r = query("individual_screenshot")?;
    assert!(r.server_response.file_list.is_none());
    assert!(r.server_response.file_list_mode.is_none());
    Ok(())
}

#[test]
fn error_fixtures_map_to_errors() -> Result<(), Box<dyn std::error::Error>> {
    let cases = [
        (
            "unauthorized",
            401,
            ErrorKind::Unauthenticated,
            false,
            "Unauthorized",
        ),
        (
            "invalid_credentials",
            401,
            ErrorKind::Unauthenticated,
            false,
            "Invalid authentication credentials",
        ),
        (
            "no_route",
            404,
            ErrorKind::InvalidRequest,
            false,
            "no Route matched with those values",
        ),
        (
            "rate_limited",
            429,
            ErrorKind::RateLimited,
            true,
            "API rate limit exceeded",
        ),
        (
            "appid_invalid",
            400,
            ErrorKind::InvalidRequest,
            false,
            "appid is invalid",
        ),
        ("service_code_2", 400, ErrorKind::InvalidRequest, false, "2"),
        ("service_code_501", 400, ErrorKind::NotFound, false, "501"),
        ("code_as_string", 400, ErrorKind::Vendor, false, "435"),
        ("worker_not_found", 404, ErrorKind::NotFound, false, "404"),
    ];
    for (case, status, kind, retryable, code) in cases {
        let e = error_body(case)?.to_error(status);
        assert_eq!((e.kind(), e.is_retryable()), (kind, retryable), "{case}");
        assert_eq!(e.vendor_code(), Some(code), "{case}");
        assert_eq!(e.http_status(), Some(status), "{case}");
    }
    let e = error_body("service_code_2")?.to_error(400);
    assert_eq!(
        e.vendor_message(),
        Some("Acquire: invalid resourceExpiredHour value!")
    );
    let e = error_body("empty_body")?.to_error(503);
    assert_eq!(
        (e.kind(), e.is_retryable(), e.vendor_code()),
        (ErrorKind::Server, true, None)
    );
    Ok(())
}

#[test]
fn documented_hosts_are_selectable_by_name() {
    assert_eq!(hosts::DEFAULT, "https://api.sd-rtn.com");
    assert_eq!(hosts::by_name("default"), Some("https://api.sd-rtn.com"));
    assert_eq!(hosts::by_name("global"), Some("https://api.agora.io"));
    assert_eq!(
        hosts::by_name("cn-east-1"),
        Some("https://api-cn-east-1.sd-rtn.com")
    );
    assert_eq!(
        hosts::by_name("global-us-west-1"),
        Some("https://api-us-west-1.agora.io")
    );
    assert_eq!(hosts::by_name("eu"), None);
    let regions = [
        "us-west-1",
        "us-east-1",
        "eu-west-1",
        "eu-central-1",
        "ap-southeast-1",
        "ap-northeast-1",
        "cn-east-1",
        "cn-north-1",
    ];
    for region in regions {
        assert_eq!(
            hosts::by_name(region),
            Some(format!("https://api-{region}.sd-rtn.com").as_str())
        );
        assert_eq!(
            hosts::by_name(&format!("global-{region}")),
            Some(format!("https://api-{region}.agora.io").as_str())
        );
    }
    assert_eq!(hosts::ALL.len(), 2 + 2 * regions.len());
}
