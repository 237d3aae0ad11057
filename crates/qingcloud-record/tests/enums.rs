//! Status enumeration, hand-written accessors and the (empty) error-code table.

use qingcloud_record::{ListRecordingsResponse, RecordingInfo, RecordingStatus};
use record_core::RecordingState;
use serde_json::json;

/// Every documented status (vendor-docs/001 §录制状态说明), its documented meaning and the
/// vendor-neutral state it maps to.
const DOCUMENTED: &[(i64, &str, RecordingState)] = &[
    (0, "none (meaningless)", RecordingState::Unknown),
    (1, "recording process started", RecordingState::Starting),
    (2, "recording in progress", RecordingState::Recording),
    (3, "recording finished", RecordingState::Processing),
    (
        4,
        "recording stopped manually, exit handling in progress",
        RecordingState::Stopping,
    ),
    (
        5,
        "recording stopped automatically, exit handling in progress",
        RecordingState::Stopping,
    ),
    (6, "merging single-stream files", RecordingState::Processing),
    (7, "single-stream files merged", RecordingState::Processing),
    (8, "uploading to object storage", RecordingState::Processing),
    (9, "uploaded to object storage", RecordingState::Processing),
    (
        10,
        "whole recording process finished",
        RecordingState::Completed,
    ),
    (
        11,
        "repairing recorded files (exception handling)",
        RecordingState::Processing,
    ),
    (30, "recording process crashed", RecordingState::Processing),
    (
        31,
        "recording process crash handled successfully",
        RecordingState::Processing,
    ),
    (
        32,
        "recording process crash handling failed",
        RecordingState::Failed,
    ),
    (
        50,
        "repairing recorded files failed",
        RecordingState::Failed,
    ),
    (
        51,
        "merging single-stream files failed",
        RecordingState::Failed,
    ),
    (
        52,
        "uploading to object storage failed",
        RecordingState::Failed,
    ),
    (
        53,
        "stopping the recording process failed",
        RecordingState::Failed,
    ),
];

fn documented(raw: i64) -> Option<&'static (i64, &'static str, RecordingState)> {
    DOCUMENTED.iter().find(|(r, _, _)| *r == raw)
}

#[test]
fn known_list_is_exactly_the_documented_statuses() {
    let known: Vec<i64> = RecordingStatus::KNOWN.iter().map(|s| s.raw()).collect();
    let expected: Vec<i64> = DOCUMENTED.iter().map(|(r, _, _)| *r).collect();
    assert_eq!(known, expected);
}

#[test]
fn every_known_status_maps_to_its_state() {
    for status in RecordingStatus::KNOWN {
        let Some((raw, _, state)) = documented(status.raw()) else {
            panic!("{status:?} is not documented");
        };
        assert_eq!(status.base_state(), *state, "status {raw}");
        assert!(!status.is_unknown(), "status {raw}");
        assert_eq!(RecordingStatus::from_raw(*raw), *status);
    }
}

#[test]
fn display_gives_the_documented_meaning() {
    for status in RecordingStatus::KNOWN {
        let Some((raw, meaning, _)) = documented(status.raw()) else {
            panic!("{status:?} is not documented");
        };
        assert_eq!(status.to_string(), *meaning, "status {raw}");
        assert_eq!(status.meaning(), *meaning, "status {raw}");
        assert!(
            status.meaning_zh().is_some(),
            "status {raw} has no Chinese meaning"
        );
    }
    assert_eq!(
        RecordingStatus::Stopped.meaning_zh(),
        Some("Stopped：整个录制过程处理完毕")
    );
}

#[test]
fn only_stopped_is_a_final_success() {
    let completed: Vec<RecordingStatus> = RecordingStatus::KNOWN
        .iter()
        .copied()
        .filter(|s| s.base_state() == RecordingState::Completed)
        .collect();
    assert_eq!(completed, [RecordingStatus::Stopped]);
}

#[test]
fn unknown_status_keeps_its_raw_value() -> Result<(), serde_json::Error> {
    let status: RecordingStatus = serde_json::from_value(json!(99))?;
    assert_eq!(status, RecordingStatus::Unknown(99));
    assert!(status.is_unknown());
    assert_eq!(status.raw(), 99);
    assert_eq!(status.base_state(), RecordingState::Unknown);
    assert_eq!(serde_json::to_value(status)?, json!(99));
    assert_eq!(RecordingStatus::from_raw(-1), RecordingStatus::Unknown(-1));
    assert!(RecordingStatus::Unknown(12).to_string().contains("12"));
    Ok(())
}

#[test]
fn status_accepts_numeric_strings_and_writes_numbers() -> Result<(), serde_json::Error> {
    let status: RecordingStatus = serde_json::from_value(json!("52"))?;
    assert_eq!(status, RecordingStatus::PushToQingstorFailed);
    assert_eq!(serde_json::to_value(status)?, json!(52));
    let unknown: RecordingStatus = serde_json::from_value(json!("99"))?;
    assert_eq!(unknown, RecordingStatus::Unknown(99));
    assert_eq!(serde_json::to_value(unknown)?, json!(99));
    Ok(())
}

#[test]
fn status_rejects_garbage() {
    assert!(serde_json::from_value::<RecordingStatus>(json!("recording")).is_err());
    assert!(serde_json::from_value::<RecordingStatus>(json!(true)).is_err());
    assert!(serde_json::from_value::<RecordingStatus>(json!(2.5)).is_err());
}

fn info(is_mix: serde_json::Value) -> Result<RecordingInfo, serde_json::Error> {
    serde_json::from_value(json!({"id": 1, "is_mix": is_mix}))
}

#[test]
fn is_mixed_reads_the_raw_flag() -> Result<(), serde_json::Error> {
    assert_eq!(info(json!(1))?.is_mixed(), Some(true));
    assert_eq!(info(json!(0))?.is_mixed(), Some(false));
    assert_eq!(info(json!("1"))?.is_mixed(), Some(true));
    assert_eq!(info(json!("0"))?.is_mixed(), Some(false));
    // Undocumented values are kept raw but have no boolean meaning.
    let odd = info(json!(2))?;
    assert_eq!(odd.is_mix, Some(2));
    assert_eq!(odd.is_mixed(), None);
    let absent: RecordingInfo = serde_json::from_value(json!({"id": 1}))?;
    assert_eq!(absent.is_mixed(), None);
    Ok(())
}

#[test]
fn flex_fields_reject_non_numeric_strings() {
    let bad = |field: &str, value: serde_json::Value| {
        let mut obj = json!({"id": 1});
        obj[field] = value;
        serde_json::from_value::<RecordingInfo>(obj).is_err()
    };
    assert!(bad("pid", json!("abc")));
    assert!(bad("size", json!("-1")));
    assert!(bad("is_mix", json!("yes")));
}

#[test]
fn is_success_checks_the_code() -> Result<(), serde_json::Error> {
    let ok: ListRecordingsResponse = serde_json::from_value(json!({"code": "success"}))?;
    assert!(ok.is_success());
    for code in ["failed", "Success", "", "0"] {
        let err: ListRecordingsResponse = serde_json::from_value(json!({"code": code}))?;
        assert!(!err.is_success(), "code {code:?}");
    }
    assert!(serde_json::from_value::<ListRecordingsResponse>(json!({"offset": 0})).is_err());
    Ok(())
}

#[test]
fn no_error_codes_are_documented() {
    // QingCloud documents none (facts §2.3): the table is empty on purpose.
    assert!(qingcloud_record::ERROR_CODES.is_empty());
    assert!(qingcloud_record::error_code_info("success").is_none());
    assert!(qingcloud_record::error_code_info("failed").is_none());
}
