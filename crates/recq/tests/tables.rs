//! Tables fit the width they are given (issue 12 §4): every table recq prints, rendered at
//! 80, 120 and 200 columns and with no limit, has no line wider than the width, and reading
//! each cell back (its lines joined) gives every id, file name, URL and vendor-status
//! meaning whole: nothing shortened, no two ids alike, no word cut.
#![allow(clippy::unwrap_used)] // tests: a failure should panic

use record_emulator::{Emulator, Scenario, Vendor};
use record_facade::{ClientConfig, ErrorKind, Recording, connect};
use recq::output::{self, Layout};
use std::collections::BTreeMap;

#[allow(dead_code)] // each test file uses part of the shared support
mod support;

/// Every recording of the built-in scenario, read through the real clients (what
/// `recq demo` shows), Agora's ended sessions as gone.
async fn scenario_recordings() -> Vec<Recording> {
    let emu = Emulator::builder()
        .scenario(Scenario::example().unwrap())
        .start()
        .await
        .unwrap();
    let mut all = Vec::new();
    for v in Vendor::ALL {
        let config = ClientConfig {
            base_url: Some(emu.base_url(v)),
            ..ClientConfig::default()
        };
        let client = connect(v, &config, emu.env_lookup()).unwrap();
        for info in emu.list(v) {
            let Some(task) = info.task_ref() else {
                panic!("the emulator serves {v}");
            };
            match client.get(&task).await {
                Ok(r) => all.push(r),
                Err(e) if e.kind() == ErrorKind::NotFound => {
                    all.push(Recording::gone(v, &task, &e, None));
                }
                Err(e) => panic!("{task}: {e}"),
            }
        }
    }
    emu.shutdown().await;
    all
}

/// How a column's lines join back into its value: ids anywhere (no separator), prose at
/// spaces.
fn joiner(column: &str) -> &'static str {
    match column {
        "TASK" | "FILE" | "URL" => "",
        _ => " ",
    }
}

/// One record read back from a table: column name → the cell's text.
type Record = BTreeMap<String, String>;

/// Reads a table back, in either layout: columns side by side (column starts found in the
/// header line, two spaces apart; a row starts where its first column is not blank) or
/// records (`NAME  value` lines, a blank line between records).
fn read_back(text: &str, columns: &[&str]) -> Vec<Record> {
    let lines: Vec<Vec<char>> = text.lines().map(|l| l.chars().collect()).collect();
    let slice = |line: &[char], from: usize, to: Option<usize>| -> String {
        let to = to.unwrap_or(line.len()).min(line.len());
        if from >= to {
            return String::new();
        }
        line[from..to].iter().collect::<String>().trim().to_owned()
    };
    let records_layout = lines
        .get(1)
        .is_some_and(|l| l.iter().collect::<String>().starts_with(columns[1]));
    let mut records = Vec::new();
    if records_layout {
        let value_at = columns.iter().map(|c| c.chars().count()).max().unwrap() + 2;
        let mut record = Record::new();
        let mut current: Option<String> = None;
        for line in &lines {
            if line.is_empty() {
                records.push(std::mem::take(&mut record));
                current = None;
                continue;
            }
            let name = slice(line, 0, Some(value_at));
            let value = slice(line, value_at, None);
            if !name.is_empty() {
                record.insert(name.clone(), value);
                current = Some(name);
            } else {
                let name = current.clone().unwrap();
                let cell = record.get_mut(&name).unwrap();
                cell.push_str(joiner(&name));
                cell.push_str(&value);
            }
        }
        records.push(record);
        return records;
    }
    let header = &lines[0];
    let starts: Vec<usize> = (0..header.len())
        .filter(|&i| header[i] != ' ' && (i == 0 || (i >= 2 && header[i - 2..i] == [' ', ' '])))
        .collect();
    assert_eq!(starts.len(), columns.len(), "header: {text}");
    let mut current: Option<Record> = None;
    // The header's own lines (a wrapped header name) start with a blank first column too.
    for line in &lines[1..] {
        let cells: Vec<String> = (0..starts.len())
            .map(|c| slice(line, starts[c], starts.get(c + 1).copied()))
            .collect();
        if !cells[0].is_empty() {
            records.extend(current.take());
            current = Some(Record::new());
        }
        let Some(record) = current.as_mut() else {
            continue;
        };
        for (name, cell) in columns.iter().zip(cells) {
            if cell.is_empty() {
                continue;
            }
            let entry = record.entry((*name).to_owned()).or_default();
            if !entry.is_empty() {
                entry.push_str(joiner(name));
            }
            entry.push_str(&cell);
        }
    }
    records.extend(current);
    records
}

const RECORDING_COLUMNS: [&str; 8] = [
    "VENDOR",
    "TASK",
    "STATE",
    "VENDOR STATUS",
    "STARTED",
    "ENDED",
    "FILES",
    "STOP REASON",
];

const FILE_COLUMNS: [&str; 9] = [
    "VENDOR", "TASK", "FILE", "STATE", "SIZE", "DURATION", "FORMAT", "STARTED", "URL",
];

fn assert_fits(text: &str, width: Option<usize>, what: &str) {
    if let Some(width) = width {
        for line in text.lines() {
            assert!(
                line.chars().count() <= width,
                "{what} at {width}: {} columns: {line}",
                line.chars().count()
            );
        }
    }
}

const WIDTHS: [Option<usize>; 4] = [Some(80), Some(120), Some(200), None];

#[tokio::test]
async fn the_recordings_table_fits_every_width_with_every_id_and_meaning_whole() {
    let recordings = scenario_recordings().await;
    assert!(recordings.len() > 20);
    // The scenario has Agora resource ids far wider than 80 columns, and gone sessions
    // whose meaning is Agora's 404 sentence.
    assert!(recordings.iter().any(|r| r.task.to_string().len() > 120));
    for width in WIDTHS {
        let layout = Layout {
            width,
            colour: false,
        };
        let text = output::recordings_table(&recordings, true, layout);
        assert_fits(&text, width, "recordings table");
        let back = read_back(&text, &RECORDING_COLUMNS);
        assert_eq!(back.len(), recordings.len(), "at {width:?}:\n{text}");
        for (r, row) in recordings.iter().zip(&back) {
            let status = format!("{} ({})", r.vendor_status.code, r.vendor_status.meaning);
            assert_eq!(row["VENDOR"], r.vendor.id(), "at {width:?}");
            assert_eq!(row["TASK"], r.task.to_string(), "at {width:?}:\n{text}");
            assert_eq!(row["STATE"], r.state.as_str(), "at {width:?}");
            assert_eq!(row["VENDOR STATUS"], status, "at {width:?}:\n{text}");
            assert_eq!(row["FILES"], r.files.len().to_string());
            let stop = r
                .stop_reason
                .as_ref()
                .map_or("-".to_owned(), |s| format!("{} ({})", s.code, s.meaning));
            assert_eq!(row["STOP REASON"], stop, "at {width:?}");
            assert_eq!(
                row["STARTED"],
                output::format_time(r.started_at).replace('T', " ")
            );
        }
        if width.is_none() {
            // No limit: one line per row.
            assert_eq!(text.lines().count(), recordings.len() + 1);
        }
    }
}

#[tokio::test]
async fn the_files_table_names_each_files_recording_at_every_width() {
    let recordings = scenario_recordings().await;
    let files: Vec<(&Recording, &record_facade::RecordingFile)> = recordings
        .iter()
        .flat_map(|r| r.files.iter().map(move |f| (r, f)))
        .collect();
    // QingCloud's rows share the `CloudRecordMedia/` prefix: only the task tells them apart.
    assert!(files.len() > 10);
    for width in WIDTHS {
        let text = output::files_table(
            &recordings,
            Layout {
                width,
                colour: false,
            },
        );
        assert_fits(&text, width, "files table");
        let (table, warnings) = match text.find("\nwarning: ") {
            Some(at) => text.split_at(at + 1),
            None => (text.as_str(), ""),
        };
        let back = read_back(table, &FILE_COLUMNS);
        assert_eq!(back.len(), files.len(), "at {width:?}:\n{text}");
        for ((r, f), row) in files.iter().zip(&back) {
            assert_eq!(row["VENDOR"], r.vendor.id());
            assert_eq!(row["TASK"], r.task.to_string(), "at {width:?}:\n{text}");
            assert_eq!(row["FILE"], f.name, "at {width:?}:\n{text}");
            assert_eq!(
                row["URL"],
                f.url.clone().unwrap_or_else(|| "-".to_owned()),
                "at {width:?}"
            );
            assert_eq!(row["SIZE"], output::size_text(f.size_bytes));
        }
        // Every warning names its recording and file, wrapped between words.
        let expected: Vec<String> = recordings
            .iter()
            .flat_map(|r| {
                r.files.iter().filter_map(move |f| {
                    f.warning
                        .as_ref()
                        .map(|w| format!("warning: {} {}: {}: {w}", r.vendor.id(), r.task, f.name))
                })
            })
            .collect();
        assert!(!expected.is_empty());
        let joined: Vec<String> = warnings
            .split("warning: ")
            .filter(|w| !w.is_empty())
            .map(|w| format!("warning: {}", w.lines().collect::<Vec<_>>().join(" ")))
            .collect();
        assert_eq!(joined, expected, "at {width:?}");
    }
}

#[tokio::test]
async fn one_recording_in_detail_fits_too() {
    let recordings = scenario_recordings().await;
    for r in &recordings {
        for width in WIDTHS {
            let text = output::recordings_with_files(
                std::slice::from_ref(r),
                Layout {
                    width,
                    colour: false,
                },
            );
            assert_fits(&text, width, "detail");
            let summary = text.split("\n\n").next().unwrap();
            let back = read_back(summary, &RECORDING_COLUMNS);
            assert_eq!(back[0]["TASK"], r.task.to_string(), "at {width:?}:\n{text}");
        }
    }
}

#[test]
fn colour_follows_the_flag_then_no_color_then_the_terminal() {
    use recq::cli::ColorChoice::{Always, Auto, Never};
    use recq::colour_enabled;
    assert!(colour_enabled(Auto, true, None));
    assert!(!colour_enabled(Auto, false, None));
    assert!(!colour_enabled(Auto, true, Some("1")));
    // NO_COLOR set but empty does not count (no-color.org).
    assert!(colour_enabled(Auto, true, Some("")));
    // An explicit flag wins over NO_COLOR and over where the output goes.
    assert!(colour_enabled(Always, false, Some("1")));
    assert!(!colour_enabled(Never, true, None));
}

#[test]
fn recq_demo_fits_columns_and_colours_only_when_asked() {
    for width in ["80", "120", "200"] {
        let run = support::run_demo_with(&["demo"], &[("COLUMNS", width)]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let widest = run.stdout.lines().map(|l| l.chars().count()).max().unwrap();
        assert!(
            widest <= width.parse().unwrap(),
            "COLUMNS={width}: {widest}"
        );
        assert!(!run.stdout.contains('\x1b'));
    }
    let always = support::run_demo_with(&["demo", "--color", "always"], &[("NO_COLOR", "1")]);
    assert!(
        always
            .stdout
            .lines()
            .any(|l| l.contains('\x1b') && l.contains("completed")),
        "{}",
        always.stdout
    );
    let never = support::run_demo_with(&["demo", "--color", "never"], &[]);
    assert!(!never.stdout.contains('\x1b'));
    let bad = support::run_demo_with(&["demo", "--color", "sometimes"], &[]);
    assert_eq!(bad.code, 2);
}
