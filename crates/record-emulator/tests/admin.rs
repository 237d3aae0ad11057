//! The admin API's errors, the example scenario of `fixtures/emulator/scenario.toml`
//! queried with every real client, shutdown, and the `record-emulator` binary.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use record_emulator::{Emulator, RecordingState, Scenario, Vendor};
use record_facade::{agora, qingcloud, volc, zego};
use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

fn scenario_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/emulator/scenario.toml")
}

#[tokio::test]
async fn admin_errors_are_json_with_statuses() {
    let clock = clock();
    let emu = start(&clock).await;
    let base = emu.base_url(Vendor::Zego);
    let post = |path: &str, body: Option<&str>| {
        let url = format!("{base}{path}");
        let body = body.map(|b| b.as_bytes().to_vec());
        async move { send("POST", &url, &[], body).await }
    };
    let ok = post(
        "/_emulator/recordings",
        Some(r#"{"id":"X3CgNeE4I1qAAABN"}"#),
    )
    .await;
    assert_eq!(ok.status, 201);
    assert_eq!(ok.json()["vendor"], "zego");
    assert_eq!(ok.json()["app_id"], "1234567890");
    let cases = [
        (
            "/_emulator/recordings",
            Some(r#"{"id":"X3CgNeE4I1qAAABN"}"#),
            409,
        ),
        ("/_emulator/recordings", Some(r#"{"id":"short"}"#), 400),
        ("/_emulator/recordings", Some(r#"{"vendor":"agora"}"#), 400),
        ("/_emulator/recordings", Some(r#"{"bogus":1}"#), 400),
        ("/_emulator/recordings", Some("not json"), 400),
        ("/_emulator/recordings/NOSUCHTASK000000/stop", None, 404),
        ("/_emulator/recordings/NOSUCHTASK000000/fail", None, 404),
    ];
    for (path, body, status) in cases {
        let raw = post(path, body).await;
        assert_eq!(raw.status, status, "{path} {body:?}");
        assert!(raw.json()["error"].is_string());
    }
    // An empty body creates a recording with generated ids.
    let generated = post("/_emulator/recordings", None).await;
    assert_eq!(generated.status, 201);
    assert_eq!(generated.json()["id"].as_str().unwrap().len(), 16);
    let listed = send("GET", &format!("{base}/_emulator/recordings"), &[], None).await;
    assert_eq!(listed.json().as_array().unwrap().len(), 2);
    let one = send(
        "GET",
        &format!("{base}/_emulator/recordings/X3CgNeE4I1qAAABN"),
        &[],
        None,
    )
    .await;
    assert_eq!(one.json()["state"], "starting");
    let none = send(
        "GET",
        &format!("{base}/_emulator/recordings/nope"),
        &[],
        None,
    )
    .await;
    assert_eq!(none.status, 404);
    let health = send("GET", &format!("{base}/_emulator/health"), &[], None).await;
    assert_eq!(health.json()["status"], "ok");
    assert_eq!(health.json()["now_ms"], T0.0);
    // Stopping twice, failing after the end.
    assert_eq!(
        post("/_emulator/recordings/X3CgNeE4I1qAAABN/stop", None)
            .await
            .status,
        200
    );
    assert_eq!(
        post("/_emulator/recordings/X3CgNeE4I1qAAABN/stop", None)
            .await
            .status,
        409
    );
    advance(&clock, 60.0);
    assert_eq!(
        post("/_emulator/recordings/X3CgNeE4I1qAAABN/fail", None)
            .await
            .status,
        409
    );
    // The other listeners keep their own vendor's recordings.
    let volc = send(
        "GET",
        &format!("{}/_emulator/recordings", emu.base_url(Vendor::Volcengine)),
        &[],
        None,
    )
    .await;
    assert_eq!(volc.json().as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn the_example_scenario_serves_every_vendor() {
    let clock = clock();
    let emu = Emulator::builder()
        .clock(clock.clone())
        .scenario_file(scenario_path())
        .start()
        .await
        .unwrap();
    let states = |v: Vendor| -> Vec<(String, RecordingState)> {
        emu.list(v).into_iter().map(|r| (r.id, r.state)).collect()
    };
    assert_eq!(
        states(Vendor::Zego),
        [
            ("ZnBkT2E4I1qAAAB5".to_owned(), RecordingState::Starting),
            ("X3CgNeE4I1qAAABN".to_owned(), RecordingState::Recording),
            ("Q2xvc2VFNEkxcUFB".to_owned(), RecordingState::Processing),
            ("YRHu6-E4IyvEAAAD".to_owned(), RecordingState::Completed),
            ("QmFja3VwRTRJeXZF".to_owned(), RecordingState::Completed),
            ("YRHu6uE4IyvEAAAC".to_owned(), RecordingState::Failed),
            ("Q3Jhc2hFNEl5dkVB".to_owned(), RecordingState::Failed),
        ]
    );
    assert_eq!(emu.list(Vendor::QingCloud).len(), 7);
    assert_eq!(emu.list(Vendor::Volcengine).len(), 5);
    assert_eq!(
        emu.list(Vendor::Agora)
            .iter()
            .map(|r| r.state)
            .collect::<Vec<_>>(),
        [
            RecordingState::Starting,
            RecordingState::Recording,
            RecordingState::Recording,
            RecordingState::Stopping,
            RecordingState::Processing,
            RecordingState::Starting,
            RecordingState::Gone,
        ]
    );

    let z = zego_client(&emu, &clock).build().unwrap();
    let r = z
        .describe_record_status(
            &zego::DescribeRecordStatusRequest::builder()
                .task_id("YRHu6-E4IyvEAAAD")
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(r.data.unwrap().record_files.unwrap().len(), 2);

    let q = qingcloud_client(&emu, &clock).build().unwrap();
    let page = q
        .list_recordings(
            &qingcloud::ListRecordingsRequest::builder()
                .app_id("34723259bb8f4768bc7a9c7cbb126baa")
                .channel("crIUxmwHA2")
                .from_hour(3)
                .to_hour(0)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    let statuses: Vec<i64> = page
        .recinfos
        .unwrap()
        .iter()
        .filter_map(|r| r.status.map(|s| s.raw()))
        .collect();
    // Newest first: 38 starting, 42 stopping, 43 merging, 39 recording, 41 crashed, 44 upload
    // failed, 40 completed.
    assert_eq!(statuses, [1, 4, 3, 2, 32, 52, 10]);

    let v = volc_client(&emu, &clock).build().unwrap();
    let task = v
        .get_record_task(
            &volc::GetRecordTaskRequest::builder()
                .app_id("661e0000000543cf")
                .room_id("Room2")
                .task_id("Task3")
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        task.record_task().unwrap().recording_state(),
        RecordingState::Failed
    );

    let a = agora_client(&emu, &clock).build().unwrap();
    let resp = a
        .query(
            &agora::QueryRequest::builder()
                .appid("0123456789abcdef0123456789abcdef")
                .resourceid("JyvK8nXHuV1BE64GDkAaBGEscvtHW7v8BrQoRPCHxmeVxwY22-x-kv4GdPcjZeMzoCBUCOr9q-k6wBWMC7SaAkZ")
                .sid("38f8e3cfdc474cd56fc1ceba380d7e1a")
                .mode(agora::RecordingMode::Mix)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        resp.server_response.file_list.unwrap().as_m3u8(),
        Some("38f8e3cfdc474cd56fc1ceba380d7e1a_live_room.m3u8")
    );

    // The same scenario as JSON.
    let toml_text = std::fs::read_to_string(scenario_path()).unwrap();
    let parsed = Scenario::from_toml_str(&toml_text).unwrap();
    let json = serde_json::to_string(&parsed).unwrap();
    assert_eq!(Scenario::from_json_str(&json).unwrap(), parsed);
    assert!(!format!("{parsed:?}").contains("emulator-customer-secret"));
}

#[tokio::test]
async fn credentials_are_exposed_for_the_vendor_crates() {
    let clock = clock();
    let emu = start(&clock).await;
    let lookup = emu.env_lookup();
    let creds = zego::Credentials::from_lookup(&lookup).unwrap();
    assert_eq!(creds.app_id(), emu.zego_credentials().app_id());
    qingcloud::Credentials::from_lookup(&lookup).unwrap();
    volc::Credentials::from_lookup(&lookup).unwrap();
    agora::Credentials::from_lookup(&lookup).unwrap();
    let names: Vec<&str> = Vendor::ALL
        .into_iter()
        .flat_map(|v| emu.credentials_env(v))
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names.len(), 8);
    let shown = format!("{emu:?}");
    for v in Vendor::ALL {
        for (_, value) in emu.credentials_env(v).iter().skip(1) {
            assert!(!shown.contains(value.as_str()), "{v} secret in Debug");
        }
    }
}

#[tokio::test]
async fn shutdown_closes_every_listener() {
    let clock = clock();
    let emu = start(&clock).await;
    let urls: Vec<String> = Vendor::ALL
        .into_iter()
        .map(|v| format!("{}/_emulator/health", emu.base_url(v)))
        .collect();
    for url in &urls {
        assert_eq!(send("GET", url, &[], None).await.status, 200);
    }
    emu.shutdown().await;
    for url in &urls {
        assert!(reqwest::get(url).await.is_err(), "{url} still answers");
    }
    // Dropping stops the listeners too.
    let emu = start(&clock).await;
    let url = format!("{}/_emulator/health", emu.base_url(Vendor::Agora));
    drop(emu);
    let mut closed = false;
    for _ in 0..50 {
        if reqwest::get(&url).await.is_err() {
            closed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(closed, "{url} still answers after drop");
}

#[tokio::test]
async fn the_binary_prints_base_urls_and_credentials_and_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_record-emulator"))
        .args([
            "--scenario",
            &scenario_path().to_string_lossy(),
            "--speed",
            "2",
            "--faults",
            "volc=503",
            "--log-level",
            "warn",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let lines: Vec<String> = tokio::task::spawn_blocking(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .take_while(|l| !l.starts_with("# Press Ctrl-C"))
            .collect()
    })
    .await
    .unwrap();
    let text = lines.join("\n");
    assert!(text.contains("speed 2"), "{text}");
    assert!(text.contains("export ZEGO_APP_ID=1234567890"), "{text}");
    assert!(
        text.contains("export AGORA_CUSTOMER_SECRET=emulator-customer-secret"),
        "{text}"
    );
    let url_of = |name: &str| {
        lines
            .iter()
            .find(|l| l.trim_start().starts_with(name))
            .and_then(|l| l.split_whitespace().last())
            .unwrap_or_else(|| panic!("no {name} line in {text}"))
            .to_owned()
    };
    let zego_url = url_of("ZEGO");
    let listed = send(
        "GET",
        &format!("{zego_url}/_emulator/recordings"),
        &[],
        None,
    )
    .await;
    assert_eq!(listed.json().as_array().unwrap().len(), 7);
    let volc_url = url_of("Volcengine");
    let faulted = send(
        "GET",
        &format!("{volc_url}/?Action=GetRecordTask"),
        &[],
        None,
    )
    .await;
    assert_eq!(faulted.status, 503);
    child.kill().unwrap();
    child.wait().unwrap();
}
