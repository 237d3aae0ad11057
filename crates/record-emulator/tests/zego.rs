//! ZEGO against the emulator: the real `zego-record` client with its normal signing, the
//! lifecycle scripted through the admin API, every answer's round trip, the auth failures
//! and the documented limits.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use futures::future::join_all;
use record_emulator::{RecordingSpec, Vendor};
use record_facade::StopOutcome;
use record_facade::zego::{
    self, DescribeRecordStatusRequest, DescribeRecordStatusResponse, DescribeTasksRequest,
    DescribeTasksResponse, FileStatus, TaskStatus,
};
use record_facade::{Clock as _, DurationMillis, ErrorKind, UnixMillis, UnixSeconds};

const TASK: &str = "X3CgNeE4I1qAAABN";

fn status_request(task: &str) -> DescribeRecordStatusRequest {
    DescribeRecordStatusRequest::builder()
        .task_id(task)
        .build()
        .unwrap()
}

fn tasks_request(clock: &record_facade::FixedClock, status: TaskStatus) -> DescribeTasksRequest {
    let now = clock.now();
    DescribeTasksRequest::builder()
        .status(status)
        .start_time(now.saturating_sub(DurationMillis::DAY))
        .end_time(now)
        .build_with_clock(clock)
        .unwrap()
}

/// Calls DescribeRecordStatus with the client, and again raw to check the body's round trip.
async fn describe(
    client: &zego::Client,
    task: &str,
) -> (DescribeRecordStatusResponse, DescribeRecordStatusResponse) {
    let request = status_request(task);
    let typed = client.describe_record_status(&request).await.unwrap();
    let raw = send_prepared(
        &client.prepare_describe_record_status(&request).unwrap(),
        &[],
    )
    .await;
    assert_eq!(raw.status, 200);
    (typed, assert_roundtrip(&raw.body))
}

fn file_statuses(r: &DescribeRecordStatusResponse) -> Vec<FileStatus> {
    r.data
        .as_ref()
        .and_then(|d| d.record_files.as_ref())
        .map(|f| f.iter().filter_map(|f| f.status).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_client_follows_a_recording_scripted_through_the_admin_api() {
    let clock = clock();
    let emu = start(&clock).await;
    let client = zego_client(&emu, &clock).build().unwrap();

    // Create through the HTTP admin API.
    let created = send(
        "POST",
        &format!("{}/_emulator/recordings", emu.base_url(Vendor::Zego)),
        &[],
        Some(
            serde_json::json!({"id": TASK, "room": "room-1", "mode": "single", "users": ["alice", "bob"]})
                .to_string()
                .into_bytes(),
        ),
    )
    .await;
    assert_eq!(
        created.status,
        201,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    assert_eq!(created.json()["state"], "starting");

    let (typed, raw) = describe(&client, TASK).await;
    let data = typed.data.clone().unwrap();
    assert_eq!(typed.code, 0);
    assert_eq!(data.status, Some(TaskStatus::Initializing));
    assert_eq!(data.room_id.as_deref(), Some("room-1"));
    assert_eq!(data.record_files, None);
    assert_eq!(raw.data.unwrap().status, Some(TaskStatus::Initializing));

    advance(&clock, 2.5);
    let (typed, _) = describe(&client, TASK).await;
    let data = typed.data.clone().unwrap();
    assert_eq!(data.status, Some(TaskStatus::Recording));
    assert_eq!(data.record_end_timestamp, Some(UnixMillis(0)));
    assert_eq!(file_statuses(&typed), [FileStatus::Recording; 2]);
    let files = data.record_files.unwrap();
    assert_eq!(files[0].user_id.as_deref(), Some("alice"));
    assert_eq!(files[0].duration, Some(DurationMillis(500)));
    assert!(
        files[0]
            .file_id
            .as_deref()
            .unwrap()
            .starts_with("X3CgNeE4I1qAAABN_room-1_alice_stream_alice_VA_2024061907")
    );

    let page = client
        .describe_tasks(&tasks_request(&clock, TaskStatus::Recording))
        .await
        .unwrap();
    let list = page.data.unwrap().task_list.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].task_id.as_deref(), Some(TASK));

    // Stop through the HTTP admin API.
    let stopped = send(
        "POST",
        &format!(
            "{}/_emulator/recordings/{TASK}/stop",
            emu.base_url(Vendor::Zego)
        ),
        &[],
        None,
    )
    .await;
    assert_eq!(stopped.status, 200);
    assert_eq!(stopped.json()["state"], "stopping");

    advance(&clock, 1.0);
    let (typed, _) = describe(&client, TASK).await;
    assert_eq!(typed.data.as_ref().unwrap().status, Some(TaskStatus::Ended));
    assert_eq!(file_statuses(&typed), [FileStatus::Recording; 2]);
    advance(&clock, 2.0);
    let (typed, _) = describe(&client, TASK).await;
    assert_eq!(file_statuses(&typed), [FileStatus::Uploading; 2]);
    advance(&clock, 6.0);
    let (typed, _) = describe(&client, TASK).await;
    let data = typed.data.clone().unwrap();
    assert_eq!(data.status, Some(TaskStatus::Ended));
    assert_eq!(file_statuses(&typed), [FileStatus::Uploaded; 2]);
    assert_eq!(
        data.record_end_timestamp,
        Some(UnixMillis(common::T0.0 + 2_500))
    );
    assert!(
        data.record_files.unwrap()[1]
            .file_url
            .as_deref()
            .unwrap()
            .ends_with(".mp4")
    );

    let page = client
        .describe_tasks(&tasks_request(&clock, TaskStatus::Ended))
        .await
        .unwrap();
    assert_eq!(page.data.unwrap().total_count, Some(1));
    let listed = emu.list(Vendor::Zego);
    assert_eq!(listed[0].state, record_emulator::RecordingState::Completed);
}

#[tokio::test]
async fn describe_tasks_pages_and_round_trips() {
    let clock = clock();
    let emu = start(&clock).await;
    for i in 0..3 {
        emu.create_recording(
            RecordingSpec::new(Vendor::Zego)
                .id(format!("TASK{i:012}"))
                .start_offset_secs(-60.0 + f64::from(i)),
        )
        .unwrap();
    }
    let client = zego_client(&emu, &clock).build().unwrap();
    let now = clock.now();
    let request = |page: u32| {
        DescribeTasksRequest::builder()
            .status(TaskStatus::Recording)
            .start_time(now.saturating_sub(DurationMillis::HOUR))
            .end_time(now)
            .page_size(2)
            .page_offset(page)
            .build_with_clock(&*clock)
            .unwrap()
    };
    let first = client
        .describe_tasks(&request(1))
        .await
        .unwrap()
        .data
        .unwrap();
    assert_eq!(first.total_count, Some(3));
    let ids: Vec<_> = first
        .task_list
        .unwrap()
        .into_iter()
        .filter_map(|t| t.task_id)
        .collect();
    assert_eq!(ids, ["TASK000000000002", "TASK000000000001"]);
    let raw = send_prepared(&client.prepare_describe_tasks(&request(2)).unwrap(), &[]).await;
    let second: DescribeTasksResponse = assert_roundtrip(&raw.body);
    let list = second.data.unwrap().task_list.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].task_id.as_deref(), Some("TASK000000000000"));
}

#[tokio::test]
async fn auth_failures_are_zego_codes_the_client_maps() {
    let clock = clock();
    let emu = start(&clock).await;
    emu.create_recording(RecordingSpec::new(Vendor::Zego).id(TASK))
        .unwrap();
    let request = status_request(TASK);

    // A wrong ServerSecret: 100000005.
    let wrong = zego::Client::builder(
        zego::Credentials::new(emu.zego_credentials().app_id(), "wrong-secret").unwrap(),
    )
    .base_url(emu.base_url(Vendor::Zego))
    .clock(clock.clone())
    .disable_retries()
    .build()
    .unwrap();
    let e = wrong.describe_record_status(&request).await.unwrap_err();
    assert_eq!(
        (e.kind(), e.vendor_code()),
        (ErrorKind::Unauthenticated, Some("100000005"))
    );
    let raw = send_prepared(
        &wrong.prepare_describe_record_status(&request).unwrap(),
        &[],
    )
    .await;
    let body: DescribeRecordStatusResponse = assert_roundtrip(&raw.body);
    assert_eq!((body.code, body.data), (100_000_005, None));

    // An unknown AppId: 100000010.
    let other_app = zego::Client::builder(zego::Credentials::new(42, "s").unwrap())
        .base_url(emu.base_url(Vendor::Zego))
        .clock(clock.clone())
        .disable_retries()
        .build()
        .unwrap();
    let e = other_app
        .describe_record_status(&request)
        .await
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.vendor_code()),
        (ErrorKind::Unauthenticated, Some("100000010"))
    );

    // A stale Timestamp (11 minutes behind): 100000004; 9 minutes is still fine.
    for (minutes, ok) in [(11, false), (9, true)] {
        let stale = std::sync::Arc::new(record_facade::FixedClock::new(
            clock.now().saturating_sub(DurationMillis(minutes * 60_000)),
        ));
        let client = zego_client(&emu, &clock)
            .clock(stale)
            .disable_retries()
            .build()
            .unwrap();
        let result = client.describe_record_status(&request).await;
        if ok {
            assert!(result.is_ok(), "{result:?}");
        } else {
            let e = result.unwrap_err();
            assert_eq!(
                (e.kind(), e.vendor_code()),
                (ErrorKind::Unauthenticated, Some("100000004"))
            );
        }
    }

    // A replayed nonce: the second request with the same nonce is refused.
    let fixed_nonce = zego_client(&emu, &clock)
        .nonce_source(|| "0123456789abcdef".to_owned())
        .disable_retries()
        .build()
        .unwrap();
    fixed_nonce.describe_record_status(&request).await.unwrap();
    let e = fixed_nonce
        .describe_record_status(&request)
        .await
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.vendor_code()),
        (ErrorKind::Unauthenticated, Some("100000004"))
    );
    assert!(e.vendor_message().unwrap().contains("SignatureNonce"));

    // Raw requests: missing or malformed common parameters.
    let now = clock.now().to_seconds();
    let url = zego_url(&emu, "DescribeRecordStatus", "feedfacecafebeef", now);
    let body = Some(br#"{"TaskId":"X3CgNeE4I1qAAABN"}"#.to_vec());
    let cases = [
        (url.replace("&Signature=", "&Sig="), 100_000_009),
        (
            url.replace("SignatureVersion=2.0", "SignatureVersion=1.0"),
            100_000_014,
        ),
        (url.replace("&SignatureVersion=2.0", ""), 100_000_013),
        (url.replace("Timestamp=", "Timestamp=x"), 100_000_003),
        (url.replace("AppId=", "AppId=x"), 100_000_001),
        (
            url.replace("Action=DescribeRecordStatus", "Action=NoSuchAction"),
            100_000_007,
        ),
    ];
    for (url, code) in cases {
        let raw = send("POST", &url, &[], body.clone()).await;
        let parsed: DescribeRecordStatusResponse = assert_roundtrip(&raw.body);
        assert_eq!(parsed.code, code, "{url}");
        let info = zego::error_code_info(&code.to_string()).unwrap();
        assert!(
            matches!(
                info.kind,
                ErrorKind::Unauthenticated | ErrorKind::InvalidRequest
            ),
            "{code}"
        );
    }
}

#[tokio::test]
async fn the_rate_limit_is_ten_per_second_per_action() {
    let clock = clock();
    let emu = builder(&clock).start().await.unwrap();
    emu.create_recording(RecordingSpec::new(Vendor::Zego).id(TASK))
        .unwrap();
    let client = zego_client(&emu, &clock)
        .rate_limit(None)
        .disable_retries()
        .build()
        .unwrap();
    let request = status_request(TASK);
    let results = join_all((0..15).map(|_| client.describe_record_status(&request))).await;
    let limited: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(limited.len(), 5, "{results:?}");
    for e in &limited {
        assert_eq!(e.kind(), ErrorKind::RateLimited);
        assert_eq!(e.vendor_code(), Some("300000003"));
        assert!(e.is_retryable());
    }
    // Counted per action: DescribeTasks still has its own 10.
    client
        .describe_tasks(&tasks_request(&clock, TaskStatus::Recording))
        .await
        .unwrap();
    let raw = zego_post(
        &emu,
        &clock,
        "DescribeRecordStatus",
        r#"{"TaskId":"X3CgNeE4I1qAAABN"}"#,
    )
    .await;
    let body: DescribeRecordStatusResponse = assert_roundtrip(&raw.body);
    assert_eq!(body.code, 300_000_003);
}

#[tokio::test]
async fn windows_page_sizes_and_task_ids_are_checked() {
    let clock = clock();
    let emu = start(&clock).await;
    emu.create_recording(RecordingSpec::new(Vendor::Zego).id(TASK))
        .unwrap();
    // Created four days ago: outside DescribeRecordStatus's 3 days.
    emu.create_recording(
        RecordingSpec::new(Vendor::Zego)
            .id("OLDTASK000000001")
            .start_offset_secs(-4.0 * 86_400.0)
            .duration_secs(60.0),
    )
    .unwrap();
    let client = zego_client(&emu, &clock).disable_retries().build().unwrap();
    let e = client
        .describe_record_status(&status_request("OLDTASK000000001"))
        .await
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.vendor_code()),
        (ErrorKind::NotFound, Some("300001000"))
    );
    let e = client
        .describe_record_status(&status_request("NOSUCHTASK000001"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);

    let now = clock.now().as_millis();
    let day = 86_400_000_i64;
    let tasks = |start: i64, end: i64, size: i64, status: i64| {
        format!(r#"{{"Status":{status},"StartTime":{start},"EndTime":{end},"PageSize":{size}}}"#)
    };
    let cases = [
        (
            tasks(now - 4 * day, now - 3 * day, 10, 2),
            "3 days before now",
        ),
        (tasks(now - day, now - day, 10, 2), "greater than StartTime"),
        (tasks(now - 2 * day, now + 2 * day, 10, 2), "exceed 3 days"),
        (tasks(now - day, now, 51, 2), "PageSize"),
        (tasks(now - day, now, 0, 2), "PageSize"),
        (tasks(now - day, now, 10, 1), "Status"),
        (r#"{"TaskId":"short"}"#.to_owned(), "16 bytes"),
        (r#"{"TaskId":"seventeen-bytes!!"}"#.to_owned(), "16 bytes"),
    ];
    for (i, (body, needle)) in cases.iter().enumerate() {
        let action = if body.contains("TaskId") {
            "DescribeRecordStatus"
        } else {
            "DescribeTasks"
        };
        let raw = zego_post(&emu, &clock, action, body).await;
        let parsed: DescribeTasksResponse = assert_roundtrip(&raw.body);
        assert_eq!(parsed.code, 300_000_004, "case {i}: {body}");
        assert!(
            parsed.message.as_deref().unwrap().contains(needle),
            "case {i}: {parsed:?}"
        );
        assert_eq!(
            zego::error_code_info("300000004").map(|i| i.kind),
            Some(ErrorKind::InvalidRequest)
        );
    }
    // At the edges: exactly 3 days back and PageSize 50 are accepted (the task is
    // recording once its 2 s of starting are over).
    advance(&clock, 3.0);
    let now = clock.now().as_millis();
    let raw = zego_post(
        &emu,
        &clock,
        "DescribeTasks",
        &tasks(now - 3 * day, now, 50, 2),
    )
    .await;
    let parsed: DescribeTasksResponse = assert_roundtrip(&raw.body);
    assert_eq!(parsed.code, 0);
    assert_eq!(parsed.data.unwrap().total_count, Some(1));
    // The signed Timestamp may be 10 minutes off but no more.
    let at = UnixSeconds(clock.now().to_seconds().0 + 600);
    let raw = send(
        "POST",
        &zego_url(&emu, "DescribeRecordStatus", "n1", at),
        &[],
        Some(br#"{"TaskId":"X3CgNeE4I1qAAABN"}"#.to_vec()),
    )
    .await;
    assert_eq!(raw.json()["Code"], 0);
    let at = UnixSeconds(clock.now().to_seconds().0 + 601);
    let raw = send(
        "POST",
        &zego_url(&emu, "DescribeRecordStatus", "n2", at),
        &[],
        Some(br#"{"TaskId":"X3CgNeE4I1qAAABN"}"#.to_vec()),
    )
    .await;
    assert_eq!(raw.json()["Code"], 100_000_004);
}

#[tokio::test]
async fn failures_and_backup_storage_have_their_file_statuses() {
    let clock = clock();
    let emu = start(&clock).await;
    let mk = |id: &str| RecordingSpec::new(Vendor::Zego).id(id).duration_secs(10.0);
    emu.create_recording(mk("UPLOADFAILED0001").outcome(record_emulator::Outcome::UploadFailed))
        .unwrap();
    emu.create_recording(mk("CRASHED000000001").outcome(record_emulator::Outcome::Crashed))
        .unwrap();
    emu.create_recording(mk("NEVERSTARTED0001").outcome(record_emulator::Outcome::FailedToStart))
        .unwrap();
    let mut backup = mk("BACKUPSTORAGE001");
    backup.backup_storage = true;
    emu.create_recording(backup).unwrap();
    advance(&clock, 30.0);
    let client = zego_client(&emu, &clock).build().unwrap();
    let (r, _) = describe(&client, "UPLOADFAILED0001").await;
    assert_eq!(r.data.as_ref().unwrap().status, Some(TaskStatus::Ended));
    assert_eq!(file_statuses(&r), [FileStatus::UploadFailed]);
    let (r, _) = describe(&client, "CRASHED000000001").await;
    assert_eq!(
        r.data.as_ref().unwrap().status,
        Some(TaskStatus::EndedAbnormally)
    );
    let (r, _) = describe(&client, "NEVERSTARTED0001").await;
    assert_eq!(
        r.data.as_ref().unwrap().status,
        Some(TaskStatus::EndedAbnormally)
    );
    assert_eq!(r.data.as_ref().unwrap().record_files, None);
    let (r, _) = describe(&client, "BACKUPSTORAGE001").await;
    assert_eq!(file_statuses(&r), [FileStatus::UploadedToBackup]);
    // Failing a recording through the admin API.
    emu.create_recording(RecordingSpec::new(Vendor::Zego).id("ADMINFAILED00001"))
        .unwrap();
    advance(&clock, 5.0);
    emu.fail(Vendor::Zego, "ADMINFAILED00001").unwrap();
    let (r, _) = describe(&client, "ADMINFAILED00001").await;
    assert_eq!(r.data.unwrap().status, Some(TaskStatus::EndedAbnormally));
    assert!(emu.stop(Vendor::Zego, "ADMINFAILED00001").is_err());
}

fn stop_request(task: &str) -> zego::StopRecordRequest {
    zego::StopRecordRequest::builder()
        .task_id(task)
        .build()
        .unwrap()
}

#[tokio::test]
async fn stop_record_ends_a_running_task_once() {
    let clock = clock();
    let emu = builder(&clock).start().await.unwrap();
    emu.create_recording(
        RecordingSpec::new(Vendor::Zego)
            .id(TASK)
            .duration_secs(600.0),
    )
    .unwrap();
    let client = zego_client(&emu, &clock).build().unwrap();
    advance(&clock, 2.5);
    let (typed, _) = describe(&client, TASK).await;
    assert_eq!(typed.data.unwrap().status, Some(TaskStatus::Recording));

    let answer = client.stop_record(&stop_request(TASK)).await.unwrap();
    assert_eq!(answer.outcome, StopOutcome::Stopped);
    assert_eq!(answer.response.code, 0);
    assert!(answer.response.request_id.is_some());
    // The recorder leaves the room, uploads, and the task ends well before its 600 s.
    advance(&clock, 30.0);
    let (typed, _) = describe(&client, TASK).await;
    assert_eq!(typed.data.unwrap().status, Some(TaskStatus::Ended));

    // A second stop: the task had already ended (300001001): an outcome, the code kept.
    let again = client.stop_record(&stop_request(TASK)).await.unwrap();
    assert_eq!(again.outcome, StopOutcome::AlreadyStopped);
    assert_eq!(again.response.code, 300_001_001);
    // An unknown task: 300001000, not found.
    let err = client
        .stop_record(&stop_request("AAAAAAAAAAAAAAAA"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.vendor_code(), Some("300001000"));
}

#[tokio::test]
async fn stop_record_has_its_own_fifty_per_second() {
    let clock = clock();
    let emu = builder(&clock).start().await.unwrap();
    let client = zego_client(&emu, &clock)
        .rate_limit(None)
        .disable_retries()
        .build()
        .unwrap();
    // 55 stops of unknown tasks at once: 50 get an answer (300001000), 5 are throttled.
    let request = stop_request("AAAAAAAAAAAAAAAA");
    let results = join_all((0..55).map(|_| client.stop_record(&request))).await;
    let limited = results
        .iter()
        .filter(|r| r.as_ref().err().and_then(|e| e.vendor_code()) == Some("300000003"))
        .count();
    assert_eq!(limited, 5, "{results:?}");
}

// ---------------------------------------------------------------------------------------
// The lifecycle through the real API (StartRecord .. StopRecord)

/// A mixed-stream StartRecord body (ZEGO's field names), its storage secret a test value.
fn start_body(room: &str) -> Vec<u8> {
    serde_json::json!({
        "RoomId": room,
        "RecordInputParams": {
            "RecordMode": 2,
            "StreamType": 3,
            "MaxIdleTime": 60,
            "MixConfig": {
                "MixMode": 2,
                "MixOutputStreamId": "mix-1",
                "MixOutputVideoConfig": {"Width": 1280, "Height": 720, "Fps": 15, "Bitrate": 1_200_000}
            }
        },
        "RecordOutputParams": {"OutputFileFormat": "mp4", "OutputFolder": "record/"},
        "StorageParams": {
            "Vendor": 2, "Region": "oss-cn-shanghai", "Bucket": "b",
            "AccessKeyId": "AKID", "AccessKeySecret": "STORAGE-SECRET-VALUE"
        }
    })
    .to_string()
    .into_bytes()
}

fn start_request(room: &str) -> zego::StartRecordRequest {
    zego::StartRecordRequest::from_json(&start_body(room), record_facade::UnknownFields::Refuse)
        .unwrap()
}

#[tokio::test]
async fn start_pause_resume_update_stop_through_the_api() {
    use record_facade::{RecordingControl as _, RecordingQuery as _, RecordingState, TaskRef};
    let clock = clock();
    let emu = start(&clock).await;
    let client = zego_client(&emu, &clock).build().unwrap();

    let started = client.start_record(&start_request("room-9")).await.unwrap();
    let task = started.task_ref().unwrap();
    let TaskRef::Zego { task_id } = &task else {
        panic!("not a ZEGO task: {task:?}");
    };
    assert_eq!(task_id.len(), 16);
    assert_eq!(emu.list(Vendor::Zego).len(), 1);
    advance(&clock, 3.0);
    assert_eq!(
        client.get(&task).await.unwrap().state,
        RecordingState::Recording
    );

    client.pause(&task).await.unwrap();
    let (typed, _) = describe(&client, task_id).await;
    assert_eq!(typed.data.unwrap().status, Some(TaskStatus::Paused));
    assert_eq!(
        client.get(&task).await.unwrap().state,
        RecordingState::Paused
    );
    // Resume twice: the second finds it running (300001004, not paused).
    client.resume(&task).await.unwrap();
    let err = client.resume(&task).await.unwrap_err();
    assert_eq!(err.vendor_code(), Some("300001004"));
    assert_eq!(
        client.get(&task).await.unwrap().state,
        RecordingState::Recording
    );

    let layout = serde_json::json!({"MixMode": 2});
    record_facade::RecordingControl::update_layout(&client, &task, &layout)
        .await
        .unwrap();
    let controls: Vec<String> = emu
        .recording(Vendor::Zego, task_id)
        .unwrap()
        .controls
        .iter()
        .map(|c| c.action.clone())
        .collect();
    assert_eq!(controls, ["PauseRecord", "ResumeRecord", "UpdateLayout"]);
    let update = &emu.recording(Vendor::Zego, task_id).unwrap().controls[2];
    assert_eq!(update.body["TaskId"], task_id.as_str());

    let stopped = client.stop(&task).await.unwrap();
    assert_eq!(stopped.outcome, StopOutcome::Stopped);
    let again = client.stop(&task).await.unwrap();
    assert_eq!(again.outcome, StopOutcome::AlreadyStopped);
    assert_eq!(again.vendor_code.as_deref(), Some("300001001"));
    advance(&clock, 30.0);
    assert_eq!(
        client.get(&task).await.unwrap().state,
        RecordingState::Completed
    );
}

#[tokio::test]
async fn a_body_the_model_refuses_is_refused_by_the_emulator_too() {
    let clock = clock();
    let emu = start(&clock).await;
    let mut body: serde_json::Value = serde_json::from_slice(&start_body("r")).unwrap();
    body["RecordInputParams"]["RecordModee"] = serde_json::json!(1);
    let raw = zego_post(&emu, &clock, "StartRecord", &body.to_string()).await;
    let answer: serde_json::Value = serde_json::from_slice(&raw.body).unwrap();
    assert_eq!(answer["Code"], 300_000_004, "{answer}");
    let message = answer["Message"].as_str().unwrap();
    assert!(
        message.contains("$.RecordInputParams.RecordModee"),
        "{message}"
    );
    assert!(!message.contains("STORAGE-SECRET-VALUE"), "{message}");
    assert!(emu.list(Vendor::Zego).is_empty(), "nothing started");
}

#[tokio::test]
async fn a_single_stream_task_cannot_be_paused() {
    let clock = clock();
    let emu = start(&clock).await;
    emu.create_recording(RecordingSpec::new(Vendor::Zego).id(TASK).mode("single"))
        .unwrap();
    advance(&clock, 3.0);
    let raw = zego_post(
        &emu,
        &clock,
        "PauseRecord",
        &format!(r#"{{"TaskId":"{TASK}"}}"#),
    )
    .await;
    let answer: serde_json::Value = serde_json::from_slice(&raw.body).unwrap();
    assert_eq!(answer["Code"], 300_000_004, "{answer}");
}

#[tokio::test]
async fn a_start_whose_answer_is_late_is_not_sent_twice() {
    use record_emulator::{Fault, FaultPlan};
    let emu = record_emulator::Emulator::builder()
        .rate_limits(false)
        .faults(
            Vendor::Zego,
            FaultPlan::sequence([Fault::Delay { ms: 1_500 }]),
        )
        .start()
        .await
        .unwrap();
    let client = zego::Client::builder(emu.zego_credentials())
        .base_url(emu.base_url(Vendor::Zego))
        .attempt_timeout(std::time::Duration::from_millis(300))
        .retry_policy(quick_retries(3))
        .build()
        .unwrap();
    let err = client
        .start_record(&start_request("room-late"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.is_outcome_unknown(), "{err}");
    assert_eq!(err.attempts(), 1, "StartRecord was not repeated");
    // The emulator did start it (the answer was only late): exactly one task.
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    assert_eq!(emu.list(Vendor::Zego).len(), 1);
    assert_eq!(
        emu.request_count(Vendor::Zego, "StartRecord"),
        1,
        "one request arrived"
    );
}
