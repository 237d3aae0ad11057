//! `recq zego start|stop|pause|resume|update-layout|update-whiteboard|snapshot` against the
//! record-emulator started in this process: the report's keys, the stop outcomes, bodies
//! refused before sending (exit 2 naming the JSON path), dry runs without the body's
//! secrets, and a start whose answer is late not being sent twice.
#![allow(clippy::unwrap_used)] // test code: a failure should panic

#[allow(dead_code)] // each test file uses part of the shared support
mod support;

use record_emulator::{Emulator, Fault, FaultPlan, Vendor};
use serde_json::{Value, json};
use support::Run;

const STORAGE_SECRET: &str = "STORAGE-SECRET-cli-4d2a";

fn start_body(room: &str) -> Value {
    json!({
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
            "AccessKeyId": "AKID", "AccessKeySecret": STORAGE_SECRET
        }
    })
}

/// Runs `recq <args> --endpoint <emulator> --output json` with the emulator's ZEGO
/// credentials; panics if any secret (the emulator's, the storage key) is printed.
async fn recq(emu: &Emulator, args: &[&str], stdin: Option<Vec<u8>>) -> Run {
    let mut all: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    all.extend(["--output", "json", "--endpoint"].map(str::to_owned));
    all.push(emu.base_url(Vendor::Zego));
    let env: Vec<(String, String)> = emu
        .credentials_env(Vendor::Zego)
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    let mut secrets: Vec<String> = env
        .iter()
        .filter(|(k, _)| k.contains("SECRET"))
        .map(|(_, v)| v.clone())
        .collect();
    secrets.push(STORAGE_SECRET.to_owned());
    let run = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = all.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        match stdin {
            Some(bytes) => support::run_with_stdin(&args, &env, bytes),
            None => support::run(&args, &env),
        }
    })
    .await
    .unwrap();
    for secret in &secrets {
        assert!(
            !run.stdout.contains(secret.as_str()) && !run.stderr.contains(secret.as_str()),
            "a secret was printed: {}{}",
            run.stdout,
            run.stderr
        );
    }
    run
}

fn report(run: &Run) -> Value {
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout.lines().count(),
        1,
        "one JSON object: {}",
        run.stdout
    );
    serde_json::from_str(&run.stdout).unwrap()
}

fn body_file(dir: &tempfile::TempDir, name: &str, body: &Value) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, body.to_string()).unwrap();
    path.display().to_string()
}

/// Where the top-level key `key` appears on the printed line.
fn out_position(line: &str, key: &str) -> usize {
    line.find(&format!("\"{key}\":")).unwrap_or(usize::MAX)
}

async fn emulator() -> Emulator {
    // 20 times faster than the clock: a started task records after ~150 ms.
    Emulator::builder()
        .scenario_toml("")
        .speed(20.0)
        .rate_limits(false)
        .start()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_whole_zego_lifecycle_from_the_command_line() {
    let emu = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let body = body_file(&dir, "start.json", &start_body("room-cli"));

    let started_run = recq(&emu, &["zego", "start", "--body", &body], None).await;
    let started = report(&started_run);
    let mut keys: Vec<&str> = started
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    // In this order on the line.
    keys.sort_by_key(|k| out_position(&started_run.stdout, k));
    assert_eq!(keys, ["vendor", "action", "task", "request_id", "raw"]);
    assert_eq!(started["vendor"], "zego");
    assert_eq!(started["action"], "StartRecord");
    let task_id = started["task"]["task_id"].as_str().unwrap().to_owned();
    assert_eq!(task_id.len(), 16);
    assert_eq!(started["raw"]["Code"], 0);
    assert_eq!(started["raw"]["Data"]["TaskId"], task_id.as_str());
    assert_eq!(started["request_id"], started["raw"]["RequestId"]);
    assert_eq!(emu.list(Vendor::Zego).len(), 1);
    // The recording must be running before it can be paused.
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;

    for (command, action) in [
        ("pause", "PauseRecord"),
        ("resume", "ResumeRecord"),
        ("snapshot", "TakeSnapshot"),
    ] {
        let r = report(&recq(&emu, &["zego", command, &task_id], None).await);
        assert_eq!(r["action"], action, "{command}");
        assert_eq!(r["task"], json!({"task_id": task_id}));
    }
    // The layout from standard input, without TaskId: the command line's is used.
    let layout = json!({"MixMode": 2}).to_string().into_bytes();
    let r = report(
        &recq(
            &emu,
            &["zego", "update-layout", &task_id, "--body", "-"],
            Some(layout),
        )
        .await,
    );
    assert_eq!(r["action"], "UpdateLayout");
    let r = report(
        &recq(
            &emu,
            &[
                "zego",
                "update-whiteboard",
                &task_id,
                "--whiteboard-id",
                "wb-7",
            ],
            None,
        )
        .await,
    );
    assert_eq!(r["action"], "UpdateWhiteboard");
    let received = emu.recording(Vendor::Zego, &task_id).unwrap().controls;
    let actions: Vec<&str> = received.iter().map(|c| c.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "PauseRecord",
            "ResumeRecord",
            "TakeSnapshot",
            "UpdateLayout",
            "UpdateWhiteboard"
        ]
    );
    assert_eq!(received[3].body, json!({"TaskId": task_id, "MixMode": 2}));
    assert_eq!(received[4].body["WhiteboardId"], "wb-7");

    let stopped = report(&recq(&emu, &["zego", "stop", &task_id], None).await);
    assert_eq!(stopped["action"], "StopRecord");
    assert_eq!(stopped["outcome"], "stopped");
    // A second stop finds it stopped: still exit 0, told apart, ZEGO's code kept in raw.
    let again = report(&recq(&emu, &["zego", "stop", &task_id], None).await);
    assert_eq!(again["outcome"], "already_stopped");
    assert_eq!(again["raw"]["Code"], 300_001_001);
    emu.shutdown().await;
}

#[tokio::test]
async fn a_body_the_model_refuses_exits_2_naming_the_path_and_sends_nothing() {
    let emu = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let mut typo = start_body("r");
    let input = typo["RecordInputParams"].take();
    typo.as_object_mut().unwrap().remove("RecordInputParams");
    typo["RecordInputParmas"] = input;
    let body = body_file(&dir, "typo.json", &typo);
    let r = recq(&emu, &["zego", "start", "--body", &body], None).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("$.RecordInputParmas"), "{}", r.stderr);
    assert!(
        r.stderr.contains("RecordInputParams"),
        "did you mean: {}",
        r.stderr
    );

    // A documented limit (Fps 1..=30) and a bad type: named by path.
    let mut fps = start_body("r");
    fps["RecordInputParams"]["MixConfig"]["MixOutputVideoConfig"]["Fps"] = json!(99);
    let body = body_file(&dir, "fps.json", &fps);
    let r = recq(&emu, &["zego", "start", "--body", &body], None).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("$.RecordInputParams.MixConfig.MixOutputVideoConfig.Fps"),
        "{}",
        r.stderr
    );
    let mut secret_type = start_body("r");
    secret_type["StorageParams"]["AccessKeySecret"] = json!(12_345_678_901u64);
    let body = body_file(&dir, "type.json", &secret_type);
    let r = recq(&emu, &["zego", "start", "--body", &body], None).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("$.StorageParams.AccessKeySecret"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("12345678901"),
        "the value is not quoted: {}",
        r.stderr
    );

    // Not JSON, a missing file, a TaskId that disagrees with the command line.
    let r = recq(
        &emu,
        &["zego", "start", "--body", "-"],
        Some(b"{oops".to_vec()),
    )
    .await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = recq(
        &emu,
        &["zego", "start", "--body", "/nonexistent/b.json"],
        None,
    )
    .await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("/nonexistent/b.json"), "{}", r.stderr);
    let other = json!({"TaskId": "AAAAAAAAAAAAAAAA", "MixMode": 2}).to_string();
    let r = recq(
        &emu,
        &["zego", "update-layout", "BBBBBBBBBBBBBBBB", "--body", "-"],
        Some(other.into_bytes()),
    )
    .await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("$.TaskId"), "{}", r.stderr);

    assert!(emu.requests(Vendor::Zego).is_empty(), "nothing was sent");
    emu.shutdown().await;
}

#[tokio::test]
async fn a_dry_run_shows_the_body_with_its_secrets_redacted_and_unknown_fields_kept_on_request() {
    let emu = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let mut body = start_body("r");
    body["RecordInputParams"]["FutureField"] = json!(true);
    let file = body_file(&dir, "start.json", &body);
    let r = recq(&emu, &["zego", "start", "--body", &file, "--dry-run"], None).await;
    assert_eq!(r.code, 2, "refused without the flag: {}", r.stderr);
    assert!(
        r.stderr.contains("$.RecordInputParams.FutureField"),
        "{}",
        r.stderr
    );

    let r = recq(
        &emu,
        &[
            "zego",
            "start",
            "--body",
            &file,
            "--dry-run",
            "--allow-unknown-fields",
        ],
        None,
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let prepared: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(prepared["method"], "POST");
    assert!(
        prepared["url"]
            .as_str()
            .unwrap()
            .contains("Action=StartRecord")
    );
    let sent: Value = serde_json::from_str(prepared["body"].as_str().unwrap()).unwrap();
    assert_eq!(sent["StorageParams"]["AccessKeySecret"], "[redacted]");
    assert_eq!(
        sent["RecordInputParams"]["FutureField"], true,
        "sent verbatim"
    );
    assert!(
        emu.requests(Vendor::Zego).is_empty(),
        "a dry run sends nothing"
    );
    emu.shutdown().await;
}

/// `--attempt-timeout` shorter than the emulator's late answer: the StartRecord call fails
/// with exit 6, says the task may have started, and is not sent again although retries are
/// allowed (ZEGO starts a new task per call); the emulator saw one StartRecord and started
/// one task.
#[tokio::test]
async fn a_start_whose_answer_is_late_is_not_sent_twice() {
    let emu = emulator().await;
    emu.set_faults(
        Vendor::Zego,
        FaultPlan::sequence([Fault::Delay { ms: 1_500 }]),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let body = body_file(&dir, "start.json", &start_body("late"));
    let r = recq(
        &emu,
        &[
            "zego",
            "start",
            "--body",
            &body,
            "--attempt-timeout",
            "300ms",
            "--timeout",
            "10s",
            "--retries",
            "3",
        ],
        None,
    )
    .await;
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert!(
        r.stderr.contains("may"),
        "says the outcome is unknown: {}",
        r.stderr
    );
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    assert_eq!(emu.request_count(Vendor::Zego, "StartRecord"), 1);
    assert_eq!(emu.list(Vendor::Zego).len(), 1);
    emu.shutdown().await;
}

/// The README's "report key" table lists exactly the keys a report can have, with the
/// types the reports above print (a stop report has every key).
#[tokio::test]
async fn the_report_keys_are_the_readme_s() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let documented: Vec<(String, String)> = readme
        .lines()
        .skip_while(|l| !l.starts_with("| report key |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            (cells[0].trim_matches('`').to_owned(), cells[1].to_owned())
        })
        .collect();
    assert_eq!(documented.len(), 6, "{documented:?}");
    let emu = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let body = body_file(&dir, "start.json", &start_body("keys"));
    let started = report(&recq(&emu, &["zego", "start", "--body", &body], None).await);
    let task_id = started["task"]["task_id"].as_str().unwrap().to_owned();
    let stop = report(&recq(&emu, &["zego", "stop", &task_id], None).await);
    let keys: Vec<&String> = stop.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), documented.len());
    for (key, types) in &documented {
        let v = &stop[key.as_str()];
        let t = match v {
            Value::Null => "null",
            Value::String(_) => "string",
            Value::Object(_) => "object",
            _ => "other",
        };
        assert!(
            types == "any" || types.split(" or ").any(|d| d == t),
            "{key}: {t} is not {types}"
        );
    }
    emu.shutdown().await;
}
