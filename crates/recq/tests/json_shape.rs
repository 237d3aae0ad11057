//! The JSON `recq` prints, pinned to the README: the tables of "JSON output" list every key
//! with its type (and, for a recording, the vendors that have it); recordings with every
//! field set and with the minimum, for every vendor, must print exactly those keys with
//! those types, and `--dry-run` exactly the keys of its table.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::type_complexity)] // test code: a failure should panic

#[allow(dead_code)] // each test file uses part of the shared support
mod support;

use record_facade::{
    DurationMillis, RawCode, Recording, RecordingFile, RecordingState, TaskRef, UnixMillis, Vendor,
    VendorStatus,
};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// One documented key: its JSON types (`string`, `integer`, `object`, `array`, `null`,
/// `any`) and the vendor ids that have it (`None`: every vendor).
#[derive(Debug)]
struct Documented {
    types: BTreeSet<String>,
    vendors: Option<BTreeSet<String>>,
}

/// The rows of the first table after the heading `### JSON output` whose header starts with
/// `header`: key path → documented key.
fn readme_table(header: &str) -> BTreeMap<String, Documented> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md");
    let text = std::fs::read_to_string(path).unwrap();
    let section = text
        .split("\n### JSON output\n")
        .nth(1)
        .expect("README has a `### JSON output` section");
    let section = section.split("\n## ").next().unwrap_or(section);
    let mut lines = section.lines().skip_while(|l| !l.starts_with(header));
    assert!(lines.next().is_some(), "no table `{header}` in JSON output");
    let mut rows = BTreeMap::new();
    for line in lines.skip(1).take_while(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let key = cells[0].trim_matches('`').to_owned();
        let types = cells[1].split(" or ").map(str::to_owned).collect();
        let vendors = (header.contains("vendors") && cells[2] != "all")
            .then(|| cells[2].split(", ").map(str::to_owned).collect());
        let previous = rows.insert(key.clone(), Documented { types, vendors });
        assert!(previous.is_none(), "{key} is listed twice");
    }
    assert!(!rows.is_empty(), "table `{header}` has no rows");
    rows
}

fn recording_keys() -> BTreeMap<String, Documented> {
    readme_table("| key | type | vendors |")
}

/// The JSON type of a value, as the README names it.
fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every key path of `v` with the type found there; the content of `any` keys and of
/// `files[].extra` (the vendor's field names) is not walked.
fn key_types(v: &Value, path: &str, out: &mut Vec<(String, &'static str)>) {
    let opaque = ["raw", "files[].extra", "headers"];
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                out.push((p.clone(), type_name(child)));
                if !opaque.contains(&p.as_str()) {
                    key_types(child, &p, out);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                key_types(item, &format!("{path}[]"), out);
            }
        }
        _ => {}
    }
}

/// The line `recq --output json` prints for `r`, parsed, with its keys and their types.
fn printed(r: &Recording) -> (Value, Vec<(String, &'static str)>) {
    let line = recq::output::json_line(r);
    assert!(!line.contains('\n'), "one line: {line}");
    let v: Value = serde_json::from_str(&line).unwrap();
    let mut keys = Vec::new();
    key_types(&v, "", &mut keys);
    (v, keys)
}

fn task_of(vendor: Vendor, full: bool) -> TaskRef {
    match vendor {
        Vendor::Zego => TaskRef::Zego {
            task_id: "X3CgNeE4I1qAAABN".into(),
        },
        Vendor::QingCloud => TaskRef::QingCloud {
            app_id: "34723259bb8f4768bc7a9c7cbb126baa".into(),
            channel: "crIUxmwHA2".into(),
            record_id: full.then(|| "39".to_owned()),
        },
        Vendor::Volcengine => TaskRef::Volcengine {
            app_id: "661e543cf".into(),
            room_id: "Room1".into(),
            task_id: "Task1".into(),
        },
        Vendor::Agora => TaskRef::Agora {
            app_id: "appid".into(),
            resource_id: "JyvK8nXHuV1BE64GDkAaBGEscvtHW7v8BrQoRPCHxmeVxwY22-x-kv4GdPcjZeMzoCBUCOr9q-k6wBWMC7SaAkZ_4nO3JLqYwM1bL1n6wKnnD9EC9waxJboci9KUz2WZ4YJrmcJmA7xWkzs_L3AnNwdtcI1kr_u1cWFmi9BWAWAlNd7S7gfoGuH0tGi6CNaOomvr7-ILjPXdCYwgty1hwT6tbAuaW1eqR0kOYTO0Z1SobpBxu1czSFh1GbzGvTZG".into(),
            sid: "38f8e3cfdc474cd56fc1ceba380d7e1a".into(),
            mode: "individual".into(),
            cname: None,
            uid: None,
        },
        other => panic!("no test task for {other}"),
    }
}

/// A recording of `vendor` with every field set: every optional value present, a stop
/// reason, one file with every field set. `text_codes` picks string codes (Volcengine's
/// `StopReason`, an absent status) rather than integers, so that both documented code
/// types are printed.
fn full(vendor: Vendor, text_codes: bool) -> Recording {
    let code = |int: i64, text: &str| {
        if text_codes {
            RawCode::Text(text.to_owned())
        } else {
            RawCode::Int(int)
        }
    };
    Recording {
        vendor,
        task: task_of(vendor, true),
        state: RecordingState::Completed,
        vendor_status: VendorStatus {
            code: code(3, ""),
            meaning: "ended".into(),
        },
        started_at: Some(UnixMillis(1_601_221_452_099)),
        ended_at: Some(UnixMillis(1_601_221_508_795)),
        stop_reason: Some(VendorStatus {
            code: code(4, "StopByAPI"),
            meaning: "stopped by the application through the API".into(),
        }),
        files: vec![RecordingFile {
            name: "abc/efg/123.mp4".into(),
            url: Some("https://xxxx.com/record/abc/efg/123.mp4".into()),
            size_bytes: Some(432_643_544),
            duration: Some(DurationMillis(33_874)),
            format: Some("mp4".into()),
            started_at: Some(UnixMillis(1_601_221_459_830)),
            state: Some(RecordingState::Completed),
            warning: Some("kept 3 days only".into()),
            extra: [(
                "VideoId".to_owned(),
                json!("820e50e52e0a490caf44eec8aec527a7"),
            )]
            .into(),
        }],
        raw: Arc::new(json!({"Code": 0, "Data": {"Status": 3}})),
    }
}

/// A recording of `vendor` with the minimum: no optional value, no stop reason, and either
/// no file or one file with only its name.
fn minimal(vendor: Vendor, with_file: bool) -> Recording {
    Recording {
        vendor,
        task: task_of(vendor, false),
        state: RecordingState::Recording,
        vendor_status: VendorStatus {
            code: RawCode::Int(2),
            meaning: "recording".into(),
        },
        started_at: None,
        ended_at: None,
        stop_reason: None,
        files: if with_file {
            vec![RecordingFile {
                name: "CloudRecordMedia/".into(),
                ..RecordingFile::default()
            }]
        } else {
            Vec::new()
        },
        raw: Arc::new(Value::Null),
    }
}

/// The documented keys a recording of `vendor` has.
fn documented_for(vendor: Vendor, doc: &BTreeMap<String, Documented>) -> BTreeSet<String> {
    doc.iter()
        .filter(|(_, d)| d.vendors.as_ref().is_none_or(|v| v.contains(vendor.id())))
        .map(|(k, _)| k.clone())
        .collect()
}

#[test]
fn every_recording_key_is_documented_with_its_type_and_every_documented_key_is_printed() {
    let doc = recording_keys();
    // (key, type) seen over every sample.
    let mut seen: BTreeSet<(String, &'static str)> = BTreeSet::new();
    for vendor in Vendor::ALL {
        let for_vendor = documented_for(vendor, &doc);
        let samples = [
            ("full", full(vendor, false), true),
            ("full, text codes", full(vendor, true), true),
            ("minimal", minimal(vendor, false), false),
            ("minimal with a file", minimal(vendor, true), false),
        ];
        for (what, r, complete) in samples {
            let (_, keys) = printed(&r);
            let ctx = format!("{} {what}", vendor.id());
            for (key, ty) in &keys {
                let d = doc
                    .get(key)
                    .unwrap_or_else(|| panic!("{ctx}: `{key}` is printed but not in the README"));
                assert!(
                    d.types.contains(*ty) || d.types.contains("any"),
                    "{ctx}: `{key}` is {ty}, the README says {:?}",
                    d.types
                );
                assert!(
                    for_vendor.contains(key),
                    "{ctx}: `{key}` is not a {} key",
                    vendor.id()
                );
            }
            let printed_keys: BTreeSet<String> = keys.iter().map(|(k, _)| k.clone()).collect();
            if complete {
                assert_eq!(
                    printed_keys, for_vendor,
                    "{ctx}: every documented key, no other"
                );
            } else {
                // A null stop reason has no `stop_reason.*` keys, and without files there is
                // no `files[]` key; every other key is printed, null or not.
                let expect: BTreeSet<String> = for_vendor
                    .iter()
                    .filter(|k| !k.starts_with("stop_reason."))
                    .filter(|k| !(r.files.is_empty() && k.starts_with("files[]")))
                    .cloned()
                    .collect();
                assert_eq!(
                    printed_keys, expect,
                    "{ctx}: keys are printed even when null"
                );
            }
            seen.extend(keys);
        }
    }
    // Every documented type of every key was printed: a key documented `… or null` is null
    // in the minimal recordings, and each alternative (`integer or string`) occurs.
    for (key, d) in &doc {
        for ty in &d.types {
            if ty == "any" {
                continue;
            }
            assert!(
                seen.contains(&(key.clone(), ty.as_str())),
                "`{key}` is documented as {ty} but never printed so"
            );
        }
    }
}

#[test]
fn a_stop_reason_is_code_and_meaning_or_null() {
    let (v, _) = printed(&full(Vendor::Volcengine, true));
    assert_eq!(
        v["stop_reason"],
        json!({"code": "StopByAPI", "meaning": "stopped by the application through the API"})
    );
    let (v, _) = printed(&minimal(Vendor::Volcengine, false));
    assert_eq!(v["stop_reason"], Value::Null);
    assert!(v.as_object().unwrap().contains_key("stop_reason"));
}

/// Runs `recq` in-process with `env` (and no config file); returns exit code and stdout.
async fn run(args: &[&str], env: &'static [(&'static str, &'static str)]) -> (i32, String) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let mut io = recq::Io {
        out: &mut out,
        err: &mut err,
        terminal: false,
        err_terminal: false,
        width: None,
    };
    let argv = std::iter::once("recq")
        .chain(args.iter().copied())
        .map(Into::into)
        .collect();
    let code = recq::run(
        argv,
        move |name| {
            (name == "RECQ_CONFIG")
                .then(|| "/dev/null".to_owned())
                .or_else(|| {
                    env.iter()
                        .find(|(k, _)| *k == name)
                        .map(|(_, v)| (*v).to_owned())
                })
        },
        &mut io,
    )
    .await;
    let (out, err) = (
        String::from_utf8(out).unwrap(),
        String::from_utf8_lossy(&err).into_owned(),
    );
    // The shared scan, as for the binary's runs (issue 12 §1): no secret of
    // support::SECRETS, nor a secret-equivalent form of one, on either stream.
    for (stream, text) in [("stdout", &out), ("stderr", &err)] {
        if let Some(which) = support::find_secret(text) {
            panic!("recq {args:?} printed {which} on {stream}");
        }
    }
    assert_eq!(code, 0, "{args:?}: {err}");
    (code, out)
}

#[tokio::test]
async fn a_dry_run_prints_exactly_the_documented_request_keys() {
    let doc = readme_table("| key | type | content |");
    let cases: [(&[&str], &'static [(&str, &str)]); 3] = [
        (
            &["zego", "status", "X3CgNeE4I1qAAABN"],
            &[
                ("ZEGO_APP_ID", "1234567890"),
                ("ZEGO_SERVER_SECRET", support::ZEGO_SECRET),
            ],
        ),
        (
            &[
                "volc", "task", "--app-id", "a", "--room", "r", "--task", "t",
            ],
            &[
                ("VOLC_ACCESSKEY", "AKLTtest"),
                ("VOLC_SECRETKEY", support::VOLC_SECRET),
                ("VOLC_SESSION_TOKEN", support::VOLC_TOKEN),
            ],
        ),
        (
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
            ],
            &[
                ("AGORA_CUSTOMER_ID", support::AGORA_CUSTOMER_ID),
                ("AGORA_CUSTOMER_SECRET", support::AGORA_SECRET),
            ],
        ),
    ];
    let mut seen: BTreeSet<(String, &'static str)> = BTreeSet::new();
    for (args, env) in cases {
        let args = [args, &["--dry-run", "--endpoint", "http://127.0.0.1:9"]].concat();
        let (_, stdout) = run(&args, env).await;
        let v: Value = serde_json::from_str(&stdout).unwrap();
        let mut keys = Vec::new();
        key_types(&v, "", &mut keys);
        let printed: BTreeSet<&str> = keys.iter().map(|(k, _)| k.as_str()).collect();
        let documented: BTreeSet<&str> = doc.keys().map(String::as_str).collect();
        assert_eq!(printed, documented, "{args:?}");
        for (key, ty) in &keys {
            assert!(doc[key].types.contains(*ty), "{args:?}: `{key}` is {ty}");
        }
        for (name, value) in v["headers"].as_object().unwrap() {
            assert!(value.is_string(), "header {name} is {value}");
        }
        seen.extend(keys);
    }
    // ZEGO posts a body, Volcengine sends none: both documented types occur.
    for (key, d) in &doc {
        for ty in &d.types {
            assert!(
                seen.contains(&(key.clone(), ty.as_str())),
                "`{key}` never {ty}"
            );
        }
    }
}
