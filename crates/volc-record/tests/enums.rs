//! Enumerations, error codes and the hand-written accessors.

use record_core::{ErrorKind, RecordingState, UnixMillis};
use serde_json::{Value, json};
use volc_record::{
    ERROR_CODES, GetRecordTaskResponse, RecordTask, StopReason, StreamType, TaskStatus,
    classify_error_code, error_code_info,
};

// ---------------------------------------------------------------------------------------
// TaskStatus
// ---------------------------------------------------------------------------------------

/// The documented mapping of every `Status` value (vendor-docs/003 §返回参数 Status).
const TASK_STATUS_STATES: &[(i64, RecordingState)] = &[
    (0, RecordingState::Failed),    // 未知异常状态
    (1, RecordingState::Starting),  // 未开始
    (2, RecordingState::Recording), // 运行中
    (3, RecordingState::Completed), // 已结束
    (4, RecordingState::Failed),    // 任务运行失败
];

#[test]
fn task_status_base_states_follow_the_documented_mapping() {
    assert_eq!(TaskStatus::KNOWN.len(), TASK_STATUS_STATES.len());
    for status in TaskStatus::KNOWN {
        let expected = TASK_STATUS_STATES
            .iter()
            .find(|(raw, _)| *raw == status.raw());
        assert_eq!(
            expected.map(|(_, s)| *s),
            Some(status.base_state()),
            "{status:?}"
        );
        assert!(!status.is_unknown());
        assert_eq!(TaskStatus::from_raw(status.raw()), *status);
    }
}

#[test]
fn task_status_display_is_the_documented_meaning() {
    assert_eq!(
        TaskStatus::UnknownAbnormal.to_string(),
        "unknown abnormal state"
    );
    assert_eq!(TaskStatus::NotStarted.to_string(), "not started");
    assert_eq!(TaskStatus::Running.to_string(), "running");
    assert_eq!(TaskStatus::Ended.to_string(), "ended");
    assert_eq!(TaskStatus::Failed.to_string(), "task failed while running");
    assert_eq!(TaskStatus::Ended.meaning_zh(), Some("已结束"));
    assert_eq!(TaskStatus::Failed.meaning_zh(), Some("任务运行失败"));
}

#[test]
fn unknown_task_status_is_kept_and_written_back() -> Result<(), serde_json::Error> {
    let status: TaskStatus = serde_json::from_value(json!(7))?;
    assert_eq!(status, TaskStatus::Unknown(7));
    assert!(status.is_unknown());
    assert_eq!(status.base_state(), RecordingState::Unknown);
    assert_eq!(status.meaning_zh(), None);
    assert!(status.to_string().contains('7'), "{status}");
    assert_eq!(serde_json::to_value(status)?, json!(7));
    // Numeric strings are accepted and written back as numbers.
    let status: TaskStatus = serde_json::from_value(json!("3"))?;
    assert_eq!(status, TaskStatus::Ended);
    assert_eq!(serde_json::to_value(status)?, json!(3));
    assert!(serde_json::from_value::<TaskStatus>(json!("three")).is_err());
    Ok(())
}

// ---------------------------------------------------------------------------------------
// StopReason
// ---------------------------------------------------------------------------------------

#[test]
fn stop_reasons_have_the_documented_raw_values() -> Result<(), serde_json::Error> {
    let documented = [
        ("", StopReason::NotEnded, "the task has not ended"),
        (
            "UnknownStopReason",
            StopReason::UnknownStopReason,
            "unknown stop reason",
        ),
        (
            "StopByAPI",
            StopReason::StopByApi,
            "stopped by the application through the API",
        ),
        (
            "StartTaskFailed",
            StopReason::StartTaskFailed,
            "the task failed to start",
        ),
        (
            "IdleTimeOut",
            StopReason::IdleTimeOut,
            "the maximum idle time was exceeded",
        ),
    ];
    assert_eq!(StopReason::KNOWN.len(), documented.len());
    for (raw, reason, meaning) in documented {
        assert!(StopReason::KNOWN.contains(&reason), "{reason:?}");
        assert_eq!(serde_json::from_value::<StopReason>(json!(raw))?, reason);
        assert_eq!(serde_json::to_value(&reason)?, json!(raw));
        assert_eq!(reason.raw(), raw);
        assert_eq!(reason.to_string(), meaning);
        assert!(!reason.is_unknown());
    }
    Ok(())
}

#[test]
fn unknown_stop_reason_is_kept_and_written_back() -> Result<(), serde_json::Error> {
    let reason: StopReason = serde_json::from_value(json!("StopByRoomDismissed"))?;
    assert_eq!(
        reason,
        StopReason::Unknown("StopByRoomDismissed".to_owned())
    );
    assert!(reason.is_unknown());
    assert_eq!(serde_json::to_value(&reason)?, json!("StopByRoomDismissed"));
    // Matching is exact: a different case is not the documented value.
    let reason: StopReason = serde_json::from_value(json!("StopByApi"))?;
    assert_eq!(reason, StopReason::Unknown("StopByApi".to_owned()));
    assert_eq!(serde_json::to_value(&reason)?, json!("StopByApi"));
    Ok(())
}

// ---------------------------------------------------------------------------------------
// StreamType
// ---------------------------------------------------------------------------------------

#[test]
fn stream_types_have_the_documented_values() -> Result<(), serde_json::Error> {
    assert_eq!(StreamType::KNOWN, &[StreamType::Normal, StreamType::Screen]);
    assert_eq!(StreamType::Normal.raw(), 0);
    assert_eq!(StreamType::Screen.raw(), 1);
    assert_eq!(StreamType::Normal.to_string(), "normal audio/video stream");
    assert_eq!(StreamType::Screen.to_string(), "screen-sharing stream");
    assert_eq!(StreamType::Screen.meaning_zh(), Some("屏幕流"));
    let unknown: StreamType = serde_json::from_value(json!(2))?;
    assert_eq!(unknown, StreamType::Unknown(2));
    assert_eq!(serde_json::to_value(unknown)?, json!(2));
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Error codes
// ---------------------------------------------------------------------------------------

#[test]
fn error_code_info_finds_documented_codes() {
    // (code, CodeN, HTTP status, kind, retryable), facts §3.3.
    type Row = (&'static str, Option<i64>, Option<u16>, ErrorKind, bool);
    let documented: &[Row] = &[
        (
            "MissingParameter",
            Some(100002),
            Some(400),
            ErrorKind::InvalidRequest,
            false,
        ),
        (
            "MissingAuthenticationToken",
            Some(100003),
            Some(401),
            ErrorKind::Unauthenticated,
            false,
        ),
        (
            "MissingRequestInfo",
            Some(100004),
            Some(400),
            ErrorKind::InvalidRequest,
            false,
        ),
        (
            "MissingSignature",
            Some(100005),
            Some(401),
            ErrorKind::Unauthenticated,
            false,
        ),
        (
            "InvalidTimestamp",
            Some(100006),
            Some(400),
            ErrorKind::Unauthenticated,
            false,
        ),
        (
            "ServiceNotFound",
            Some(100007),
            Some(404),
            ErrorKind::InvalidRequest,
            false,
        ),
        (
            "InvalidActionOrVersion",
            Some(100008),
            Some(404),
            ErrorKind::InvalidRequest,
            false,
        ),
        (
            "InvalidAccessKey",
            Some(100009),
            Some(401),
            ErrorKind::Unauthenticated,
            false,
        ),
        (
            "SignatureDoesNotMatch",
            Some(100010),
            Some(401),
            ErrorKind::Unauthenticated,
            false,
        ),
        (
            "LackPolicy",
            Some(100012),
            Some(403),
            ErrorKind::PermissionDenied,
            false,
        ),
        (
            "AccessDenied",
            Some(100013),
            Some(403),
            ErrorKind::PermissionDenied,
            false,
        ),
        (
            "InternalError",
            Some(100014),
            Some(500),
            ErrorKind::Server,
            true,
        ),
        (
            "FailToConnect",
            Some(100015),
            Some(502),
            ErrorKind::Server,
            true,
        ),
        (
            "InternalServiceTimeout",
            Some(100016),
            Some(504),
            ErrorKind::Server,
            true,
        ),
        (
            "FlowLimitExceeded",
            None,
            Some(429),
            ErrorKind::RateLimited,
            true,
        ),
        (
            "ServiceUnavailableTemp",
            None,
            Some(503),
            ErrorKind::Server,
            true,
        ),
        (
            "InvalidParameter",
            None,
            None,
            ErrorKind::InvalidRequest,
            false,
        ),
        (
            "InvalidParameter.AccountIdMismatch",
            None,
            None,
            ErrorKind::PermissionDenied,
            false,
        ),
        (
            "InvalidParameter.ErrorActiveTaskNotFound",
            None,
            None,
            ErrorKind::NotFound,
            false,
        ),
        (
            "InvalidParameter.OutofTimeRange",
            None,
            None,
            ErrorKind::InvalidRequest,
            false,
        ),
        (
            "InvalidParameter.StartTimeAfterEndTime",
            None,
            None,
            ErrorKind::InvalidRequest,
            false,
        ),
        (
            "InvalidParameter.IllegalRoomID",
            None,
            None,
            ErrorKind::InvalidRequest,
            false,
        ),
        (
            "InvalidParameter.NotExistAppId",
            None,
            None,
            ErrorKind::InvalidRequest,
            false,
        ),
        (
            "InvalidParameter.IllegalAppId",
            None,
            None,
            ErrorKind::InvalidRequest,
            false,
        ),
        (
            "InvalidParameter.Unmarshal",
            None,
            None,
            ErrorKind::InvalidRequest,
            false,
        ),
        (
            "InvalidParameter.BodyIsEmpty",
            None,
            None,
            ErrorKind::InvalidRequest,
            false,
        ),
        (
            "InvalidParameter.TaskAlreadyExists",
            None,
            None,
            ErrorKind::InvalidRequest,
            false,
        ),
        (
            "FlowLimitExceeded.QPSOverLimit",
            None,
            None,
            ErrorKind::RateLimited,
            true,
        ),
        (
            "FlowLimitExceeded.TaskNumberOverLimit",
            None,
            None,
            ErrorKind::RateLimited,
            true,
        ),
        (
            "AccessDenied.RecordNotEnabled",
            None,
            None,
            ErrorKind::PermissionDenied,
            false,
        ),
        (
            "AccessDenied.NoPermissionForApp",
            None,
            None,
            ErrorKind::PermissionDenied,
            false,
        ),
        (
            "AccessDenied.ServiceNotEnabled",
            None,
            None,
            ErrorKind::PermissionDenied,
            false,
        ),
    ];
    assert_eq!(ERROR_CODES.len(), documented.len());
    for &(code, numeric, http_status, kind, retryable) in documented {
        let info = error_code_info(code);
        assert_eq!(
            info.map(|i| (i.code, i.numeric, i.http_status, i.kind, i.retryable)),
            Some((code, numeric, http_status, kind, retryable)),
            "{code}"
        );
        assert!(info.is_some_and(|i| !i.meaning.is_empty()), "{code}");
    }
    assert!(error_code_info("signaturedoesnotmatch").is_none());
    assert!(error_code_info("InternalError.QueryTaskFailed").is_none());
}

#[test]
fn classify_error_code_falls_back_to_the_family() {
    let family = |code: &str| classify_error_code(code).map(|i| i.code);
    // Exact codes win over their family.
    assert_eq!(
        family("InvalidParameter.ErrorActiveTaskNotFound"),
        Some("InvalidParameter.ErrorActiveTaskNotFound")
    );
    assert_eq!(
        family("FlowLimitExceeded.QPSOverLimit"),
        Some("FlowLimitExceeded.QPSOverLimit")
    );
    assert_eq!(
        family("SignatureDoesNotMatch"),
        Some("SignatureDoesNotMatch")
    );
    // Undocumented members of a family.
    assert_eq!(
        family("InternalError.QueryTaskFailed"),
        Some("InternalError")
    );
    assert_eq!(family("AccessDenied.SomethingNew"), Some("AccessDenied"));
    assert_eq!(
        family("InvalidParameter.SomethingNew"),
        Some("InvalidParameter")
    );
    assert_eq!(
        family("FlowLimitExceeded.SomethingNew"),
        Some("FlowLimitExceeded")
    );
    // Only the part before the first dot names the family.
    assert_eq!(family("InternalError.A.B"), Some("InternalError"));
    // Nothing documented.
    assert_eq!(family("NoSuchCode"), None);
    assert_eq!(family("NoSuchFamily.Code"), None);
    assert_eq!(family(""), None);
    assert_eq!(family("."), None);
    assert_eq!(
        classify_error_code("InternalError.QueryTaskFailed").map(|i| (i.kind, i.retryable)),
        Some((ErrorKind::Server, true))
    );
}

// ---------------------------------------------------------------------------------------
// Hand-written accessors
// ---------------------------------------------------------------------------------------

fn task(value: Value) -> Result<RecordTask, serde_json::Error> {
    serde_json::from_value(value)
}

#[test]
fn ended_at_hides_zero_and_absent_end_times() -> Result<(), serde_json::Error> {
    let running = task(json!({"Status": 2, "EndTime": 0}))?;
    assert_eq!(running.end_time, Some(UnixMillis(0)));
    assert_eq!(running.ended_at(), None);
    let ended = task(json!({"Status": 3, "EndTime": 1624874235000_i64}))?;
    assert_eq!(ended.ended_at(), Some(UnixMillis(1_624_874_235_000)));
    let absent = task(json!({"Status": 3}))?;
    assert_eq!(absent.ended_at(), None);
    Ok(())
}

#[test]
fn recording_state_refines_ended_with_start_task_failed() -> Result<(), serde_json::Error> {
    let cases = [
        (
            json!({"Status": 3, "StopReason": "StartTaskFailed"}),
            RecordingState::Failed,
        ),
        (
            json!({"Status": 3, "StopReason": "StopByAPI"}),
            RecordingState::Completed,
        ),
        (
            json!({"Status": 3, "StopReason": "IdleTimeOut"}),
            RecordingState::Completed,
        ),
        (json!({"Status": 3}), RecordingState::Completed),
        (
            json!({"Status": 2, "StopReason": ""}),
            RecordingState::Recording,
        ),
        (json!({"Status": 1}), RecordingState::Starting),
        (
            json!({"Status": 4, "StopReason": "StartTaskFailed"}),
            RecordingState::Failed,
        ),
        (json!({"Status": 0}), RecordingState::Failed),
        (json!({"Status": 9}), RecordingState::Unknown),
        (json!({"StopReason": "StopByAPI"}), RecordingState::Unknown),
    ];
    for (value, expected) in cases {
        assert_eq!(task(value.clone())?.recording_state(), expected, "{value}");
    }
    Ok(())
}

fn response(value: Value) -> Result<GetRecordTaskResponse, serde_json::Error> {
    serde_json::from_value(value)
}

fn metadata(error: Option<Value>) -> Value {
    let mut meta = json!({
        "RequestId": "req-1",
        "Action": "GetRecordTask",
        "Version": "2023-11-01",
        "Service": "rtc",
        "Region": "cn-north-1"
    });
    if let (Some(error), Some(map)) = (error, meta.as_object_mut()) {
        map.insert("Error".to_owned(), error);
    }
    meta
}

#[test]
fn success_has_no_error() -> Result<(), serde_json::Error> {
    let ok = response(json!({
        "ResponseMetadata": metadata(None),
        "Result": {"RecordTask": {"Status": 2}}
    }))?;
    assert!(ok.error().is_none());
    assert!(ok.to_error(Some(200)).is_none());
    assert_eq!(
        ok.record_task().and_then(|t| t.status),
        Some(TaskStatus::Running)
    );
    Ok(())
}

#[test]
fn error_in_http_200_is_a_failure() -> Result<(), serde_json::Error> {
    let r = response(json!({
        "ResponseMetadata": metadata(Some(json!({
            "Code": "InvalidParameter.AccountIdMismatch",
            "Message": "Check owner failed"
        }))),
        "Result": {}
    }))?;
    assert!(r.record_task().is_none());
    let e = r.to_error(Some(200));
    assert_eq!(
        e.as_ref()
            .map(|e| (e.kind(), e.is_retryable(), e.http_status(), e.vendor_code())),
        Some((
            ErrorKind::PermissionDenied,
            false,
            Some(200),
            Some("InvalidParameter.AccountIdMismatch")
        ))
    );
    assert_eq!(
        e.as_ref().and_then(|e| e.vendor_message()),
        Some("Check owner failed")
    );
    assert_eq!(e.as_ref().and_then(|e| e.request_id()), Some("req-1"));
    assert_eq!(e.as_ref().and_then(|e| e.action()), Some("GetRecordTask"));
    assert_eq!(
        e.as_ref().and_then(|e| e.vendor()),
        Some(record_core::Vendor::Volcengine)
    );
    Ok(())
}

#[test]
fn gateway_errors_carry_their_documented_kind() -> Result<(), serde_json::Error> {
    let r = response(json!({
        "ResponseMetadata": metadata(Some(json!({
            "Code": "SignatureDoesNotMatch", "CodeN": 100010, "Message": "bad signature"
        })))
    }))?;
    assert_eq!(r.error().and_then(|e| e.code_n), Some(100010));
    assert_eq!(
        r.error().and_then(|e| e.code_info()).map(|i| i.numeric),
        Some(Some(100010))
    );
    let e = r.to_error(Some(401));
    assert_eq!(
        e.map(|e| (e.kind(), e.is_retryable())),
        Some((ErrorKind::Unauthenticated, false))
    );

    let r = response(json!({
        "ResponseMetadata": metadata(Some(json!({"Code": "FlowLimitExceeded", "Message": "x"})))
    }))?;
    let e = r.to_error(Some(429));
    assert_eq!(
        e.map(|e| (e.kind(), e.is_retryable())),
        Some((ErrorKind::RateLimited, true))
    );
    Ok(())
}

#[test]
fn family_and_undocumented_codes_are_classified() -> Result<(), serde_json::Error> {
    let with_code = |code: &str| {
        response(json!({
            "ResponseMetadata": metadata(Some(json!({"Code": code, "Message": "m"})))
        }))
    };
    let kind = |r: &GetRecordTaskResponse, status| {
        r.to_error(status).map(|e| (e.kind(), e.is_retryable()))
    };
    // A family member: the family decides, whatever the HTTP status says.
    let r = with_code("InternalError.QueryTaskFailed")?;
    assert_eq!(kind(&r, Some(200)), Some((ErrorKind::Server, true)));
    // Undocumented codes follow the HTTP status.
    let r = with_code("SomethingNew")?;
    assert_eq!(
        kind(&r, Some(401)),
        Some((ErrorKind::Unauthenticated, false))
    );
    assert_eq!(
        kind(&r, Some(403)),
        Some((ErrorKind::PermissionDenied, false))
    );
    assert_eq!(kind(&r, Some(429)), Some((ErrorKind::RateLimited, true)));
    assert_eq!(kind(&r, Some(503)), Some((ErrorKind::Server, true)));
    assert_eq!(kind(&r, Some(200)), Some((ErrorKind::Vendor, false)));
    assert_eq!(kind(&r, None), Some((ErrorKind::Vendor, false)));
    assert_eq!(r.to_error(None).and_then(|e| e.http_status()), None);
    Ok(())
}

#[test]
fn stream_user_id_is_required() {
    // The one required field of the result (facts §3.4): a stream without UserId does not decode.
    let r = response(json!({
        "ResponseMetadata": metadata(None),
        "Result": {"RecordTask": {"RecordFileList": [{"StreamList": [{"Index": 0}]}]}}
    }));
    assert!(r.is_err_and(|e| e.to_string().contains("UserId")));
}
