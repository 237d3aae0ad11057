//! Helpers for fixture tests: decode a fixture, serialize it back, and list every JSON path
//! where the round trip differs from the original. A documented field our models dropped,
//! an unknown field, or a changed value all show up as a differing path.

use serde_json::Value;
use std::fmt::Debug;

/// A decoded fixture: the typed value (for snapshots) and its serialization (for round trips).
pub struct Decoded {
    /// The typed value, boxed for a `Debug` snapshot.
    pub value: Box<dyn Debug>,
    /// The typed value serialized back to JSON.
    pub reserialized: Value,
}

impl Decoded {
    /// Decodes `body` as `T` and serializes it back.
    pub fn of<T>(body: &[u8]) -> Result<Self, serde_json::Error>
    where
        T: serde::de::DeserializeOwned + serde::Serialize + Debug + 'static,
    {
        let typed: T = serde_json::from_slice(body)?;
        let reserialized = serde_json::to_value(&typed)?;
        Ok(Self {
            value: Box::new(typed),
            reserialized,
        })
    }
}

/// Every JSON path at which `expected` and `actual` differ, e.g. `$.Data.TaskList` or
/// `$.recinfos[0].pid`. Empty when they are equal. Numbers compare by value (`1` == `1.0`).
pub fn json_diff(expected: &Value, actual: &Value) -> Vec<String> {
    let mut out = Vec::new();
    diff_at("$", expected, actual, &mut out);
    out
}

fn diff_at(path: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, va) in a {
                let p = format!("{path}.{k}");
                match b.get(k) {
                    Some(vb) => diff_at(&p, va, vb, out),
                    None => out.push(format!("{p} (missing after round trip)")),
                }
            }
            for k in b.keys().filter(|k| !a.contains_key(*k)) {
                out.push(format!("{path}.{k} (added by round trip)"));
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                out.push(format!("{path} (length {} vs {})", a.len(), b.len()));
            }
            for (i, (va, vb)) in a.iter().zip(b).enumerate() {
                diff_at(&format!("{path}[{i}]"), va, vb, out);
            }
        }
        (Value::Number(a), Value::Number(b)) => {
            if a != b && a.as_f64() != b.as_f64() {
                out.push(format!("{path} ({a} vs {b})"));
            }
        }
        (a, b) => {
            if a != b {
                out.push(format!("{path} ({a} vs {b})"));
            }
        }
    }
}

/// Decodes the fixture at `path` with `decode` (a vendor crate's `decode_fixture`) and checks
/// that it round-trips: the typed value serialized back must equal the fixture, or, where a
/// normalisation is deliberate, `roundtrip/<case>.json` next to it. Returns the typed value
/// for a snapshot.
///
/// This is a test helper: it panics, naming the fixture and every differing JSON path,
/// when the fixture cannot be read or decoded or does not round-trip.
pub fn check_fixture(
    path: &std::path::Path,
    decode: fn(&str, &[u8]) -> Result<Decoded, serde_json::Error>,
) -> Box<dyn Debug> {
    let shown = path.display();
    let dir = path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .unwrap_or_else(|| panic!("{shown}: fixture must live in fixtures/<vendor>/<api>/"));
    check_fixture_in(path, dir, decode)
}

/// [`check_fixture`] with the folder passed to `decode` given explicitly (for request
/// fixtures in `fixtures/<vendor>/<api>/requests/`, whose type the `<api>` folder names).
///
/// This is a test helper: it panics like [`check_fixture`].
pub fn check_fixture_in(
    path: &std::path::Path,
    dir: &str,
    decode: fn(&str, &[u8]) -> Result<Decoded, serde_json::Error>,
) -> Box<dyn Debug> {
    let shown = path.display();
    let body = std::fs::read(path).unwrap_or_else(|e| panic!("{shown}: cannot read: {e}"));
    let decoded = decode(dir, &body).unwrap_or_else(|e| panic!("{shown}: does not decode: {e}"));
    let expected_path = path
        .parent()
        .map(|p| {
            p.join("roundtrip")
                .join(path.file_name().unwrap_or_default())
        })
        .filter(|p| p.exists());
    let expected_bytes = match &expected_path {
        Some(p) => std::fs::read(p).unwrap_or_else(|e| panic!("{}: cannot read: {e}", p.display())),
        None => body,
    };
    let expected: Value = serde_json::from_slice(&expected_bytes)
        .unwrap_or_else(|e| panic!("{shown}: expected round trip is not JSON: {e}"));
    let diff = json_diff(&expected, &decoded.reserialized);
    assert!(
        diff.is_empty(),
        "{shown}: round trip differs from {} at:\n  {}",
        expected_path
            .as_ref()
            .map_or_else(|| "the fixture".to_owned(), |p| p.display().to_string()),
        diff.join("\n  ")
    );
    decoded.value
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reports_missing_added_and_changed_paths() {
        let a = json!({"a": 1, "b": {"c": [1, 2]}, "d": "x"});
        let b = json!({"a": 1, "b": {"c": [1, 3]}, "e": null});
        assert_eq!(
            json_diff(&a, &b),
            vec![
                "$.b.c[1] (2 vs 3)".to_owned(),
                "$.d (missing after round trip)".to_owned(),
                "$.e (added by round trip)".to_owned(),
            ]
        );
        assert!(json_diff(&a, &a).is_empty());
        assert!(json_diff(&json!(1), &json!(1.0)).is_empty());
    }
}
