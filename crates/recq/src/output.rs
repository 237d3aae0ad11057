//! Printing recordings: a readable table (state coloured on a terminal) or JSON.

use record_facade::{Recording, RecordingState, UnixMillis};
use std::fmt::Write as _;

/// Formats a Unix-millisecond time as RFC 3339 UTC with milliseconds.
pub fn format_time(t: Option<UnixMillis>) -> String {
    let Some(UnixMillis(ms)) = t else {
        return "-".to_owned();
    };
    let nanos = i128::from(ms) * 1_000_000;
    time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|d| {
            d.format(&time::macros::format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
            ))
            .ok()
        })
        .unwrap_or_else(|| format!("{ms} ms"))
}

/// The state, coloured with ANSI codes when `colour` is set.
pub fn state_text(state: RecordingState, colour: bool) -> String {
    if !colour {
        return state.as_str().to_owned();
    }
    let code = match state {
        RecordingState::Completed => "32",
        RecordingState::Failed | RecordingState::Gone => "31",
        RecordingState::Recording => "36",
        RecordingState::Paused | RecordingState::Stopping | RecordingState::Processing => "33",
        RecordingState::Starting => "34",
        RecordingState::Unknown => "35",
    };
    format!("\x1b[{code}m{}\x1b[0m", state.as_str())
}

fn size_text(bytes: Option<u64>) -> String {
    match bytes {
        None => "-".to_owned(),
        Some(b) if b < 1024 => format!("{b} B"),
        Some(b) if b < 1024 * 1024 => format!("{:.1} KiB", b as f64 / 1024.0),
        Some(b) if b < 1024 * 1024 * 1024 => format!("{:.1} MiB", b as f64 / 1048576.0),
        Some(b) => format!("{:.2} GiB", b as f64 / 1073741824.0),
    }
}

/// Aligns rows into columns; widths count characters, colour codes excluded.
fn render(rows: &[Vec<String>]) -> String {
    let visible = |s: &str| {
        let mut n = 0;
        let mut in_escape = false;
        for c in s.chars() {
            match (in_escape, c) {
                (false, '\x1b') => in_escape = true,
                (true, 'm') => in_escape = false,
                (true, _) => {}
                (false, _) => n += 1,
            }
        }
        n
    };
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| visible(c))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            let pad = widths
                .get(i)
                .copied()
                .unwrap_or(0)
                .saturating_sub(visible(cell));
            line.push_str(cell);
            if i + 1 < row.len() {
                line.push_str(&" ".repeat(pad + 2));
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

/// The header of the recordings table.
pub fn table_header() -> Vec<String> {
    [
        "VENDOR",
        "TASK",
        "STATE",
        "VENDOR STATUS",
        "STARTED",
        "ENDED",
        "FILES",
        "STOP REASON",
    ]
    .map(str::to_owned)
    .to_vec()
}

/// The task ids for a table cell: Agora resource ids (hundreds of characters) are shortened
/// to their first and last 6 characters; JSON output always has them in full.
pub fn task_cell(task: &record_facade::TaskRef) -> String {
    match task {
        record_facade::TaskRef::Agora {
            app_id,
            resource_id,
            sid,
            mode,
        } => {
            let chars: Vec<char> = resource_id.chars().collect();
            let short = if chars.len() > 16 {
                let head: String = chars.iter().take(6).collect();
                let tail: String = chars.iter().skip(chars.len() - 6).collect();
                format!("{head}…{tail}")
            } else {
                resource_id.clone()
            };
            format!("{app_id}/{short}/{sid}/{mode}")
        }
        other => other.to_string(),
    }
}

/// The widest vendor-status meaning a table shows (JSON output has it in full).
const STATUS_MEANING_WIDTH: usize = 60;

/// `text` cut to `max` characters, the cut marked with `…`.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// One row of the recordings table.
pub fn table_row(r: &Recording, colour: bool) -> Vec<String> {
    table_row_with(r, colour, true)
}

/// [`table_row`], with the FILES cell a dash when the answer does not carry files
/// (`files_known` false: ZEGO `DescribeTasks`), so that no zero reads as a fact.
pub fn table_row_with(r: &Recording, colour: bool, files_known: bool) -> Vec<String> {
    vec![
        r.vendor.id().to_owned(),
        task_cell(&r.task),
        state_text(r.state, colour),
        format!(
            "{} ({})",
            r.vendor_status.code,
            shorten(&r.vendor_status.meaning, STATUS_MEANING_WIDTH)
        ),
        format_time(r.started_at),
        format_time(r.ended_at),
        if files_known {
            r.files.len().to_string()
        } else {
            "-".to_owned()
        },
        r.stop_reason
            .as_ref()
            .map_or_else(|| "-".to_owned(), |s| format!("{} ({})", s.code, s.meaning)),
    ]
}

/// Rows rendered as a table (header included).
pub fn table(rows: Vec<Vec<String>>) -> String {
    let mut all = vec![table_header()];
    all.extend(rows);
    render(&all)
}

const FILE_HEADER: [&str; 7] = [
    "FILE", "STATE", "SIZE", "DURATION", "FORMAT", "STARTED", "URL",
];

/// One row of a files table.
fn file_row(f: &record_facade::RecordingFile, colour: bool) -> Vec<String> {
    vec![
        f.name.clone(),
        f.state
            .map_or_else(|| "-".to_owned(), |s| state_text(s, colour)),
        size_text(f.size_bytes),
        f.duration.map_or_else(
            || "-".to_owned(),
            |d| format!("{:.1} s", d.0 as f64 / 1000.0),
        ),
        f.format.clone().unwrap_or_else(|| "-".to_owned()),
        format_time(f.started_at),
        f.url.clone().unwrap_or_else(|| "-".to_owned()),
    ]
}

fn file_warnings(out: &mut String, r: &Recording) {
    for f in &r.files {
        if let Some(w) = &f.warning {
            let _ = writeln!(out, "warning: {}: {}: {w}", r.vendor.id(), f.name);
        }
    }
}

/// One recording in detail: the summary table, then its files.
pub fn recording_detail(r: &Recording, colour: bool) -> String {
    let mut out = table(vec![table_row(r, colour)]);
    if !r.files.is_empty() {
        out.push('\n');
        let mut rows = vec![FILE_HEADER.map(str::to_owned).to_vec()];
        rows.extend(r.files.iter().map(|f| file_row(f, colour)));
        out.push_str(&render(&rows));
        file_warnings(&mut out, r);
    }
    out
}

/// The files of several recordings in one table, with a VENDOR column first, then every
/// file warning; empty when none has files.
pub fn files_table(recordings: &[Recording], colour: bool) -> String {
    let mut rows = vec![
        std::iter::once("VENDOR")
            .chain(FILE_HEADER)
            .map(str::to_owned)
            .collect::<Vec<_>>(),
    ];
    for r in recordings {
        for f in &r.files {
            let mut row = vec![r.vendor.id().to_owned()];
            row.extend(file_row(f, colour));
            rows.push(row);
        }
    }
    if rows.len() == 1 {
        return String::new();
    }
    let mut out = render(&rows);
    for r in recordings {
        file_warnings(&mut out, r);
    }
    out
}

/// One recording as one line of JSON.
pub fn json_line(r: &Recording) -> String {
    serde_json::to_string(r).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}
