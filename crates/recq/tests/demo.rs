//! `recq demo` end to end: the real binary, its in-process emulator and the real clients.
#![allow(clippy::unwrap_used)] // test helpers: a failure should panic

use record_emulator::{Scenario, Vendor};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

#[allow(dead_code)] // each test file uses part of the shared support
mod support;

/// Runs recq with an empty environment (no credentials anywhere) and its own config dir;
/// the shared runner fails the test if any secret (the emulator's included) is printed.
fn recq(args: &[&str]) -> support::Run {
    support::run_demo(args)
}

fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn states_by_vendor(lines: &[Value]) -> BTreeMap<String, BTreeSet<String>> {
    let mut by_vendor: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for l in lines {
        by_vendor
            .entry(l["vendor"].as_str().unwrap().to_owned())
            .or_default()
            .insert(l["state"].as_str().unwrap().to_owned());
    }
    by_vendor
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn demo_reads_every_recording_of_the_built_in_scenario_through_the_real_clients() {
    let run = recq(&["demo", "--output", "json"]);
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let lines = json_lines(&run.stdout);
    let scenario = Scenario::example().unwrap();
    assert_eq!(lines.len(), scenario.recordings.len());
    // Every id of the scenario came back, from its own vendor.
    for spec in &scenario.recordings {
        let id = spec.id.as_deref().unwrap();
        let vendor = spec.vendor.unwrap();
        assert!(
            lines.iter().any(|l| l["vendor"] == vendor.id()
                && l["task"].to_string().contains(&format!("\"{id}\""))),
            "{} {id} missing",
            vendor.id()
        );
    }
    // Every state each vendor can report, as the neutral view maps it.
    let states = states_by_vendor(&lines);
    assert_eq!(
        states["zego"],
        set(&["starting", "recording", "processing", "completed", "failed"])
    );
    assert_eq!(
        states["qingcloud"],
        set(&[
            "starting",
            "recording",
            "stopping",
            "processing",
            "completed",
            "failed"
        ])
    );
    assert_eq!(
        states["volc"],
        set(&["starting", "recording", "completed", "failed"])
    );
    assert_eq!(
        states["agora"],
        set(&["starting", "recording", "stopping", "gone"])
    );
    // Completed recordings carry their files.
    for l in &lines {
        if l["state"] == "completed" {
            assert!(!l["files"].as_array().unwrap().is_empty(), "{l}");
        }
    }
    assert!(
        run.stderr.contains(&format!(
            "{} recording(s) of 4 vendors from {} signed request(s)",
            lines.len(),
            lines.len()
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn demo_prints_the_table_when_stdout_is_not_a_terminal() {
    // No --output: a demonstration is for a person, so a table even through a pipe.
    let run = recq(&["demo"]);
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    assert!(run.stdout.starts_with("VENDOR"), "{}", run.stdout);
    assert!(!run.stdout.trim_start().starts_with('{'));
}

#[test]
fn demo_table_has_every_vendor_the_files_and_the_backup_storage_warning() {
    let run = recq(&["demo", "--output", "table"]);
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let mut lines = run.stdout.lines();
    let header: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        [
            "VENDOR", "TASK", "STATE", "VENDOR", "STATUS", "STARTED", "ENDED", "FILES", "STOP",
            "REASON"
        ]
    );
    for v in Vendor::ALL {
        assert!(
            run.stdout.lines().any(|l| l.starts_with(v.id())),
            "{}",
            v.id()
        );
    }
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("VENDOR") && l.contains("FILE")),
        "no files table"
    );
    assert!(
        run.stdout
            .contains("warning: zego QmFja3VwRTRJeXZF: QmFja3VwRTRJeXZF_room-backup"),
        "{}",
        run.stdout
    );
    // No ANSI codes when stdout is not a terminal.
    assert!(!run.stdout.contains('\x1b'));
}

#[test]
fn demo_never_prints_a_secret() {
    // support::run_demo checks the emulator's four secrets, the ones the demo signs with.
    assert_eq!(support::emulator_secrets().len(), 4);
    for args in [
        &["demo", "--output", "json"][..],
        &["demo", "--output", "table", "-vv"][..],
    ] {
        let run = recq(args);
        assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    }
}

#[test]
fn demo_watch_follows_one_recording_per_vendor_to_completion() {
    let run = recq(&["demo", "--watch", "--speed", "4", "--output", "json"]);
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let lines = json_lines(&run.stdout);
    assert_eq!(lines.len(), 4);
    for (l, v) in lines.iter().zip(Vendor::ALL) {
        assert_eq!(l["vendor"], v.id());
        assert_eq!(l["state"], "completed", "{l}");
        assert!(!l["files"].as_array().unwrap().is_empty(), "{l}");
    }
    // Progress: one line per state change (`N/5 TASK STATE`), in lifecycle order for each
    // vendor (paused counts as recording), and one per lifecycle call the demo made.
    let rank = |s: &str| match s {
        "starting" => 0,
        "recording" | "paused" => 1,
        "stopping" => 2,
        "processing" => 3,
        "completed" => 4,
        other => panic!("unexpected state {other}"),
    };
    for v in Vendor::ALL {
        let lines: Vec<Vec<&str>> = run
            .stderr
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
            .filter(|w| w.get(1) == Some(&v.id()))
            .collect();
        let is_state = |w: &Vec<&str>| w.get(2).is_some_and(|s| s.ends_with("/5"));
        let seen: Vec<&str> = lines
            .iter()
            .filter(|w| is_state(w))
            .map(|w| *w.last().unwrap())
            .collect();
        assert_eq!(seen.first(), Some(&"starting"), "{}: {seen:?}", v.id());
        assert_eq!(seen.last(), Some(&"completed"), "{}: {seen:?}", v.id());
        let ranks: Vec<usize> = seen.iter().map(|s| rank(s)).collect();
        assert!(
            ranks.windows(2).all(|w| w[0] <= w[1]),
            "{}: {seen:?}",
            v.id()
        );
        assert!(seen.contains(&"recording"), "{}: {seen:?}", v.id());
        let calls: Vec<String> = lines
            .iter()
            .filter(|w| !is_state(w))
            .map(|w| w[3..].join(" "))
            .collect();
        if v == Vendor::Zego {
            // The real workflow: every step a signed request, the pause visible in a query.
            assert_eq!(
                calls,
                [
                    "StartRecord (signed)",
                    "paused",
                    "resumed",
                    "layout updated",
                    "stop: stopped"
                ],
                "{}",
                run.stderr
            );
            assert!(seen.contains(&"paused"), "{seen:?}");
        } else {
            assert_eq!(calls.len(), 1, "{calls:?}");
            assert!(calls[0].starts_with("created by the emulator"), "{calls:?}");
        }
    }
    assert!(run.stderr.contains("4 of 4 recording(s) completed"));
}

#[test]
fn demo_with_a_scenario_file_serves_that_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.toml");
    std::fs::write(
        &path,
        r#"
[[recordings]]
vendor = "volc"
id = "MyTask"
app_id = "myapp"
room = "myroom"
start_offset_secs = -30.0
"#,
    )
    .unwrap();
    let run = recq(&[
        "demo",
        "--output",
        "json",
        "--scenario",
        path.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let lines = json_lines(&run.stdout);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["vendor"], "volc");
    assert_eq!(lines[0]["task"]["task_id"], "MyTask");
    assert_eq!(lines[0]["state"], "recording");
}

#[test]
fn demo_refuses_bad_input_with_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[[recordings]]\nvendor = \"nobody\"\n").unwrap();
    let missing = dir.path().join("missing.toml");
    for (args, needle) in [
        (vec!["demo", "--dry-run"], "--dry-run"),
        (vec!["demo", "--watch", "--speed", "0"], "--speed"),
        (vec!["demo", "--watch", "--speed", "NaN"], "--speed"),
        (
            vec!["demo", "--scenario", bad.to_str().unwrap()],
            "scenario",
        ),
        (
            vec!["demo", "--scenario", missing.to_str().unwrap()],
            "scenario",
        ),
    ] {
        let run = recq(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(needle), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    }
}
