//! `recq` end to end: the real binary against wiremock on 127.0.0.1, for every command,
//! both output formats, `--dry-run`, `--watch`, every exit code, missing credentials and
//! config-file profiles.
#![allow(clippy::unwrap_used, clippy::type_complexity)] // test helpers: a failure should panic

#[allow(dead_code)] // each test file uses part of the shared support
mod support;

use std::path::{Path, PathBuf};
use support::{AGORA_SECRET, QING_SECRET, Run, VOLC_SECRET, ZEGO_SECRET};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn fixture(rel: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Runs recq with a clean environment: only the given variables, and a config directory
/// of its own so that no real config file is read. Every output is scanned for secrets
/// ([`support::run`]).
async fn recq(args: &[&str], env: &[(&str, &str)]) -> Run {
    let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        support::run(&args, &env)
    })
    .await
    .unwrap()
}

const ZEGO_ENV: &[(&str, &str)] = &[
    ("ZEGO_APP_ID", "1234567890"),
    ("ZEGO_SERVER_SECRET", ZEGO_SECRET),
];
const QING_ENV: &[(&str, &str)] = &[
    ("QINGCLOUD_ACCESS_KEY_ID", "QYACCESSKEYID"),
    ("QINGCLOUD_SECRET_ACCESS_KEY", QING_SECRET),
];
const VOLC_ENV: &[(&str, &str)] = &[
    ("VOLC_ACCESSKEY", "AKLTaccesskey"),
    ("VOLC_SECRETKEY", VOLC_SECRET),
];
const AGORA_ENV: &[(&str, &str)] = &[
    ("AGORA_CUSTOMER_ID", "customerid"),
    ("AGORA_CUSTOMER_SECRET", AGORA_SECRET),
];

fn json_lines(s: &str) -> Vec<serde_json::Value> {
    s.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

async fn serve(server: &MockServer, status: u16, body: String) {
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(status).set_body_string(body))
        .mount(server)
        .await;
}

#[tokio::test]
async fn zego_status_prints_the_neutral_json_object() {
    let s = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/"))
        .and(query_param("Action", "DescribeRecordStatus"))
        .and(query_param("SignatureVersion", "2.0"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(fixture("zego/describe_record_status/doc_example.json")),
        )
        .expect(1)
        .mount(&s)
        .await;
    let r = recq(
        &["zego", "status", "X3CgNeE4I1qAAABN", "--endpoint", &s.uri()],
        ZEGO_ENV,
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = json_lines(&r.stdout);
    assert_eq!(v.len(), 1);
    let o = &v[0];
    assert_eq!(o["vendor"], "zego");
    assert_eq!(o["task"]["task_id"], "X3CgNeE4I1qAAABN");
    assert_eq!(o["state"], "completed");
    assert_eq!(o["vendor_status"]["code"], 3);
    assert_eq!(o["started_at_ms"], 1_601_221_452_099_i64);
    assert_eq!(o["ended_at_ms"], 1_601_221_508_795_i64);
    assert_eq!(o["files"][0]["size_bytes"], 432_643_544);
    assert_eq!(o["raw"]["RequestId"], "abcd123");
    for key in [
        "vendor",
        "task",
        "state",
        "vendor_status",
        "started_at_ms",
        "ended_at_ms",
        "stop_reason",
        "files",
        "raw",
    ] {
        assert!(o.get(key).is_some(), "missing {key}");
    }
}

#[tokio::test]
async fn table_output_is_readable_and_uncoloured_off_a_terminal() {
    let s = MockServer::start().await;
    serve(
        &s,
        200,
        fixture("zego/describe_record_status/doc_example.json"),
    )
    .await;
    let r = recq(
        &[
            "--output",
            "table",
            "zego",
            "status",
            "X3CgNeE4I1qAAABN",
            "--endpoint",
            &s.uri(),
        ],
        ZEGO_ENV,
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("VENDOR"), "{}", r.stdout);
    assert!(r.stdout.contains("completed"));
    assert!(
        r.stdout.contains("2020-09-27 15:44:12.099Z"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("X3CgNeE4I1qAAABN_xxxx_my_out_VA_20200927154419775.mp4")
    );
    assert!(!r.stdout.contains('\x1b'), "no colour codes off a terminal");
}

#[tokio::test]
async fn zego_tasks_lists_as_json_lines_and_follows_pages_with_all() {
    let s = MockServer::start().await;
    serve(&s, 200, fixture("zego/describe_tasks/doc_example.json")).await;
    let r = recq(
        &[
            "zego",
            "tasks",
            "--status",
            "recording",
            "--since",
            "2h",
            "--endpoint",
            &s.uri(),
        ],
        ZEGO_ENV,
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines = json_lines(&r.stdout);
    assert!(!lines.is_empty());
    assert!(lines.iter().all(|l| l["vendor"] == "zego"));
    let received = s.received_requests().await.unwrap();
    let body: serde_json::Value = serde_json::from_slice(&received[0].body).unwrap();
    assert_eq!(body["Status"], 2);
    let (start, end) = (
        body["StartTime"].as_i64().unwrap(),
        body["EndTime"].as_i64().unwrap(),
    );
    assert_eq!(end - start, 2 * 3600 * 1000);

    // The table: DescribeTasks carries no files, so FILES is a dash with a note, never 0.
    let r = recq(
        &[
            "zego",
            "tasks",
            "--status",
            "recording",
            "--since",
            "2h",
            "--output",
            "table",
            "--endpoint",
            &s.uri(),
        ],
        ZEGO_ENV,
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let header: Vec<&str> = r
        .stdout
        .lines()
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    let files = header.iter().position(|h| *h == "FILES").unwrap();
    let rows: Vec<Vec<&str>> = r
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert!(!rows.is_empty());
    // Columns before FILES are single words here (vendor, task, state, code, meaning
    // words…), so find the dash by counting from the end: STOP REASON is `-` too.
    for row in &rows {
        let n = row.len();
        assert_eq!(&row[n - 2..], ["-", "-"], "FILES and STOP REASON: {row:?}");
        assert!(!row.contains(&"0"), "no zero file count: {row:?}");
    }
    assert!(files > 0);
    assert!(
        r.stderr
            .contains("DescribeTasks does not return a task's files"),
        "{}",
        r.stderr
    );
}

#[tokio::test]
async fn qingcloud_list_sends_the_signed_query() {
    let s = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/cloudRecord"))
        .and(query_param("app_id", "app1"))
        .and(query_param("channel", "room1"))
        .and(query_param("from_hour", "6"))
        .and(query_param("to_hour", "0"))
        .and(query_param("signature_method", "HmacSHA256"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(fixture("qingcloud/list_recordings/doc_example.json")),
        )
        .expect(1)
        .mount(&s)
        .await;
    let r = recq(
        &[
            "qingcloud",
            "list",
            "--app-id",
            "app1",
            "--channel",
            "room1",
            "--from-hour",
            "6",
            "--to-hour",
            "0",
            "--endpoint",
            &s.uri(),
        ],
        QING_ENV,
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines = json_lines(&r.stdout);
    assert!(!lines.is_empty());
    assert!(
        lines
            .iter()
            .all(|l| l["vendor"] == "qingcloud" && l["task"]["app_id"] == "app1")
    );
}

#[tokio::test]
async fn volc_task_and_agora_query() {
    let s = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param("Action", "GetRecordTask"))
        .and(query_param("Version", "2023-11-01"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(fixture("volc/get_record_task/doc_example.json")),
        )
        .mount(&s)
        .await;
    let r = recq(
        &[
            "volc",
            "task",
            "--app-id",
            "a",
            "--room",
            "r",
            "--task",
            "t",
            "--endpoint",
            &s.uri(),
        ],
        VOLC_ENV,
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = &json_lines(&r.stdout)[0];
    assert_eq!(v["vendor"], "volc");
    assert_eq!(v["state"], "completed");
    assert_eq!(
        v["stop_reason"],
        serde_json::json!({"code": "StopByAPI", "meaning": "stopped by the application through the API"})
    );
    // The table shows the stop reason as `code (meaning)`.
    let args = [
        "--output", "table", "volc", "task", "--app-id", "a", "--room", "r",
    ];
    let uri = s.uri();
    let table = recq(
        &[&args[..], &["--task", "t", "--endpoint", &uri]].concat(),
        VOLC_ENV,
    )
    .await;
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(
        table
            .stdout
            .contains("StopByAPI (stopped by the application through the API)"),
        "{}",
        table.stdout
    );

    let s = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(
            "/v1/apps/app/cloud_recording/resourceid/rid/sid/sid1/mode/mix/query",
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(fixture("agora/query/doc_example.json")),
        )
        .mount(&s)
        .await;
    let r = recq(
        &[
            "agora",
            "query",
            "--app-id",
            "app",
            "--resource-id",
            "rid",
            "--sid",
            "sid1",
            "--mode",
            "mix",
            "--endpoint",
            &s.uri(),
        ],
        AGORA_ENV,
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = &json_lines(&r.stdout)[0];
    assert_eq!(v["vendor"], "agora");
    assert_eq!(v["task"]["mode"], "mix");
}

#[tokio::test]
async fn dry_run_prints_the_signed_request_and_sends_nothing() {
    let s = MockServer::start().await;
    let cases: Vec<(Vec<&str>, &[(&str, &str)], &str, &str)> = vec![
        (
            vec!["zego", "status", "X3CgNeE4I1qAAABN"],
            ZEGO_ENV,
            "POST",
            ZEGO_SECRET,
        ),
        (
            vec!["qingcloud", "list", "--app-id", "a", "--channel", "c"],
            QING_ENV,
            "GET",
            QING_SECRET,
        ),
        (
            vec![
                "volc", "task", "--app-id", "a", "--room", "r", "--task", "t",
            ],
            VOLC_ENV,
            "GET",
            VOLC_SECRET,
        ),
        (
            vec![
                "agora",
                "query",
                "--app-id",
                "a",
                "--resource-id",
                "r",
                "--sid",
                "s",
                "--mode",
                "web",
            ],
            AGORA_ENV,
            "GET",
            AGORA_SECRET,
        ),
    ];
    for (args, env, method, secret) in cases {
        let uri = s.uri();
        let mut all = args.clone();
        all.extend(["--dry-run", "--endpoint", &uri]);
        let r = recq(&all, env).await;
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(v["method"], method, "{args:?}");
        assert!(v["url"].as_str().unwrap().starts_with(&uri), "{args:?}");
        assert!(v["headers"].is_object());
        assert!(!r.stdout.contains(secret), "{args:?} leaks its secret");
        if args[0] == "agora" {
            assert_eq!(v["headers"]["authorization"], "Basic [redacted]");
        }
        if args[0] == "zego" {
            assert!(v["url"].as_str().unwrap().contains("Signature="));
            assert!(v["body"].as_str().unwrap().contains("X3CgNeE4I1qAAABN"));
        }
    }
    assert!(
        s.received_requests().await.unwrap().is_empty(),
        "dry runs send nothing"
    );
}

fn zego_running() -> String {
    r#"{"Code":0,"Message":"succeed","RequestId":"r","Data":{"RoomId":"room","Status":2,"RecordBeginTimestamp":1601221452099,"RecordFiles":[]}}"#.to_owned()
}

#[tokio::test]
async fn watch_follows_the_states_until_completed_exit_0() {
    let s = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string(zego_running()))
        .up_to_n_times(2)
        .mount(&s)
        .await;
    serve(
        &s,
        200,
        fixture("zego/describe_record_status/doc_example.json"),
    )
    .await;
    let r = recq(
        &[
            "zego",
            "status",
            "X3CgNeE4I1qAAABN",
            "--watch",
            "--interval",
            "10ms",
            "--endpoint",
            &s.uri(),
        ],
        ZEGO_ENV,
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let changes: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(changes.len(), 2, "one line per state change: {}", r.stderr);
    assert!(changes[0].contains("recording") && changes[1].contains("completed"));
    // JSON Lines on stdout: one per observed state change, the last one the final state.
    let lines = json_lines(&r.stdout);
    let states: Vec<&str> = lines.iter().map(|l| l["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["recording", "completed"], "{}", r.stdout);
    assert_eq!(lines[1]["task"]["task_id"], "X3CgNeE4I1qAAABN");
    assert_eq!(s.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn watch_against_an_endpoint_that_never_answers_ends_with_the_cause_exit_6() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap();
    let started = std::time::Instant::now();
    let r = recq(
        &[
            "zego",
            "status",
            "X3CgNeE4I1qAAABN",
            "--watch",
            "--interval",
            "10ms",
            "--endpoint",
            &format!("http://127.0.0.1:{port}"),
        ],
        ZEGO_ENV,
    )
    .await;
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("connection refused by 127.0.0.1:{port}")),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    // Not the default hour of --max-wait: the first poll's own retries only.
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}

#[tokio::test]
async fn watch_reports_a_failing_poll_it_retries_then_gives_up_after_three() {
    let s = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string(zego_running()))
        .up_to_n_times(1)
        .mount(&s)
        .await;
    // Then every answer comes too late for the 50 ms timeout: a transport timeout per poll.
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(zego_running())
                .set_delay(std::time::Duration::from_secs(2)),
        )
        .mount(&s)
        .await;
    let r = recq(
        &[
            "zego",
            "status",
            "X3CgNeE4I1qAAABN",
            "--watch",
            "--interval",
            "10ms",
            "--retries",
            "0",
            "--timeout",
            "50ms",
            "--endpoint",
            &s.uri(),
        ],
        ZEGO_ENV,
    )
    .await;
    assert_eq!(r.code, 6, "{}", r.stderr);
    let retried = r
        .stderr
        .lines()
        .filter(|l| l.contains("poll failed, retrying") && l.contains("timed out after"))
        .count();
    assert_eq!(retried, 2, "two survived failures are shown: {}", r.stderr);
    assert!(
        r.stderr
            .contains("recq: ZEGO DescribeRecordStatus: timed out after 0.05 s"),
        "the cause of the last failure: {}",
        r.stderr
    );
    assert_eq!(s.received_requests().await.unwrap().len(), 4);
}

#[tokio::test]
async fn watch_exit_codes_failed_7_and_max_wait_8() {
    let s = MockServer::start().await;
    serve(
        &s,
        200,
        fixture("zego/describe_record_status/file_upload_failed.json"),
    )
    .await;
    let r = recq(
        &[
            "zego",
            "status",
            "X3CgNeE4I1qAAABN",
            "--watch",
            "--interval",
            "10ms",
            "--endpoint",
            &s.uri(),
        ],
        ZEGO_ENV,
    )
    .await;
    assert_eq!(r.code, 7, "{}", r.stderr);

    let s = MockServer::start().await;
    serve(&s, 200, zego_running()).await;
    let r = recq(
        &[
            "zego",
            "status",
            "X3CgNeE4I1qAAABN",
            "--watch",
            "--interval",
            "10ms",
            "--max-wait",
            "100ms",
            "--endpoint",
            &s.uri(),
        ],
        ZEGO_ENV,
    )
    .await;
    assert_eq!(r.code, 8, "{}", r.stderr);
    assert!(r.stderr.contains("last state: recording"), "{}", r.stderr);

    // Agora: 404 while watching means the session is gone.
    let s = MockServer::start().await;
    serve(&s, 404, r#"{"code":404,"reason":"not found"}"#.to_owned()).await;
    let r = recq(
        &[
            "agora",
            "query",
            "--app-id",
            "a",
            "--resource-id",
            "r",
            "--sid",
            "s",
            "--mode",
            "mix",
            "--watch",
            "--interval",
            "10ms",
            "--endpoint",
            &s.uri(),
        ],
        AGORA_ENV,
    )
    .await;
    assert_eq!(r.code, 7, "{}", r.stderr);
    assert_eq!(json_lines(&r.stdout)[0]["state"], "gone");
}

#[tokio::test]
async fn error_exit_codes() {
    let zego_error = |code: i64| {
        format!(r#"{{"Code":{code},"Message":"m{code}","RequestId":"req-{code}","Data":null}}"#)
    };
    // 3: not found
    let s = MockServer::start().await;
    serve(&s, 200, zego_error(300001000)).await;
    let r = recq(
        &["zego", "status", "X3CgNeE4I1qAAABN", "--endpoint", &s.uri()],
        ZEGO_ENV,
    )
    .await;
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("300001000") && r.stderr.contains("req-300001000"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 1, "one sentence: {}", r.stderr);

    // 3: Agora's 404
    let s = MockServer::start().await;
    serve(&s, 404, String::new()).await;
    let r = recq(
        &[
            "agora",
            "query",
            "--app-id",
            "a",
            "--resource-id",
            "r",
            "--sid",
            "s",
            "--mode",
            "mix",
            "--endpoint",
            &s.uri(),
        ],
        AGORA_ENV,
    )
    .await;
    assert_eq!(r.code, 3, "{}", r.stderr);

    // 4: signature rejected
    let s = MockServer::start().await;
    serve(&s, 200, zego_error(100000005)).await;
    let r = recq(
        &["zego", "status", "X3CgNeE4I1qAAABN", "--endpoint", &s.uri()],
        ZEGO_ENV,
    )
    .await;
    assert_eq!(r.code, 4, "{}", r.stderr);

    // 5: rate limited after retries
    let s = MockServer::start().await;
    serve(&s, 200, zego_error(300000003)).await;
    let r = recq(
        &[
            "zego",
            "status",
            "X3CgNeE4I1qAAABN",
            "--retries",
            "1",
            "--endpoint",
            &s.uri(),
        ],
        ZEGO_ENV,
    )
    .await;
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert_eq!(
        s.received_requests().await.unwrap().len(),
        2,
        "--retries 1: two attempts"
    );

    // 6: transport (nothing listens) and timeout
    let r = recq(
        &[
            "zego",
            "status",
            "X3CgNeE4I1qAAABN",
            "--retries",
            "0",
            "--endpoint",
            "http://127.0.0.1:9",
        ],
        ZEGO_ENV,
    )
    .await;
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert!(
        r.stderr.contains("connection refused by 127.0.0.1:9"),
        "the cause and the place, not only 'no answer': {}",
        r.stderr
    );
    // An endpoint without a scheme is a usage error naming the flag, with an example.
    let r = recq(
        &[
            "zego",
            "status",
            "X3CgNeE4I1qAAABN",
            "--endpoint",
            "127.0.0.1:9",
        ],
        ZEGO_ENV,
    )
    .await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("--endpoint")
            && r.stderr.contains("absolute URL with a scheme")
            && r.stderr.contains("e.g. http://"),
        "{}",
        r.stderr
    );
    let s = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(std::time::Duration::from_secs(5)))
        .mount(&s)
        .await;
    let r = recq(
        &[
            "zego",
            "status",
            "X3CgNeE4I1qAAABN",
            "--retries",
            "0",
            "--timeout",
            "100ms",
            "--endpoint",
            &s.uri(),
        ],
        ZEGO_ENV,
    )
    .await;
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert!(r.stderr.contains("timed out after"), "{}", r.stderr);

    // 2: usage errors, local validation, --watch on a list
    let r = recq(&["zego", "tasks"], ZEGO_ENV).await;
    assert_eq!(r.code, 2, "missing --status");
    let r = recq(
        &["zego", "status", "short", "--endpoint", &s.uri()],
        ZEGO_ENV,
    )
    .await;
    assert_eq!(r.code, 2, "a task id of the wrong length: {}", r.stderr);
    let r = recq(&["zego", "tasks", "--status", "ended", "--watch"], ZEGO_ENV).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = recq(&["--help"], &[]).await;
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("Exit codes"), "{}", r.stdout);
}

#[tokio::test]
async fn missing_credentials_name_the_variable_and_the_config_key() {
    let r = recq(
        &["zego", "status", "X3CgNeE4I1qAAABN"],
        &[("ZEGO_APP_ID", "1")],
    )
    .await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("ZEGO_SERVER_SECRET"), "{}", r.stderr);
    assert!(r.stderr.contains("server_secret"), "{}", r.stderr);
    let r = recq(
        &[
            "volc", "task", "--app-id", "a", "--room", "r", "--task", "t",
        ],
        &[],
    )
    .await;
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("VOLC_ACCESSKEY") && r.stderr.contains("access_key"),
        "{}",
        r.stderr
    );
}

fn write_config(dir: &Path, endpoint: &str) -> PathBuf {
    let p = dir.join("recq.toml");
    std::fs::write(
        &p,
        format!(
            r#"
[profiles.default.zego]
app_id = "1"
server_secret = "{ZEGO_SECRET}"

[profiles.staging.zego]
app_id = 1234567890
server_secret = "{ZEGO_SECRET}"
endpoint = "{endpoint}"
"#
        ),
    )
    .unwrap();
    p
}

#[tokio::test]
async fn config_file_profiles_and_the_environment_wins() {
    let s = MockServer::start().await;
    serve(
        &s,
        200,
        fixture("zego/describe_record_status/doc_example.json"),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &s.uri());
    let config = config.to_str().unwrap();

    // The staging profile carries credentials and the endpoint.
    let r = recq(
        &[
            "--config",
            config,
            "--profile",
            "staging",
            "zego",
            "status",
            "X3CgNeE4I1qAAABN",
        ],
        &[],
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let received = s.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert!(
        received[0]
            .url
            .query()
            .unwrap()
            .contains("AppId=1234567890")
    );

    // The environment overrides the file.
    let r = recq(
        &[
            "zego",
            "status",
            "X3CgNeE4I1qAAABN",
            "--profile",
            "staging",
            "--config",
            config,
        ],
        &[("ZEGO_APP_ID", "42")],
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let received = s.received_requests().await.unwrap();
    assert!(received[1].url.query().unwrap().contains("AppId=42"));

    // An unknown profile and a missing file are configuration errors.
    let r = recq(
        &[
            "--config",
            config,
            "--profile",
            "nope",
            "zego",
            "status",
            "X3CgNeE4I1qAAABN",
        ],
        &[],
    )
    .await;
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("nope"));
    let r = recq(
        &[
            "--config",
            "/nonexistent/recq.toml",
            "zego",
            "status",
            "X3CgNeE4I1qAAABN",
        ],
        &[],
    )
    .await;
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("/nonexistent/recq.toml"));
}

#[tokio::test]
async fn since_beyond_zegos_3_days_names_the_flag_and_gives_times_in_rfc_3339() {
    // Nothing is sent: the endpoint is a closed port.
    let r = recq(
        &[
            "zego",
            "tasks",
            "--status",
            "ended",
            "--since",
            "5d",
            "--endpoint",
            "http://127.0.0.1:9",
        ],
        ZEGO_ENV,
    )
    .await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.starts_with("recq: --since 5days: "),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("use --since 3d or less"), "{}", r.stderr);
    // The earliest start as RFC 3339 (`2026-12-01T10:00:00.000Z`), not raw milliseconds.
    let earliest = r
        .stderr
        .split("the earliest start it accepts now is ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .unwrap_or_else(|| panic!("{}", r.stderr));
    assert!(
        earliest.len() == 24 && earliest.ends_with('Z') && earliest.as_bytes()[10] == b'T',
        "{earliest}"
    );
    assert!(!r.stderr.contains(" ms"), "{}", r.stderr);
}

#[tokio::test]
async fn a_bad_region_or_endpoint_is_named_by_its_flag_and_a_password_never_shown() {
    let cases: [(&[&str], &str); 3] = [
        (
            &["--region", "nowhere"],
            "recq: --region: ZEGO documents no host named `nowhere`",
        ),
        (
            &["--endpoint", "http://user:hunter2pw@127.0.0.1:1/"],
            "recq: --endpoint: `http://***@127.0.0.1:1/`: credentials do not belong",
        ),
        (
            &["--endpoint", "http://127.0.0.1:1/?a=b"],
            "recq: --endpoint: `http://127.0.0.1:1/?a=b`: a base URL takes no query",
        ),
    ];
    for (flags, expected) in cases {
        let mut args = vec!["zego", "status", "X3CgNeE4I1qAAABN"];
        args.extend_from_slice(flags);
        let r = recq(&args, ZEGO_ENV).await;
        assert_eq!(r.code, 2, "{flags:?}: {}", r.stderr);
        assert!(r.stderr.starts_with(expected), "{flags:?}: {}", r.stderr);
        assert!(!r.stderr.contains("base_url"), "{}", r.stderr);
        assert!(!r.stderr.contains("hunter2pw"), "{}", r.stderr);
    }
}
