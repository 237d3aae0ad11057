//! The commands that act on a recording (start, stop, pause, resume, update, snapshot,
//! acquire): read a body the caller wrote in the vendor's own field names, send one
//! operation, print one report.
//!
//! A body is checked by the vendor crate's model before anything is sent: a field the model
//! does not know, a wrong type or a documented limit is a usage error (exit 2) naming the
//! JSON path; `--allow-unknown-fields` sends unknown fields verbatim instead. Errors never
//! quote the body (it may carry storage keys), and `--dry-run` shows it with its secrets
//! redacted.

use crate::config::ConfigError;
use crate::{Ctx, Failure, exit, output};
use record_facade::{Recording, StopOutcome, TaskRef, UnknownFields, Vendor};
use serde::Serialize;
use std::io::Read as _;
use std::path::Path;

/// What one lifecycle command prints: the keys of the README's "Lifecycle output" table.
#[derive(Debug, Serialize)]
pub(crate) struct Report {
    /// The vendor id (`zego`, `volc`, `agora`).
    pub vendor: &'static str,
    /// The vendor's own name of the operation (`StartRecord`, `acquire`, ...).
    pub action: &'static str,
    /// The ids of the recording, as in a recording's `task` (for Agora `acquire`:
    /// `app_id` and `resource_id`).
    pub task: serde_json::Value,
    /// The vendor's request id, when it gave one.
    pub request_id: Option<String>,
    /// The vendor's answer, in its own field names.
    pub raw: serde_json::Value,
    /// For a stop: `stopped`, or `already_stopped` when the vendor reports the task had
    /// stopped before this call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<StopOutcome>,
    /// For Agora's stop: the recording built from the stop answer (its files).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recording: Option<Recording>,
}

impl Report {
    /// A report of `action` on `vendor`'s `task`, with the vendor's answer `raw`.
    pub fn new(
        vendor: Vendor,
        action: &'static str,
        task: &TaskRef,
        request_id: Option<String>,
        raw: &impl Serialize,
    ) -> Self {
        Self {
            vendor: vendor.id(),
            action,
            task: serde_json::to_value(task).unwrap_or(serde_json::Value::Null),
            request_id,
            raw: serde_json::to_value(raw).unwrap_or(serde_json::Value::Null),
            outcome: None,
            recording: None,
        }
    }

    /// The same report with a stop's outcome.
    pub fn with_outcome(mut self, outcome: StopOutcome) -> Self {
        self.outcome = Some(outcome);
        self
    }

    /// The same report with the recording the answer describes.
    #[allow(dead_code)] // for Agora's stop, whose answer carries the files
    pub fn with_recording(mut self, recording: Recording) -> Self {
        self.recording = Some(recording);
        self
    }

    /// The rows of the table form: one `NAME value` line per key.
    fn rows(&self) -> Vec<(&'static str, String)> {
        let text = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let mut rows = vec![
            ("VENDOR", self.vendor.to_owned()),
            ("ACTION", self.action.to_owned()),
        ];
        if let serde_json::Value::Object(ids) = &self.task {
            for (k, v) in ids {
                rows.push((id_label(k), text(v)));
            }
        }
        rows.push((
            "REQUEST ID",
            self.request_id.clone().unwrap_or_else(|| "-".to_owned()),
        ));
        if let Some(outcome) = self.outcome {
            rows.push(("OUTCOME", outcome_text(outcome).to_owned()));
        }
        if let Some(r) = &self.recording {
            rows.push(("STATE", output::state_text(r.state, false)));
            rows.push(("FILES", r.files.len().to_string()));
        }
        rows.push(("RAW", self.raw.to_string()));
        rows
    }
}

/// The table label of a task id key.
fn id_label(key: &str) -> &'static str {
    match key {
        "task_id" => "TASK ID",
        "app_id" => "APP ID",
        "room_id" => "ROOM ID",
        "resource_id" => "RESOURCE ID",
        "sid" => "SID",
        "mode" => "MODE",
        "cname" => "CNAME",
        "uid" => "UID",
        "channel" => "CHANNEL",
        "record_id" => "RECORD ID",
        _ => "ID",
    }
}

/// A stop outcome as the JSON shows it.
fn outcome_text(outcome: StopOutcome) -> &'static str {
    match outcome {
        StopOutcome::AlreadyStopped => "already_stopped",
        _ => "stopped",
    }
}

impl Ctx<'_, '_> {
    /// Prints `report`: one JSON object, or a table on a terminal (the recording of an
    /// Agora stop with its files below).
    pub fn print_report(&mut self, report: &Report) -> Result<i32, Failure> {
        match self.format() {
            crate::cli::OutputFormat::Json => {
                let line = serde_json::to_string(report)
                    .map_err(|e| Failure::Io(std::io::Error::other(e)))?;
                writeln!(self.io.out, "{line}")?;
            }
            crate::cli::OutputFormat::Table => {
                write!(
                    self.io.out,
                    "{}",
                    output::fields_table(&report.rows(), self.layout)
                )?;
                if let Some(r) = &report.recording {
                    if !r.files.is_empty() {
                        writeln!(self.io.out)?;
                        write!(
                            self.io.out,
                            "{}",
                            output::files_table(std::slice::from_ref(r), self.layout)
                        )?;
                    }
                }
            }
        }
        Ok(exit::OK)
    }
}

/// The bytes of `--body FILE` (`-`: standard input). The error names the file, never its
/// content.
pub(crate) fn read_body(path: &Path) -> Result<Vec<u8>, Failure> {
    let read = if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map(|_| bytes)
    } else {
        std::fs::read(path)
    };
    read.map_err(|e| {
        let name = if path == Path::new("-") {
            "standard input".to_owned()
        } else {
            path.display().to_string()
        };
        Failure::Config(ConfigError(format!("--body {name}: cannot read it: {e}")))
    })
}

/// The policy for fields the model does not know.
pub(crate) fn unknown_fields(allow: bool) -> UnknownFields {
    if allow {
        UnknownFields::Keep
    } else {
        UnknownFields::Refuse
    }
}

/// A body that is a JSON object, for commands that fill in an id from the command line.
/// Not an object (or not JSON): a usage error naming the flag, without quoting the body.
pub(crate) fn body_object(
    bytes: &[u8],
) -> Result<serde_json::Map<String, serde_json::Value>, Failure> {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(_) => Err(Failure::Config(ConfigError(
            "--body: `$` must be a JSON object".to_owned(),
        ))),
        Err(e) => Err(Failure::Config(ConfigError(format!(
            "--body: not JSON (line {}, column {})",
            e.line(),
            e.column()
        )))),
    }
}

/// Puts `value` under `key` of `body`, or checks that the value there equals it: the id on
/// the command line and the one in the body must not disagree.
pub(crate) fn id_in_body(
    body: &mut serde_json::Map<String, serde_json::Value>,
    key: &str,
    value: &str,
    flag: &str,
) -> Result<(), Failure> {
    match body.get(key) {
        None => {
            body.insert(key.to_owned(), serde_json::Value::String(value.to_owned()));
            Ok(())
        }
        Some(serde_json::Value::String(given)) if given == value => Ok(()),
        Some(_) => Err(Failure::Config(ConfigError(format!(
            "--body: `$.{key}` differs from {flag} `{value}`; leave it out or make it equal"
        )))),
    }
}
