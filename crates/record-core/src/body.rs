//! Request bodies a caller may write as JSON in the vendor's own field names (e.g. ZEGO's
//! `StartRecord` body handed to `recq zego start --body FILE`): secrets inside a body, the
//! policy for fields the model does not know, and the strict decoder that names the JSON path
//! of whatever is wrong.
//!
//! The generated request models use these; every failure is an [`Error`] of kind
//! [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) whose
//! [`parameter`](Error::parameter) is a JSON path such as `$.RecordInputParams.RecordMode`
//! or `$.RecordInputParams.MixConfig.MixInputList[1].Top`.

use crate::Error;
use secrecy::{ExposeSecret, SecretString};
use serde::de::{self, DeserializeOwned, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A secret travelling inside a request body (a storage access key secret, a VOD secret
/// key, an STS token): sent verbatim on the wire, never shown.
///
/// `Debug` prints `[REDACTED]`; there is no `Display`; errors about it never quote it (a
/// non-string JSON value is refused without showing the value). It serializes as the plain
/// JSON string the vendor expects. Equality is constant-time.
#[derive(Clone, Default)]
pub struct SecretValue(SecretString);

impl SecretValue {
    /// Wraps `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Self(SecretString::from(value.into()))
    }

    /// The secret itself, for the wire (and for tests that scan output for it).
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// True when the secret is the empty string (what the documented examples send for
    /// the fields a storage vendor does not need).
    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }
}

impl From<String> for SecretValue {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for SecretValue {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl PartialEq for SecretValue {
    fn eq(&self, other: &Self) -> bool {
        use subtle::ConstantTimeEq;
        self.expose()
            .as_bytes()
            .ct_eq(other.expose().as_bytes())
            .into()
    }
}

impl Eq for SecretValue {}

thread_local! {
    /// Set while [`with_secrets_redacted`] runs on this thread.
    static REDACTING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with every [`SecretValue`] serialized as
/// [`PreparedRequest::REDACTED`](crate::client::PreparedRequest::REDACTED) instead of its
/// value, on this thread (serialization is synchronous): how a dry run shows a request body
/// that carries storage keys without showing them. Outside `f`, secrets serialize verbatim,
/// as the vendor needs them.
pub fn with_secrets_redacted<T>(f: impl FnOnce() -> T) -> T {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            REDACTING.with(|r| r.set(self.0));
        }
    }
    let _reset = Reset(REDACTING.with(|r| r.replace(true)));
    f()
}

impl Serialize for SecretValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if REDACTING.with(std::cell::Cell::get) {
            return s.serialize_str(crate::client::PreparedRequest::REDACTED);
        }
        s.serialize_str(self.expose())
    }
}

impl<'de> Deserialize<'de> for SecretValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SecretVisitor)
    }
}

struct SecretVisitor;

const NOT_A_STRING: &str =
    "wrong type, expected a string (the value of a secret field is not shown)";

impl<'de> Visitor<'de> for SecretVisitor {
    type Value = SecretValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<SecretValue, E> {
        Ok(SecretValue::new(v))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<SecretValue, E> {
        Ok(SecretValue::new(v))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<SecretValue, E> {
        Err(E::custom(NOT_A_STRING))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<SecretValue, E> {
        Err(E::custom(NOT_A_STRING))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<SecretValue, E> {
        Err(E::custom(NOT_A_STRING))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<SecretValue, E> {
        Err(E::custom(NOT_A_STRING))
    }

    fn visit_unit<E: de::Error>(self) -> Result<SecretValue, E> {
        Err(E::custom(NOT_A_STRING))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<SecretValue, A::Error> {
        Err(de::Error::custom(NOT_A_STRING))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<SecretValue, A::Error> {
        Err(de::Error::custom(NOT_A_STRING))
    }
}

/// What to do with a JSON field the request model does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnknownFields {
    /// Refuse the body, naming the field's JSON path (the default: a typo such as
    /// `RecordModee` must not be dropped silently).
    #[default]
    Refuse,
    /// Keep the field and send it verbatim, in the object where it was found (for fields
    /// the vendor added after this model was generated).
    Keep,
}

/// Decodes a request body written by the caller, strictly: one JSON value and nothing after
/// it, every type as the model says.
///
/// Fields the model does not know are collected by the model (it keeps them per object);
/// the generated `validate` applies the [`UnknownFields`] policy afterwards.
///
/// # Errors
/// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) with the JSON path of
/// the first problem as [`parameter`](Error::parameter) (`$` for the body as a whole); the
/// message never quotes a received value.
pub fn decode_json_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = json_path(&e.path().to_string());
        let segments: Vec<serde_path_to_error::Segment> = e.path().iter().cloned().collect();
        let inner = e.into_inner();
        let msg = inner.to_string();
        if let Some(rest) = msg.strip_prefix("missing field `")
            && let Some(name) = rest.split('`').next()
        {
            // A required field misspelt (`RecordInputParmas`) is missing under its own
            // name: name the misspelling, which is what the caller must fix.
            if let Some(typo) = misspelt_as(body, &segments, name) {
                return Error::invalid_parameter(
                    child(&path, &typo),
                    format!(
                        "is not a documented field (did you mean `{name}`?, which is required and missing)"
                    ),
                );
            }
            return Error::invalid_parameter(child(&path, name), "is required");
        }
        Error::invalid_parameter(path, describe(&inner))
    })?;
    de.end()
        .map_err(|_| Error::invalid_parameter("$", "the body has bytes after its JSON value"))?;
    Ok(value)
}

/// A key of the object at `segments` in `body` that is one or two edits from the missing
/// field `name` (and is not `name` itself), if any.
fn misspelt_as(
    body: &[u8],
    segments: &[serde_path_to_error::Segment],
    name: &str,
) -> Option<String> {
    use serde_path_to_error::Segment;
    let root: serde_json::Value = serde_json::from_slice(body).ok()?;
    let mut at = &root;
    for segment in segments {
        at = match segment {
            Segment::Seq { index } => at.get(*index)?,
            Segment::Map { key } => at.get(key.as_str())?,
            Segment::Enum { .. } | Segment::Unknown => return None,
        };
    }
    let lower = name.to_ascii_lowercase();
    at.as_object()?
        .keys()
        .filter(|k| k.as_str() != name)
        .map(|k| (edit_distance(&k.to_ascii_lowercase(), &lower), k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.clone())
}

/// `$` joined with a `serde_path_to_error` path (`.` for the root).
fn json_path(path: &str) -> String {
    if path == "." || path.is_empty() {
        "$".to_owned()
    } else {
        format!("$.{path}")
    }
}

fn child(path: &str, name: &str) -> String {
    format!("{path}.{name}")
}

/// serde_json's message without the received value it may quote and without its
/// position suffix.
fn describe(err: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let msg = err.to_string();
    let msg = match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg,
    };
    match err.classify() {
        Category::Syntax | Category::Eof | Category::Io => {
            format!(
                "the body is not valid JSON ({msg}, line {} column {})",
                err.line(),
                err.column()
            )
        }
        Category::Data => {
            let expected = msg.split_once(", expected ").map(|(_, e)| e);
            if let Some(rest) = msg.strip_prefix("invalid type: ") {
                let kind = rest.split([' ', ',']).next().unwrap_or("value");
                match expected {
                    Some(e) => format!("wrong type ({kind}), expected {e}"),
                    None => format!("wrong type ({kind})"),
                }
            } else if msg.starts_with("invalid value: ") || msg.starts_with("invalid length ") {
                match expected {
                    Some(e) => format!("invalid value, expected {e}"),
                    None => "invalid value".to_owned(),
                }
            } else {
                msg
            }
        }
    }
}

/// The error for an unknown field `key` at `path` (the object's path), with a suggestion
/// when a known field is one or two edits away (`RecordModee` → `RecordMode`).
pub fn unknown_field_error(path: &str, key: &str, known: &[&str]) -> Error {
    let hint = known
        .iter()
        .map(|k| {
            (
                edit_distance(&key.to_ascii_lowercase(), &k.to_ascii_lowercase()),
                *k,
            )
        })
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default();
    Error::invalid_parameter(
        child(path, key),
        format!(
            "is not a documented field{hint}; the known fields here are {}. Allow unknown fields to send it verbatim",
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
}

/// The error for an extra field set in code under the name of a documented field (it would
/// be sent twice).
pub fn shadowing_field_error(path: &str, key: &str) -> Error {
    Error::invalid_parameter(
        child(path, key),
        "is a documented field: set it through the model, not as an unknown field",
    )
}

/// Applies `policy` to the unknown fields of one object at `path`.
///
/// # Errors
/// With [`UnknownFields::Refuse`], the first unknown field; with either policy, an unknown
/// field whose name is a known one (possible only for a value built in code).
pub fn check_unknown_fields(
    path: &str,
    unknown: &serde_json::Map<String, serde_json::Value>,
    known: &[&str],
    policy: UnknownFields,
) -> Result<(), Error> {
    for key in unknown.keys() {
        if known.contains(&key.as_str()) {
            return Err(shadowing_field_error(path, key));
        }
        if policy == UnknownFields::Refuse {
            return Err(unknown_field_error(path, key, known));
        }
    }
    Ok(())
}

/// Writes the names of `unknown` (never their values, which may hold secrets) for a
/// model's `Debug`.
pub fn debug_unknown_keys(unknown: &serde_json::Map<String, serde_json::Value>) -> Vec<&str> {
    unknown.keys().map(String::as_str).collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct TypoOuter {
        #[serde(rename = "Inner")]
        inner: Vec<TypoInner>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct TypoInner {
        #[serde(rename = "RecordMode")]
        record_mode: u8,
    }

    #[test]
    fn a_misspelt_required_field_is_named_by_its_misspelling() {
        let e = decode_json_body::<TypoOuter>(br#"{"Innr": []}"#).unwrap_err();
        assert_eq!(e.parameter(), Some("$.Innr"));
        assert!(e.to_string().contains("did you mean `Inner`?"), "{e}");
        let e =
            decode_json_body::<TypoOuter>(br#"{"Inner": [{"RecordMode": 1}, {"RecordMdoe": 1}]}"#)
                .unwrap_err();
        assert_eq!(e.parameter(), Some("$.Inner[1].RecordMdoe"));
        // Nothing near: the missing field itself.
        let e = decode_json_body::<TypoOuter>(br#"{"Inner": [{"Other": 1}]}"#).unwrap_err();
        assert_eq!(e.parameter(), Some("$.Inner[0].RecordMode"));
        assert!(e.to_string().contains("is required"), "{e}");
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        #[serde(rename = "Top")]
        top: u32,
        #[serde(rename = "Key")]
        key: Option<SecretValue>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        #[serde(rename = "List")]
        list: Vec<Inner>,
    }

    #[test]
    fn secrets_never_show() {
        let s = SecretValue::new("hunter2");
        assert_eq!(format!("{s:?}"), "[REDACTED]");
        assert_eq!(
            serde_json::to_string(&s).ok().as_deref(),
            Some("\"hunter2\"")
        );
        assert_eq!(s, SecretValue::from("hunter2"));
        assert_ne!(s, SecretValue::from("hunter3"));
        let e = decode_json_body::<Outer>(br#"{"List":[{"Top":1,"Key":987654}]}"#).err();
        let e = e.map(|e| (e.parameter().map(str::to_owned), e.to_string()));
        let (param, text) = e.unwrap_or_default();
        assert_eq!(param.as_deref(), Some("$.List[0].Key"));
        assert!(!text.contains("987654"), "{text}");
    }

    #[test]
    fn paths_name_the_field() {
        let e = decode_json_body::<Outer>(br#"{"List":[{"Top":1},{"Top":"x"}]}"#).err();
        assert_eq!(e.as_ref().and_then(Error::parameter), Some("$.List[1].Top"));
        assert!(e.is_some_and(|e| !e.to_string().contains("\"x\"")));
        let e = decode_json_body::<Outer>(br#"{"List":[{}]}"#).err();
        assert_eq!(e.as_ref().and_then(Error::parameter), Some("$.List[0].Top"));
        let e = decode_json_body::<Outer>(br#"{"List":[]} x"#).err();
        assert_eq!(e.as_ref().and_then(Error::parameter), Some("$"));
        let e = decode_json_body::<Outer>(br#"{"List":"#).err();
        assert_eq!(e.as_ref().and_then(Error::parameter), Some("$.List"));
    }

    #[test]
    fn unknown_fields_suggest_a_near_name() {
        let e = unknown_field_error(
            "$.RecordInputParams",
            "RecordModee",
            &["RecordMode", "StreamType"],
        );
        assert_eq!(e.parameter(), Some("$.RecordInputParams.RecordModee"));
        assert!(e.to_string().contains("did you mean `RecordMode`?"), "{e}");
        let mut m = serde_json::Map::new();
        m.insert("Extra".into(), serde_json::Value::Bool(true));
        assert!(check_unknown_fields("$", &m, &["A"], UnknownFields::Keep).is_ok());
        assert!(check_unknown_fields("$", &m, &["A"], UnknownFields::Refuse).is_err());
        assert!(check_unknown_fields("$", &m, &["Extra"], UnknownFields::Keep).is_err());
    }
}
