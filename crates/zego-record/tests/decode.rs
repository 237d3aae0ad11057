//! Response decoding beyond the fixtures: the TaskList/TaskidList alias, required and
//! optional envelope fields, and bodies that must fail cleanly (never panic).

use serde_json::json;
use zego_record::{DescribeRecordStatusResponse, DescribeTasksResponse, TaskStatus};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn task(id: &str) -> serde_json::Value {
    json!({"RecordBeginTimestamp": 1628565227899_i64, "TaskId": id, "RoomId": "1000", "Status": 2})
}

#[test]
fn task_list_is_read_under_both_keys_and_written_as_task_list() -> TestResult {
    for key in ["TaskList", "TaskidList"] {
        let body = json!({"Code": 0, "Data": {"TotalCount": 1, key: [task("YRHu6-E4IyvEAAAD")]}});
        let response: DescribeTasksResponse = serde_json::from_value(body)?;
        let page = response.data.ok_or("no Data")?;
        let list = page.task_list.clone().ok_or("no task list")?;
        assert_eq!(list.len(), 1, "{key}");
        assert_eq!(list[0].task_id.as_deref(), Some("YRHu6-E4IyvEAAAD"));
        assert_eq!(list[0].status, Some(TaskStatus::Recording));
        let written = serde_json::to_value(&page)?;
        assert!(written.get("TaskList").is_some(), "{key}: {written}");
        assert!(written.get("TaskidList").is_none(), "{key}: {written}");
    }
    Ok(())
}

#[test]
fn both_list_keys_at_once_is_a_decode_error() {
    // Undocumented and ambiguous: refuse rather than pick one list silently.
    let body = json!({"Code": 0, "Data": {
        "TaskList": [task("YRHu6-E4IyvEAAAD")],
        "TaskidList": [task("YRHu6uE4IyvEAAAC")]
    }});
    let err = serde_json::from_value::<DescribeTasksResponse>(body).err();
    assert!(err.is_some_and(|e| e.to_string().contains("duplicate field")));
}

#[test]
fn code_is_required_everything_else_is_optional() -> TestResult {
    let minimal: DescribeRecordStatusResponse = serde_json::from_value(json!({"Code": 300001000}))?;
    assert_eq!(minimal.code, 300001000);
    assert_eq!(
        (minimal.message, minimal.request_id, minimal.data),
        (None, None, None)
    );
    assert!(
        serde_json::from_value::<DescribeRecordStatusResponse>(json!({"Message": "succeed"}))
            .is_err()
    );
    assert!(
        serde_json::from_value::<DescribeTasksResponse>(json!({"RequestId": "abcd123"})).is_err()
    );
    let empty_data: DescribeRecordStatusResponse =
        serde_json::from_value(json!({"Code": 0, "Data": {}}))?;
    let data = empty_data.data.ok_or("no Data")?;
    assert_eq!((data.status, data.record_files), (None, None));
    Ok(())
}

#[test]
fn wrongly_typed_or_broken_bodies_fail_without_panicking() {
    let bodies: [&[u8]; 10] = [
        b"",
        b"null",
        b"[]",
        b"{\"Code\": \"0\"}",
        b"{\"Code\": 0, \"Data\": [1]}",
        b"{\"Code\": 0, \"Data\": {\"RecordFiles\": {}}}",
        b"{\"Code\": 0, \"Data\": {\"RecordFiles\": [{\"FileSize\": -1}]}}",
        b"{\"Code\": 0, \"Data\": {\"RecordFiles\": [{\"ResolutionWidth\": 4294967296}]}}",
        b"{\"Code\": 0, \"Data\": {\"Status\": \"recording\"}}",
        b"\xff\xfe{\"Code\":0}",
    ];
    for body in bodies {
        assert!(
            serde_json::from_slice::<DescribeRecordStatusResponse>(body).is_err(),
            "{}",
            String::from_utf8_lossy(body)
        );
        assert!(zego_record::decode_fixture("describe_record_status", body).is_err());
    }
    assert!(
        serde_json::from_slice::<DescribeTasksResponse>(
            b"{\"Code\": 0, \"Data\": {\"TaskList\": 3}}"
        )
        .is_err()
    );
    assert!(
        serde_json::from_slice::<DescribeTasksResponse>(
            b"{\"Code\": 0, \"Data\": {\"PageSize\": -1}}"
        )
        .is_err()
    );
}

#[test]
fn decode_fixture_refuses_unknown_folders() {
    assert!(zego_record::decode_fixture("errors", b"{\"Code\": 0}").is_err());
    assert!(zego_record::decode_fixture("describe_tasks", b"{\"Code\": 0}").is_ok());
}
