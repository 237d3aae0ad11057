//! The fuzz targets' names, their input formats and their seed corpora.
//!
//! This module depends on `std` and `toml` only: `xtask` includes the same file (with
//! `#[path]`) to fill `target/fuzz/corpus/<target>/` without compiling the vendor crates, and
//! `tests/regressions.rs` uses it to run every target over the same seeds under `cargo test`.
//!
//! Input formats (what the target functions of this crate expect):
//!
//! * `<vendor>_decode`: the response body, as is.
//! * `<vendor>_error`: [`error_input`]: two bytes of HTTP status (big-endian; a value outside
//!   100..=999 is mapped into it), one byte giving the length of a `Retry-After` header value,
//!   one byte giving the length of an `x-request-id` header value, those two values, then
//!   the body.
//! * `<vendor>_sign`: [`FIELD_SEPARATOR`]-separated fields ([`encode_fields`]); the order of
//!   the fields of each vendor is given by the `*_sign_fields` functions below and by the
//!   target functions.

use std::path::{Path, PathBuf};

/// Every fuzz target, in the order `cargo xtask fuzz --all` runs them.
pub const TARGETS: [&str; 12] = [
    "zego_decode",
    "zego_error",
    "zego_sign",
    "qingcloud_decode",
    "qingcloud_error",
    "qingcloud_sign",
    "volc_decode",
    "volc_error",
    "volc_sign",
    "agora_decode",
    "agora_error",
    "agora_sign",
];

/// The byte that separates the fields of a `<vendor>_sign` input. `0xFF` never occurs in
/// UTF-8, so every text value (invalid UTF-8 included, but for this one byte) can be a field.
pub const FIELD_SEPARATOR: u8 = 0xFF;

/// One seed input: a file name (unique within its target) and its bytes.
pub type Seed = (String, Vec<u8>);

/// Joins `fields` with [`FIELD_SEPARATOR`].
pub fn encode_fields(fields: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(FIELD_SEPARATOR);
        }
        out.extend_from_slice(field);
    }
    out
}

/// The input of an `<vendor>_error` target: HTTP `status`, optional `Retry-After` and
/// `x-request-id` header values (empty: not sent; at most 255 bytes each, longer ones are
/// cut) and the body.
pub fn error_input(status: u16, retry_after: &[u8], request_id: &[u8], body: &[u8]) -> Vec<u8> {
    let retry_after = &retry_after[..retry_after.len().min(255)];
    let request_id = &request_id[..request_id.len().min(255)];
    let mut out = Vec::with_capacity(4 + retry_after.len() + request_id.len() + body.len());
    out.extend_from_slice(&status.to_be_bytes());
    out.push(u8::try_from(retry_after.len()).unwrap_or(u8::MAX));
    out.push(u8::try_from(request_id.len()).unwrap_or(u8::MAX));
    out.extend_from_slice(retry_after);
    out.extend_from_slice(request_id);
    out.extend_from_slice(body);
    out
}

/// The seed corpus of `target` built from the fixtures below `root` (the workspace root):
/// the response bodies for `_decode` and `_error` targets, the signing vectors for `_sign`
/// targets. Does not include the regression inputs of `fixtures/fuzz/<target>/`
/// ([`regression_inputs`]).
///
/// # Errors
///
/// An unknown target, or a fixture that cannot be read or parsed (the message names it).
pub fn seed_corpus(root: &Path, target: &str) -> Result<Vec<Seed>, String> {
    let (vendor, kind) = target
        .split_once('_')
        .filter(|_| TARGETS.contains(&target))
        .ok_or_else(|| {
            format!(
                "unknown fuzz target `{target}` (known: {})",
                TARGETS.join(", ")
            )
        })?;
    let fixtures = root.join("fixtures").join(vendor);
    match kind {
        "decode" => {
            let mut seeds = Vec::new();
            for path in response_files(&fixtures)? {
                seeds.push((seed_name(&fixtures, &path), read(&path)?));
            }
            Ok(seeds)
        }
        "error" => error_seeds(&fixtures),
        "sign" => sign_seeds(vendor, &fixtures.join("signing")),
        _ => Err(format!("unknown fuzz target `{target}`")),
    }
}

/// The committed regression inputs of `target`: every file in `fixtures/fuzz/<target>/`
/// below `root` (none when the folder does not exist), sorted by name.
///
/// # Errors
///
/// A folder or file that exists but cannot be read.
pub fn regression_inputs(root: &Path, target: &str) -> Result<Vec<Seed>, String> {
    let dir = root.join("fixtures").join("fuzz").join(target);
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for path in list_dir(&dir)? {
        if path.is_file() {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            out.push((name, read(&path)?));
        }
    }
    Ok(out)
}

/// Every `*.json` file below `dir` (recursively), except those of `signing/`, sorted.
fn response_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for path in list_dir(&d)? {
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "signing") {
                    pending.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Error seeds: every response body under HTTP 200 and 500 and under the status its
/// `cases.toml` entry documents (`http_status`), plus a few bodies that are not JSON.
fn error_seeds(fixtures: &Path) -> Result<Vec<Seed>, String> {
    let mut seeds = Vec::new();
    for path in response_files(fixtures)? {
        let body = read(&path)?;
        let name = seed_name(fixtures, &path);
        let mut statuses = vec![200, 500];
        if let Some(s) = documented_status(&path)?
            && !statuses.contains(&s)
        {
            statuses.push(s);
        }
        for status in statuses {
            seeds.push((
                format!("{name}-http{status}"),
                error_input(status, b"", b"", &body),
            ));
        }
    }
    let synthetic = [
        ("empty-404", error_input(404, b"", b"", b"")),
        (
            "empty-429-retry-after",
            error_input(429, b"3", b"req-1", b""),
        ),
        (
            "html-502",
            error_input(502, b"", b"", b"<html><body>Bad Gateway</body></html>"),
        ),
        (
            "text-503-http-date",
            error_input(
                503,
                b"Wed, 21 Oct 2015 07:28:00 GMT",
                b"",
                b"Service Unavailable",
            ),
        ),
        (
            "truncated-200",
            error_input(200, b"", b"", b"{\"code\": 0, \"Data\": {"),
        ),
    ];
    for (name, input) in synthetic {
        seeds.push((format!("synthetic-{name}"), input));
    }
    Ok(seeds)
}

/// The `http_status` that `cases.toml` next to `path` gives for its case, if any.
fn documented_status(path: &Path) -> Result<Option<u16>, String> {
    let (Some(dir), Some(case)) = (path.parent(), path.file_stem()) else {
        return Ok(None);
    };
    let cases = dir.join("cases.toml");
    if !cases.is_file() {
        return Ok(None);
    }
    let table = read_toml(&cases)?;
    Ok(table
        .get(&*case.to_string_lossy())
        .and_then(|c| c.get("http_status"))
        .and_then(toml::Value::as_integer)
        .and_then(|s| u16::try_from(s).ok()))
}

/// Sign seeds: every `signing/<case>/case.toml` converted to the target's field format.
fn sign_seeds(vendor: &str, dir: &Path) -> Result<Vec<Seed>, String> {
    let mut seeds = Vec::new();
    for case_dir in list_dir(dir)? {
        let file = case_dir.join("case.toml");
        if !file.is_file() {
            continue;
        }
        let table = read_toml(&file)?;
        let input = table
            .get("input")
            .and_then(toml::Value::as_table)
            .ok_or_else(|| format!("{}: no [input] table", file.display()))?;
        let fields = match vendor {
            "zego" => zego_sign_fields(input),
            "qingcloud" => qingcloud_sign_fields(input),
            "volc" => volc_sign_fields(input),
            "agora" => agora_sign_fields(input),
            other => return Err(format!("no signing seeds for vendor `{other}`")),
        };
        let refs: Vec<&[u8]> = fields.iter().map(Vec::as_slice).collect();
        let name = case_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        seeds.push((format!("signing-{name}"), encode_fields(&refs)));
    }
    Ok(seeds)
}

/// `zego_sign`: `app_id` (decimal text), `server_secret`, `action`, `nonce`, `timestamp`.
pub fn zego_sign_fields(input: &toml::Table) -> Vec<Vec<u8>> {
    let app_id = if input.contains_key("app_id_text") {
        text(input, "app_id_text")
    } else {
        text(input, "app_id")
    };
    vec![
        app_id,
        text(input, "server_secret"),
        text(input, "action"),
        text(input, "nonce"),
        text(input, "timestamp"),
    ]
}

/// `qingcloud_sign`: `method`, `path`, `access_key_id`, `secret_access_key`,
/// `unix_seconds`, body (empty: no body; otherwise a marker byte, then the body bytes),
/// then query names and values alternately.
pub fn qingcloud_sign_fields(input: &toml::Table) -> Vec<Vec<u8>> {
    let mut fields = vec![
        text(input, "method"),
        text(input, "path"),
        text(input, "access_key_id"),
        text(input, "secret_access_key"),
        text(input, "unix_seconds"),
        optional_with_marker(input, "body"),
    ];
    fields.extend(query_fields(input));
    fields
}

/// `volc_sign`: `method`, `host`, `path`, `access_key_id`, `secret_access_key`,
/// `session_token` (empty: none), `region`, `service`, content type (empty: none; otherwise
/// a marker byte, then the value), `time`, signed headers (empty: the standard set;
/// otherwise `;`-separated header names), `body`, then query names and values alternately.
pub fn volc_sign_fields(input: &toml::Table) -> Vec<Vec<u8>> {
    let signed_headers = input
        .get("signed_headers")
        .and_then(toml::Value::as_array)
        .map(|names| {
            names
                .iter()
                .filter_map(toml::Value::as_str)
                .collect::<Vec<_>>()
                .join(";")
                .into_bytes()
        })
        .unwrap_or_default();
    let mut fields = vec![
        text(input, "method"),
        text(input, "host"),
        text(input, "path"),
        text(input, "access_key_id"),
        text(input, "secret_access_key"),
        text(input, "session_token"),
        text(input, "region"),
        text(input, "service"),
        optional_with_marker(input, "content_type"),
        text(input, "time"),
        signed_headers,
        text(input, "body"),
    ];
    fields.extend(query_fields(input));
    fields
}

/// `agora_sign`: `customer_id`, `customer_secret`.
pub fn agora_sign_fields(input: &toml::Table) -> Vec<Vec<u8>> {
    vec![text(input, "customer_id"), text(input, "customer_secret")]
}

/// The marker byte in front of an optional value that is present (`qingcloud_sign` body,
/// `volc_sign` content type).
pub const PRESENT: u8 = b'=';

fn optional_with_marker(input: &toml::Table, key: &str) -> Vec<u8> {
    if input.contains_key(key) {
        let mut v = vec![PRESENT];
        v.extend(text(input, key));
        v
    } else {
        Vec::new()
    }
}

fn query_fields(input: &toml::Table) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for pair in input
        .get("query")
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
    {
        let pair = pair.as_array().map(Vec::as_slice).unwrap_or_default();
        for part in pair.iter().take(2) {
            out.push(value_text(part));
        }
    }
    out
}

/// A string or integer value as bytes; empty when absent.
fn text(input: &toml::Table, key: &str) -> Vec<u8> {
    input.get(key).map(value_text).unwrap_or_default()
}

fn value_text(value: &toml::Value) -> Vec<u8> {
    match value {
        toml::Value::String(s) => s.clone().into_bytes(),
        toml::Value::Integer(i) => i.to_string().into_bytes(),
        other => other.to_string().into_bytes(),
    }
}

fn seed_name(base: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    let name = rel.to_string_lossy().replace(['/', '\\'], "_");
    format!("fixture-{name}")
}

fn list_dir(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    out.sort();
    Ok(out)
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn read_toml(path: &Path) -> Result<toml::Table, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}
