//! Enumerations keep undocumented values, display their documented meaning, and map to the
//! vendor-neutral recording state; the error-code table finds every documented code.

use agora_record::{
    FileListMode, RecordingMode, RtmpStatus, ServerStatus, ServiceName, TrackType,
    WebRecorderState, error_code_info,
};
use record_core::{ErrorKind, RecordingState};
use serde_json::json;

#[test]
fn server_status_base_states_follow_the_spec_table() {
    let expected: [(i64, RecordingState); 10] = [
        (0, RecordingState::Starting),
        (1, RecordingState::Starting),
        (2, RecordingState::Starting),
        (3, RecordingState::Starting),
        (4, RecordingState::Starting),
        (5, RecordingState::Recording),
        (6, RecordingState::Stopping),
        (7, RecordingState::Stopping),
        (8, RecordingState::Completed),
        (20, RecordingState::Failed),
    ];
    assert_eq!(ServerStatus::KNOWN.len(), expected.len());
    for status in ServerStatus::KNOWN {
        let want = expected
            .iter()
            .find(|(raw, _)| *raw == status.raw())
            .map(|(_, s)| *s);
        assert_eq!(Some(status.base_state()), want, "status {}", status.raw());
        assert!(!status.is_unknown());
        assert_eq!(ServerStatus::from_raw(status.raw()), *status);
    }
    assert_eq!(
        ServerStatus::from_raw(30).base_state(),
        RecordingState::Unknown
    );
}

#[test]
fn unknown_int_status_is_kept_and_serialized_back() -> Result<(), serde_json::Error> {
    let s: ServerStatus = serde_json::from_value(json!(30))?;
    assert_eq!(s, ServerStatus::Unknown(30));
    assert!(s.is_unknown());
    assert_eq!(serde_json::to_value(s)?, json!(30));
    assert_eq!(s.to_string(), "undocumented value 30");
    Ok(())
}

#[test]
fn legacy_string_status_is_accepted() -> Result<(), serde_json::Error> {
    let s: ServerStatus = serde_json::from_value(json!("5"))?;
    assert_eq!(s, ServerStatus::InProgress);
    assert_eq!(serde_json::to_value(s)?, json!(5));
    assert!(serde_json::from_value::<ServerStatus>(json!("five")).is_err());
    Ok(())
}

#[test]
fn unknown_string_values_are_kept_and_serialized_back() -> Result<(), serde_json::Error> {
    let mode: RecordingMode = serde_json::from_value(json!("raw"))?;
    assert_eq!(mode, RecordingMode::Unknown("raw".to_owned()));
    assert_eq!(serde_json::to_value(&mode)?, json!("raw"));

    let m: FileListMode = serde_json::from_value(json!("xml"))?;
    assert_eq!(m, FileListMode::Unknown("xml".to_owned()));
    assert_eq!(serde_json::to_value(&m)?, json!("xml"));

    let t: TrackType = serde_json::from_value(json!("image"))?;
    assert_eq!(t, TrackType::Unknown("image".to_owned()));
    assert_eq!(serde_json::to_value(&t)?, json!("image"));

    let n: ServiceName = serde_json::from_value(json!("srt_publish_service"))?;
    assert!(n.is_unknown());
    assert_eq!(serde_json::to_value(&n)?, json!("srt_publish_service"));

    let w: WebRecorderState = serde_json::from_value(json!("paused"))?;
    assert_eq!(w.raw(), "paused");
    assert!(w.is_unknown());
    assert_eq!(serde_json::to_value(&w)?, json!("paused"));

    let r: RtmpStatus = serde_json::from_value(json!("reconnecting"))?;
    assert_eq!(r, RtmpStatus::Unknown("reconnecting".to_owned()));
    assert_eq!(serde_json::to_value(&r)?, json!("reconnecting"));
    assert_eq!(r.to_string(), "undocumented value \"reconnecting\"");
    Ok(())
}

#[test]
fn string_values_are_case_sensitive() -> Result<(), serde_json::Error> {
    // `inProgress` is documented in camel case; other spellings are not the documented value.
    assert_eq!(
        serde_json::from_value::<WebRecorderState>(json!("inProgress"))?,
        WebRecorderState::InProgress
    );
    assert!(serde_json::from_value::<WebRecorderState>(json!("inprogress"))?.is_unknown());
    assert!(serde_json::from_value::<RecordingMode>(json!("MIX"))?.is_unknown());
    Ok(())
}

#[test]
fn documented_values_are_known_and_decode_from_their_raw_form() -> Result<(), serde_json::Error> {
    assert_eq!(
        RecordingMode::KNOWN
            .iter()
            .map(RecordingMode::raw)
            .collect::<Vec<_>>(),
        ["individual", "mix", "web"]
    );
    assert_eq!(
        FileListMode::KNOWN
            .iter()
            .map(FileListMode::raw)
            .collect::<Vec<_>>(),
        ["string", "json"]
    );
    assert_eq!(
        TrackType::KNOWN
            .iter()
            .map(TrackType::raw)
            .collect::<Vec<_>>(),
        ["audio", "video", "audio_and_video"]
    );
    assert_eq!(
        ServiceName::KNOWN
            .iter()
            .map(ServiceName::raw)
            .collect::<Vec<_>>(),
        ["web_recorder_service", "rtmp_publish_service"]
    );
    assert_eq!(
        WebRecorderState::KNOWN
            .iter()
            .map(WebRecorderState::raw)
            .collect::<Vec<_>>(),
        ["init", "inProgress", "exit"]
    );
    assert_eq!(
        RtmpStatus::KNOWN
            .iter()
            .map(RtmpStatus::raw)
            .collect::<Vec<_>>(),
        ["connecting", "publishing", "onhold", "disconnected"]
    );
    assert_eq!(
        ServerStatus::KNOWN
            .iter()
            .map(ServerStatus::raw)
            .collect::<Vec<_>>(),
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 20]
    );
    for v in RecordingMode::KNOWN {
        assert_eq!(&serde_json::from_value::<RecordingMode>(json!(v.raw()))?, v);
    }
    for v in TrackType::KNOWN {
        assert_eq!(&serde_json::from_value::<TrackType>(json!(v.raw()))?, v);
    }
    for v in ServiceName::KNOWN {
        assert_eq!(&serde_json::from_value::<ServiceName>(json!(v.raw()))?, v);
    }
    for v in WebRecorderState::KNOWN {
        assert_eq!(
            &serde_json::from_value::<WebRecorderState>(json!(v.raw()))?,
            v
        );
    }
    for v in RtmpStatus::KNOWN {
        assert_eq!(&serde_json::from_value::<RtmpStatus>(json!(v.raw()))?, v);
    }
    for v in FileListMode::KNOWN {
        assert_eq!(&serde_json::from_value::<FileListMode>(json!(v.raw()))?, v);
    }
    Ok(())
}

#[test]
fn display_gives_the_documented_meaning() {
    assert_eq!(
        ServerStatus::NotStarted.to_string(),
        "cloud service not started"
    );
    assert_eq!(
        ServerStatus::InProgress.to_string(),
        "cloud service in progress"
    );
    assert_eq!(
        ServerStatus::ExitedAbnormally.to_string(),
        "cloud service exited abnormally"
    );
    assert_eq!(
        ServerStatus::ExitedAbnormally.meaning_zh(),
        Some("云服务异常退出。")
    );
    assert_eq!(RecordingMode::Web.to_string(), "web page recording");
    assert_eq!(TrackType::AudioAndVideo.to_string(), "audio and video file");
    assert_eq!(
        ServiceName::RtmpPublish.to_string(),
        "pushing the web page recording to a CDN"
    );
    assert_eq!(WebRecorderState::Exit.meaning_zh(), Some("服务退出。"));
    assert_eq!(RtmpStatus::OnHold.to_string(), "stream pushing paused");
    assert_eq!(
        FileListMode::String.to_string(),
        "fileList is a string: the M3U8 file name"
    );
    for status in ServerStatus::KNOWN {
        assert_eq!(status.to_string(), status.meaning());
        assert!(
            status.meaning_zh().is_some_and(|z| z.contains("云服务")),
            "{status:?}"
        );
    }
}

#[test]
fn error_code_info_finds_every_documented_code() {
    let expected: [(&str, ErrorKind, bool, Option<u16>); 20] = [
        ("2", ErrorKind::InvalidRequest, false, None),
        ("7", ErrorKind::Vendor, false, None),
        ("8", ErrorKind::InvalidRequest, false, None),
        ("53", ErrorKind::Vendor, false, None),
        ("432", ErrorKind::InvalidRequest, false, None),
        ("433", ErrorKind::NotFound, false, None),
        ("435", ErrorKind::Vendor, false, None),
        ("501", ErrorKind::NotFound, false, None),
        ("1001", ErrorKind::InvalidRequest, false, None),
        ("1003", ErrorKind::InvalidRequest, false, None),
        ("1004", ErrorKind::Vendor, false, None),
        ("1005", ErrorKind::InvalidRequest, false, None),
        ("1013", ErrorKind::InvalidRequest, false, None),
        ("1028", ErrorKind::InvalidRequest, false, None),
        (
            "appid is invalid",
            ErrorKind::InvalidRequest,
            false,
            Some(400),
        ),
        ("invalid appid", ErrorKind::InvalidRequest, false, None),
        ("Unauthorized", ErrorKind::Unauthenticated, false, Some(401)),
        (
            "Invalid authentication credentials",
            ErrorKind::Unauthenticated,
            false,
            Some(401),
        ),
        (
            "no Route matched with those values",
            ErrorKind::InvalidRequest,
            false,
            Some(404),
        ),
        (
            "API rate limit exceeded",
            ErrorKind::RateLimited,
            true,
            Some(429),
        ),
    ];
    assert_eq!(agora_record::ERROR_CODES.len(), expected.len());
    for (code, kind, retryable, http) in expected {
        let info = error_code_info(code);
        assert_eq!(
            info.map(|i| (i.kind, i.retryable, i.http_status)),
            Some((kind, retryable, http)),
            "{code}"
        );
    }
    assert!(error_code_info("501").is_some_and(|i| i.meaning.contains("exiting")));
    assert!(error_code_info("9999").is_none());
    assert!(
        error_code_info("unauthorized").is_none(),
        "gateway messages match exactly"
    );
}
