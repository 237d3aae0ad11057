//! Enumerations keep undocumented values, display their documented meaning and map to the
//! documented vendor-neutral states; the error-code table knows every documented code.

use record_core::{ErrorKind, RecordingState};
use serde_json::json;
use zego_record::{
    FileStatus, MediaTrackType, OutputFileFormat, RecordMode, StreamType, TaskStatus,
    error_code_info,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;

// ---------------------------------------------------------------------------------------
// Unknown values
// ---------------------------------------------------------------------------------------

#[test]
fn unknown_task_status_is_kept_and_written_back() -> TestResult {
    let status: TaskStatus = serde_json::from_value(json!(9))?;
    assert_eq!(status, TaskStatus::Unknown(9));
    assert!(status.is_unknown());
    assert_eq!(status.raw(), 9);
    assert_eq!(status.base_state(), RecordingState::Unknown);
    assert_eq!(status.meaning_zh(), None);
    assert_eq!(serde_json::to_value(status)?, json!(9));
    Ok(())
}

#[test]
fn unknown_int_values_of_every_int_enum_round_trip() -> TestResult {
    for raw in [0_i64, 6, -1, 300, i64::MAX, i64::MIN] {
        let v = json!(raw);
        assert_eq!(
            serde_json::from_value::<TaskStatus>(v.clone())?,
            TaskStatus::Unknown(raw)
        );
        assert_eq!(
            serde_json::from_value::<FileStatus>(v.clone())?,
            FileStatus::Unknown(raw)
        );
        assert_eq!(serde_json::to_value(TaskStatus::from_raw(raw))?, v);
        assert_eq!(serde_json::to_value(FileStatus::from_raw(raw))?, v);
    }
    assert_eq!(
        serde_json::from_value::<RecordMode>(json!(3))?,
        RecordMode::Unknown(3)
    );
    assert_eq!(
        serde_json::from_value::<StreamType>(json!(5))?,
        StreamType::Unknown(5)
    );
    assert_eq!(
        serde_json::from_value::<StreamType>(json!(0))?,
        StreamType::Unknown(0)
    );
    assert_eq!(
        serde_json::from_value::<MediaTrackType>(json!(4))?,
        MediaTrackType::Unknown(4)
    );
    assert_eq!(serde_json::to_value(MediaTrackType::Unknown(4))?, json!(4));
    assert_eq!(serde_json::to_value(StreamType::Unknown(5))?, json!(5));
    assert_eq!(serde_json::to_value(RecordMode::Unknown(3))?, json!(3));
    Ok(())
}

#[test]
fn int_enums_accept_numeric_strings_and_write_numbers() -> TestResult {
    assert_eq!(
        serde_json::from_value::<TaskStatus>(json!("3"))?,
        TaskStatus::Ended
    );
    assert_eq!(
        serde_json::from_value::<FileStatus>(json!("7"))?,
        FileStatus::Unknown(7)
    );
    assert_eq!(
        serde_json::to_value(serde_json::from_value::<TaskStatus>(json!("3"))?)?,
        json!(3)
    );
    Ok(())
}

#[test]
fn int_enums_refuse_non_numbers_without_panicking() {
    for bad in [
        json!("ended"),
        json!(3.5),
        json!(true),
        json!(null),
        json!([3]),
        json!({"Status": 3}),
    ] {
        assert!(
            serde_json::from_value::<TaskStatus>(bad.clone()).is_err(),
            "{bad}"
        );
        assert!(serde_json::from_value::<FileStatus>(bad).is_err());
    }
}

#[test]
fn unknown_output_format_is_kept_and_written_back() -> TestResult {
    let f: OutputFileFormat = serde_json::from_value(json!("m4a"))?;
    assert_eq!(f, OutputFileFormat::Unknown("m4a".to_owned()));
    assert!(f.is_unknown());
    assert_eq!(f.raw(), "m4a");
    assert_eq!(serde_json::to_value(&f)?, json!("m4a"));
    // Matching is exact: the docs write the formats in lower case.
    let upper: OutputFileFormat = serde_json::from_value(json!("MP4"))?;
    assert_eq!(upper, OutputFileFormat::Unknown("MP4".to_owned()));
    assert_eq!(serde_json::to_value(&upper)?, json!("MP4"));
    let empty: OutputFileFormat = serde_json::from_value(json!(""))?;
    assert_eq!(empty, OutputFileFormat::Unknown(String::new()));
    assert!(serde_json::from_value::<OutputFileFormat>(json!(4)).is_err());
    Ok(())
}

#[test]
fn unknown_values_display_as_undocumented() {
    let shown = TaskStatus::Unknown(9).to_string();
    assert!(
        shown.contains('9') && shown.contains("undocumented"),
        "{shown}"
    );
    let shown = OutputFileFormat::Unknown("m4a".to_owned()).to_string();
    assert!(
        shown.contains("m4a") && shown.contains("undocumented"),
        "{shown}"
    );
}

// ---------------------------------------------------------------------------------------
// Documented values: raw codes, meanings (Display) and states, table-driven over KNOWN
// ---------------------------------------------------------------------------------------

#[test]
fn task_status_values_meanings_and_states() -> TestResult {
    use RecordingState as S;
    // vendor-docs/000 §响应参数 Status; the state mapping of the spec.
    let documented: [(i64, &str, &str, S); 5] = [
        (
            1,
            "recording task initialising",
            "录制任务初始化",
            S::Starting,
        ),
        (
            2,
            "recording task in progress",
            "录制任务进行中",
            S::Recording,
        ),
        (3, "recording task ended", "录制任务已结束", S::Completed),
        (
            4,
            "recording task ended abnormally",
            "录制任务异常结束",
            S::Failed,
        ),
        (5, "recording task paused", "录制任务暂停中", S::Paused),
    ];
    assert_eq!(TaskStatus::KNOWN.len(), documented.len());
    for (value, (raw, meaning, zh, state)) in TaskStatus::KNOWN.iter().zip(documented) {
        assert_eq!(value.raw(), raw);
        assert_eq!(TaskStatus::from_raw(raw), *value);
        assert!(!value.is_unknown());
        assert_eq!(value.to_string(), meaning);
        assert_eq!(value.meaning_zh(), Some(zh));
        assert_eq!(value.base_state(), state, "TaskStatus {raw}");
        assert_eq!(serde_json::to_value(value)?, json!(raw));
        assert_eq!(serde_json::from_value::<TaskStatus>(json!(raw))?, *value);
    }
    Ok(())
}

#[test]
fn file_status_values_meanings_and_states() -> TestResult {
    use RecordingState as S;
    // vendor-docs/000 §RecordFiles Status.
    let documented: [(i64, &str, S); 5] = [
        (1, "recording: the file is being recorded", S::Recording),
        (
            2,
            "uploading: the file is being uploaded to the customer's cloud storage",
            S::Processing,
        ),
        (
            3,
            "uploaded: the file was uploaded to the customer's cloud storage",
            S::Completed,
        ),
        (
            4,
            "uploaded to ZEGO backup storage: the upload to the customer's storage failed; the file is kept in ZEGO backup storage for 3 days only, download it in time",
            S::Completed,
        ),
        (
            5,
            "upload failed: both the customer's storage and ZEGO backup storage failed",
            S::Failed,
        ),
    ];
    assert_eq!(FileStatus::KNOWN.len(), documented.len());
    for (value, (raw, meaning, state)) in FileStatus::KNOWN.iter().zip(documented) {
        assert_eq!(value.raw(), raw);
        assert_eq!(FileStatus::from_raw(raw), *value);
        assert_eq!(value.to_string(), meaning);
        assert!(value.meaning_zh().is_some_and(|zh| !zh.is_empty()));
        assert_eq!(value.base_state(), state, "FileStatus {raw}");
        assert_eq!(serde_json::from_value::<FileStatus>(json!(raw))?, *value);
    }
    assert_eq!(FileStatus::Unknown(7).base_state(), RecordingState::Unknown);
    Ok(())
}

#[test]
fn record_mode_stream_type_media_track_type_values() {
    let modes: Vec<(i64, String)> = RecordMode::KNOWN
        .iter()
        .map(|v| (v.raw(), v.to_string()))
        .collect();
    assert_eq!(
        modes,
        [
            (1, "single-stream recording".to_owned()),
            (2, "mixed-stream recording".to_owned())
        ]
    );
    assert_eq!(
        RecordMode::KNOWN,
        [RecordMode::SingleStream, RecordMode::Mixed]
    );

    let types: Vec<(i64, String)> = StreamType::KNOWN
        .iter()
        .map(|v| (v.raw(), v.to_string()))
        .collect();
    assert_eq!(
        types,
        [
            (1, "audio only".to_owned()),
            (2, "video only".to_owned()),
            (3, "audio and video merged in one file".to_owned()),
            (4, "audio and video as separate files".to_owned()),
        ]
    );
    assert_eq!(StreamType::from_raw(4), StreamType::AudioVideoSeparate);

    let tracks: Vec<(i64, String)> = MediaTrackType::KNOWN
        .iter()
        .map(|v| (v.raw(), v.to_string()))
        .collect();
    assert_eq!(
        tracks,
        [
            (1, "audio only".to_owned()),
            (2, "video only".to_owned()),
            (3, "audio and video".to_owned())
        ]
    );
    assert_eq!(MediaTrackType::from_raw(3), MediaTrackType::AudioVideo);
}

#[test]
fn output_file_format_values() -> TestResult {
    // vendor-docs/000 lists mp4 flv hls jpg aac; StartRecord adds mp3 (facts Z2) and ogg
    // (vendor-docs/zego/en-start-record.yaml OutputFileFormat; lifecycle/zego.md C-13).
    let documented = ["mp4", "flv", "hls", "jpg", "aac", "mp3", "ogg"];
    assert_eq!(OutputFileFormat::KNOWN.len(), documented.len());
    for (value, raw) in OutputFileFormat::KNOWN.iter().zip(documented) {
        assert_eq!(value.raw(), raw);
        assert_eq!(&OutputFileFormat::from_raw(raw), value);
        assert!(!value.is_unknown());
        assert_eq!(serde_json::to_value(value)?, json!(raw));
        assert_eq!(
            &serde_json::from_value::<OutputFileFormat>(json!(raw))?,
            value
        );
    }
    assert_eq!(OutputFileFormat::Mp4.to_string(), "MP4 file");
    assert_eq!(OutputFileFormat::Jpg.to_string(), "JPEG snapshots");
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Error codes
// ---------------------------------------------------------------------------------------

#[test]
fn every_documented_return_code_is_known_with_its_kind() {
    use ErrorKind as K;
    // facts §1.4: cloud-recording return codes, then the shared API-gateway codes.
    let documented: [(&str, K, bool); 27] = [
        ("100000004", K::Unauthenticated, false),
        ("100000005", K::Unauthenticated, false),
        ("300000002", K::PermissionDenied, false),
        ("300000003", K::RateLimited, true),
        ("300000004", K::InvalidRequest, false),
        ("300000005", K::Unauthenticated, false),
        ("300000006", K::Vendor, false),
        ("300001000", K::NotFound, false),
        ("300001001", K::Vendor, false),
        ("300001004", K::Vendor, false),
        ("300010000", K::Server, true),
        ("100000000", K::InvalidRequest, false),
        ("100000001", K::InvalidRequest, false),
        ("100000002", K::InvalidRequest, false),
        ("100000003", K::InvalidRequest, false),
        ("100000006", K::InvalidRequest, false),
        ("100000007", K::InvalidRequest, false),
        ("100000008", K::InvalidRequest, false),
        ("100000009", K::Unauthenticated, false),
        ("100000010", K::Unauthenticated, false),
        ("100000011", K::Vendor, false),
        ("100000012", K::InvalidRequest, false),
        ("100000013", K::InvalidRequest, false),
        ("100000014", K::InvalidRequest, false),
        ("100000015", K::Server, true),
        ("100000016", K::PermissionDenied, false),
        ("100000017", K::PermissionDenied, false),
    ];
    assert_eq!(zego_record::ERROR_CODES.len(), documented.len());
    for (code, kind, retryable) in documented {
        let info =
            error_code_info(code).unwrap_or_else(|| panic!("code {code} is not in ERROR_CODES"));
        assert_eq!(info.code, code);
        assert_eq!(
            (info.kind, info.retryable),
            (kind, retryable),
            "code {code}"
        );
        assert!(!info.meaning.is_empty(), "code {code}");
        assert_eq!(info.numeric, None);
        assert_eq!(
            info.http_status, None,
            "ZEGO documents no HTTP status for its codes"
        );
    }
}

#[test]
fn return_codes_carry_the_vendor_wording_where_there_is_one() {
    assert_eq!(
        error_code_info("300001000").and_then(|i| i.meaning_zh),
        Some("录制任务不存在。请确认是否已经开始录制。")
    );
    assert_eq!(
        error_code_info("300000003").and_then(|i| i.meaning_zh),
        Some("接口请求频率超过上限。请确认对应接口的 QPS 限制，降低请求频率。")
    );
    // The gateway codes are documented in English only.
    assert_eq!(
        error_code_info("100000015").and_then(|i| i.meaning_zh),
        None
    );
}

#[test]
fn success_and_unlisted_codes_are_not_error_codes() {
    for code in [
        "0",
        "",
        "300001",
        "3000010000",
        " 300001000",
        "300001000 ",
        "999999999",
    ] {
        assert!(error_code_info(code).is_none(), "{code:?}");
    }
}
