//! Printing recordings: tables laid out for the terminal's width (states coloured when
//! colour is on), or JSON.
//!
//! Tables are laid out by `comfy-table`. Nothing is ever shortened: a cell too long for its
//! column wraps (prose between words, ids, file names and URLs anywhere, each line of the
//! cell continuing the one before). When the columns cannot fit the width even wrapped, the
//! table is printed as records instead: one `NAME  value` line per column, a blank line
//! between records. Units: sizes in IEC units (KiB = 1024 bytes), durations as
//! `1m 3s 120ms`, times RFC 3339 UTC with milliseconds (a space between date and time in
//! tables, so that a narrow column wraps there).

use comfy_table::{Cell, Color, ColumnConstraint, ContentArrangement, Table, Width, presets};
use record_facade::{Recording, RecordingFile, RecordingState, TaskRef, UnixMillis};
use std::fmt::Write as _;

/// How output is laid out for where it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Layout {
    /// The width to fit, in terminal columns; `None` for no limit (a file or a pipe with no
    /// `COLUMNS`).
    pub width: Option<usize>,
    /// Whether states are coloured (ANSI escape codes).
    pub colour: bool,
}

/// Formats a Unix-millisecond time as RFC 3339 UTC with milliseconds
/// (`2026-12-03T10:00:00.000Z`).
pub fn format_time(t: Option<UnixMillis>) -> String {
    format_time_with(t, 'T')
}

/// [`format_time`] with `separator` between date and time (RFC 3339 allows a space).
fn format_time_with(t: Option<UnixMillis>, separator: char) -> String {
    let Some(UnixMillis(ms)) = t else {
        return "-".to_owned();
    };
    let nanos = i128::from(ms) * 1_000_000;
    time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|d| {
            let date = d.format(&time::macros::format_description!("[year]-[month]-[day]"));
            let clock = d.format(&time::macros::format_description!(
                "[hour]:[minute]:[second].[subsecond digits:3]Z"
            ));
            Some(format!("{}{separator}{}", date.ok()?, clock.ok()?))
        })
        .unwrap_or_else(|| format!("{ms} ms"))
}

/// The ANSI colour of a state.
fn state_colour(state: RecordingState) -> Color {
    match state {
        RecordingState::Completed => Color::Green,
        RecordingState::Failed | RecordingState::Gone => Color::Red,
        RecordingState::Recording => Color::Cyan,
        RecordingState::Paused | RecordingState::Stopping | RecordingState::Processing => {
            Color::Yellow
        }
        RecordingState::Starting => Color::Blue,
        RecordingState::Unknown => Color::Magenta,
        // A state this build does not know yet: shown like an unknown one.
        _ => Color::Magenta,
    }
}

/// The state, coloured with ANSI codes when `colour` is set.
pub fn state_text(state: RecordingState, colour: bool) -> String {
    if !colour {
        return state.as_str().to_owned();
    }
    let code = match state_colour(state) {
        Color::Green => 32,
        Color::Red => 31,
        Color::Cyan => 36,
        Color::Yellow => 33,
        Color::Blue => 34,
        _ => 35,
    };
    format!("\x1b[{code}m{}\x1b[0m", state.as_str())
}

/// A size in IEC units (`1.5 MiB`), `-` when unknown.
pub fn size_text(bytes: Option<u64>) -> String {
    bytes.map_or_else(
        || "-".to_owned(),
        |b| bytesize::ByteSize::b(b).display().iec().to_string(),
    )
}

/// A duration given in milliseconds, as `1m 3s 120ms`; `-` when unknown; a negative one
/// (a vendor's inconsistent times) as it came, `-5 ms`.
pub fn duration_text(millis: Option<i64>) -> String {
    match millis {
        None => "-".to_owned(),
        Some(ms) => u64::try_from(ms).map_or_else(
            |_| format!("{ms} ms"),
            |ms| humantime::format_duration(std::time::Duration::from_millis(ms)).to_string(),
        ),
    }
}

/// How a column may wrap when the width is short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wrap {
    /// Never: names, states, counts, sizes.
    Never,
    /// Between words only (prose, times): no word is ever cut.
    Words,
    /// Anywhere (ids, file names, URLs): the cell's lines joined give the value back.
    Anywhere,
}

/// The narrowest a [`Wrap::Anywhere`] column gets before the table turns into records.
const ANYWHERE_MIN_WIDTH: usize = 16;

/// Spaces between two columns.
const GAP: u16 = 2;

/// One cell: its text and, for a state, the state (coloured when colour is on).
#[derive(Debug, Clone)]
struct Field {
    text: String,
    state: Option<RecordingState>,
}

impl Field {
    fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            state: None,
        }
    }

    fn cell(&self, colour: bool) -> Cell {
        let cell = Cell::new(&self.text);
        match self.state {
            Some(s) if colour => cell.fg(state_colour(s)),
            _ => cell,
        }
    }
}

/// Columns and rows, before layout.
struct Grid {
    columns: Vec<(&'static str, Wrap)>,
    rows: Vec<Vec<Field>>,
}

impl Grid {
    /// The narrowest each column may get: its widest cell when it never wraps, its longest
    /// word for prose, [`ANYWHERE_MIN_WIDTH`] (or less when all fit) for ids.
    fn lower_bounds(&self) -> Vec<usize> {
        let width = |s: &str| console::measure_text_width(s);
        self.columns
            .iter()
            .enumerate()
            .map(|(i, (name, wrap))| {
                let cells = self.rows.iter().filter_map(|r| r.get(i)).map(|f| &f.text);
                let longest_word = |s: &str| s.split(' ').map(width).max().unwrap_or(0);
                match wrap {
                    Wrap::Never => cells.map(|s| width(s)).max().unwrap_or(0).max(width(name)),
                    Wrap::Words => cells
                        .map(|s| longest_word(s))
                        .max()
                        .unwrap_or(0)
                        .max(longest_word(name)),
                    Wrap::Anywhere => cells
                        .map(|s| width(s))
                        .max()
                        .unwrap_or(0)
                        .min(ANYWHERE_MIN_WIDTH)
                        .max(longest_word(name)),
                }
            })
            .collect()
    }
}

/// A borderless table: columns two spaces apart, no padding at either end of a line.
fn base_table(layout: Layout, width: Option<usize>) -> Table {
    let mut table = Table::new();
    table.load_preset(presets::NOTHING).force_no_tty();
    if layout.colour {
        // Colour the text only, not the padding after it, so that lines still end where
        // their text does.
        table.enforce_styling().style_text_only();
    }
    match width {
        Some(w) => {
            table
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(u16::try_from(w).unwrap_or(u16::MAX));
        }
        None => {
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    table
}

/// Pads every column but the last on the right by [`GAP`], and bounds each from below
/// (`lower_bounds` are content widths; comfy-table compares its bounds with the width
/// padding included, so the padding is added).
fn shape_columns(table: &mut Table, lower_bounds: &[usize]) {
    let count = lower_bounds.len();
    let padding = |i: usize| if i + 1 < count { GAP } else { 0 };
    table.set_constraints(lower_bounds.iter().enumerate().map(|(i, &w)| {
        let with_padding = u16::try_from(w)
            .unwrap_or(u16::MAX)
            .saturating_add(padding(i));
        ColumnConstraint::LowerBoundary(Width::Fixed(with_padding))
    }));
    for (i, column) in table.column_iter_mut().enumerate() {
        column.set_padding((0, padding(i)));
    }
}

/// Prose wrapped between words to `width` (a word longer than the width is split), one
/// newline after each line; unchanged when there is no width.
pub fn wrap_text(text: &str, width: Option<usize>) -> String {
    let Some(width) = width else {
        return format!("{text}\n");
    };
    let mut table = base_table(Layout::default(), Some(width));
    table.add_row(vec![Cell::new(text)]);
    shape_columns(&mut table, &[1]);
    finish(&table)
}

/// The table's lines, trailing spaces trimmed, each ending in a newline.
fn finish(table: &Table) -> String {
    let mut out = String::new();
    for line in table.lines() {
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

/// The grid as columns side by side, fitted to `width` when given.
fn columns_layout(grid: &Grid, layout: Layout, width: Option<usize>) -> String {
    let mut table = base_table(layout, width);
    table.set_header(grid.columns.iter().map(|(name, _)| Cell::new(name)));
    for row in &grid.rows {
        table.add_row(row.iter().map(|f| f.cell(layout.colour)));
    }
    shape_columns(&mut table, &grid.lower_bounds());
    finish(&table)
}

/// The grid as records: one `NAME  value` line per column (values wrapping), a blank line
/// between records.
fn records_layout(grid: &Grid, layout: Layout, width: usize) -> String {
    let mut table = base_table(layout, Some(width));
    let name_width = grid
        .columns
        .iter()
        .map(|(name, _)| console::measure_text_width(name))
        .max()
        .unwrap_or(0);
    for (i, row) in grid.rows.iter().enumerate() {
        if i > 0 {
            table.add_row(vec![Cell::new(""), Cell::new("")]);
        }
        for ((name, _), field) in grid.columns.iter().zip(row) {
            table.add_row(vec![Cell::new(name), field.cell(layout.colour)]);
        }
    }
    shape_columns(&mut table, &[name_width, 1]);
    finish(&table)
}

/// Lays the grid out: side by side when that fits `layout.width`, as records otherwise.
fn render(grid: &Grid, layout: Layout) -> String {
    let Some(width) = layout.width else {
        return columns_layout(grid, layout, None);
    };
    let side_by_side = columns_layout(grid, layout, Some(width));
    if side_by_side
        .lines()
        .all(|l| console::measure_text_width(l) <= width)
    {
        side_by_side
    } else {
        records_layout(grid, layout, width)
    }
}

/// Named values, one `NAME  value` line each, values wrapping to the width (the report of
/// a lifecycle command).
pub fn fields_table(rows: &[(&'static str, String)], layout: Layout) -> String {
    let mut table = base_table(layout, layout.width);
    let name_width = rows
        .iter()
        .map(|(name, _)| console::measure_text_width(name))
        .max()
        .unwrap_or(0);
    for (name, value) in rows {
        table.add_row(vec![Cell::new(name), Cell::new(value)]);
    }
    shape_columns(&mut table, &[name_width, 1]);
    finish(&table)
}

/// The task ids as one cell, in full (Agora resource ids run to hundreds of characters;
/// they wrap, they are never shortened).
pub fn task_cell(task: &TaskRef) -> String {
    task.to_string()
}

/// The columns of the recordings table.
const RECORDING_COLUMNS: [(&str, Wrap); 8] = [
    ("VENDOR", Wrap::Never),
    ("TASK", Wrap::Anywhere),
    ("STATE", Wrap::Never),
    ("VENDOR STATUS", Wrap::Words),
    ("STARTED", Wrap::Words),
    ("ENDED", Wrap::Words),
    ("FILES", Wrap::Never),
    ("STOP REASON", Wrap::Words),
];

/// One row of the recordings table; FILES is a dash when the answer does not carry files
/// (`files_known` false: ZEGO `DescribeTasks`), so that no zero reads as a fact.
fn recording_row(r: &Recording, files_known: bool) -> Vec<Field> {
    vec![
        Field::text(r.vendor.id()),
        Field::text(task_cell(&r.task)),
        Field {
            text: r.state.as_str().to_owned(),
            state: Some(r.state),
        },
        Field::text(format!(
            "{} ({})",
            r.vendor_status.code, r.vendor_status.meaning
        )),
        Field::text(format_time_with(r.started_at, ' ')),
        Field::text(format_time_with(r.ended_at, ' ')),
        Field::text(if files_known {
            r.files.len().to_string()
        } else {
            "-".to_owned()
        }),
        Field::text(
            r.stop_reason
                .as_ref()
                .map_or_else(|| "-".to_owned(), |s| format!("{} ({})", s.code, s.meaning)),
        ),
    ]
}

/// The recordings as one table. `files_known` false shows FILES as a dash (the answer
/// does not carry files: ZEGO `DescribeTasks`), so that no zero reads as a fact.
pub fn recordings_table(recordings: &[Recording], files_known: bool, layout: Layout) -> String {
    render(
        &Grid {
            columns: RECORDING_COLUMNS.to_vec(),
            rows: recordings
                .iter()
                .map(|r| recording_row(r, files_known))
                .collect(),
        },
        layout,
    )
}

/// The columns of the files table.
const FILE_COLUMNS: [(&str, Wrap); 9] = [
    ("VENDOR", Wrap::Never),
    ("TASK", Wrap::Anywhere),
    ("FILE", Wrap::Anywhere),
    ("STATE", Wrap::Never),
    ("SIZE", Wrap::Never),
    ("DURATION", Wrap::Words),
    ("FORMAT", Wrap::Never),
    ("STARTED", Wrap::Words),
    ("URL", Wrap::Anywhere),
];

/// One row of the files table: the recording it belongs to, then the file.
fn file_row(r: &Recording, f: &RecordingFile) -> Vec<Field> {
    vec![
        Field::text(r.vendor.id()),
        Field::text(task_cell(&r.task)),
        Field::text(&f.name),
        f.state.map_or_else(
            || Field::text("-"),
            |s| Field {
                text: s.as_str().to_owned(),
                state: Some(s),
            },
        ),
        Field::text(size_text(f.size_bytes)),
        Field::text(duration_text(f.duration.map(|d| d.0))),
        Field::text(f.format.clone().unwrap_or_else(|| "-".to_owned())),
        Field::text(format_time_with(f.started_at, ' ')),
        Field::text(f.url.clone().unwrap_or_else(|| "-".to_owned())),
    ]
}

/// Every file warning of `r`, naming the recording and the file, wrapped to `width`.
fn file_warnings(out: &mut String, r: &Recording, width: Option<usize>) {
    for f in &r.files {
        if let Some(w) = &f.warning {
            let text = format!("warning: {} {}: {}: {w}", r.vendor.id(), r.task, f.name);
            out.push_str(&wrap_text(&text, width));
        }
    }
}

/// The files of several recordings in one table, each row naming its vendor and task, then
/// every file warning; empty when none has files.
pub fn files_table(recordings: &[Recording], layout: Layout) -> String {
    let rows: Vec<Vec<Field>> = recordings
        .iter()
        .flat_map(|r| r.files.iter().map(move |f| file_row(r, f)))
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    let mut out = render(
        &Grid {
            columns: FILE_COLUMNS.to_vec(),
            rows,
        },
        layout,
    );
    for r in recordings {
        file_warnings(&mut out, r, layout.width);
    }
    out
}

/// Recordings in full: their table, then (after a blank line) the table of their files.
pub fn recordings_with_files(recordings: &[Recording], layout: Layout) -> String {
    let mut out = recordings_table(recordings, true, layout);
    let files = files_table(recordings, layout);
    if !files.is_empty() {
        out.push('\n');
        out.push_str(&files);
    }
    out
}

/// One recording as one line of JSON.
pub fn json_line(r: &Recording) -> String {
    serde_json::to_string(r).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_sizes_and_durations_use_their_documented_units() {
        assert_eq!(
            format_time(Some(UnixMillis(1_764_756_000_123))),
            "2025-12-03T10:00:00.123Z"
        );
        assert_eq!(
            format_time_with(Some(UnixMillis(1_764_756_000_123)), ' '),
            "2025-12-03 10:00:00.123Z"
        );
        assert_eq!(format_time(None), "-");
        assert_eq!(size_text(Some(512)), "512 B");
        assert_eq!(size_text(Some(1_572_864)), "1.5 MiB");
        assert_eq!(size_text(None), "-");
        assert_eq!(duration_text(Some(63_120)), "1m 3s 120ms");
        assert_eq!(duration_text(Some(-5)), "-5 ms");
        assert_eq!(duration_text(None), "-");
    }

    #[test]
    fn columns_wrap_between_words_then_turn_into_records_when_they_cannot_fit() {
        let grid = Grid {
            columns: vec![("NAME", Wrap::Never), ("NOTE", Wrap::Words)],
            rows: vec![vec![Field::text("a-long-name"), Field::text("some words")]],
        };
        let at = |width| {
            render(
                &grid,
                Layout {
                    width: Some(width),
                    colour: false,
                },
            )
        };
        assert_eq!(at(80), "NAME         NOTE\na-long-name  some words\n");
        assert_eq!(
            at(20),
            "NAME         NOTE\na-long-name  some\n             words\n"
        );
        // 11 + 2 + 5 ("words") = 18 columns at the least side by side.
        assert_eq!(at(17), "NAME  a-long-name\nNOTE  some words\n");
    }
}
