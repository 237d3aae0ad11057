//! The serde model of a vendor spec (`crates/<vendor>-record/api-spec.toml`).
//! See `xtask/SPEC_FORMAT.md` for the format.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::Path;

/// One vendor's spec.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub vendor: VendorSpec,
    #[serde(default)]
    pub endpoints: Vec<Endpoint>,
    #[serde(default)]
    pub structs: Vec<StructSpec>,
    #[serde(default)]
    pub enums: Vec<EnumSpec>,
    #[serde(default)]
    pub errors: Vec<ErrorSpec>,
    #[serde(default)]
    pub requests: Vec<RequestSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorSpec {
    pub name: String,
    pub display: String,
    #[serde(rename = "crate")]
    pub crate_name: String,
    pub doc: String,
    pub default_host: String,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub error_body: Option<String>,
    #[serde(default)]
    pub hosts: Vec<Host>,
    /// How the generic client sends this vendor's operations (`[vendor.client]`); without
    /// it no `Client` is generated.
    #[serde(default)]
    pub client: Option<ClientSpec>,
}

/// `[vendor.client]`: what `cargo xtask codegen` needs to generate the vendor's `Client`,
/// its operation methods and the HTTP mapping of each request.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientSpec {
    /// The crate's `record_core::service::Protocol` type, built with `new(credentials)`.
    pub protocol: String,
    /// Whether the encoder puts `Action` and `Version` (when the endpoint has them) first
    /// in the query string.
    #[serde(default)]
    pub action_in_query: bool,
    /// Headers every request carries, as `[name, value]`, in order.
    #[serde(default)]
    pub headers: Vec<[String; 2]>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Host {
    pub name: String,
    pub url: String,
    #[serde(default)]
    pub doc: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    pub name: String,
    pub rust_name: String,
    pub method: String,
    pub path: String,
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub rate_limit_per_sec: Option<u32>,
    #[serde(default)]
    pub query_window: Option<String>,
    pub doc: String,
    #[serde(default)]
    pub zh: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    pub request: String,
    pub response: String,
    #[serde(default)]
    pub examples: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// Whether repeating the operation is harmless (`true`: every retryable failure is
    /// retried) or not (`false`: retried only when the request certainly did not arrive).
    pub idempotent: bool,
    /// Why the operation is (not) idempotent, from the vendor's docs.
    #[serde(default)]
    pub idempotency_note: Option<String>,
    /// How the endpoint's answers are paged, when they are (generates a lazy item stream).
    #[serde(default)]
    pub pagination: Option<Pagination>,
}

/// How a listing endpoint pages (`[endpoints.pagination]`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pagination {
    /// `page_number` (the input is a page number: the next page is this one + 1) or
    /// `offset` (the input counts items: the next offset is this one + the items received).
    pub style: PageStyle,
    /// The request parameter (wire name, `u32`) holding the page number or the offset.
    pub input: String,
    /// Its value when the request leaves it unset (the vendor's default).
    pub first: u32,
    /// The request parameter (wire name, `u32`) holding the page size (`page_number` style:
    /// its documented `default` is the page size when the request leaves it unset).
    pub size_input: String,
    /// Where the answer echoes the page size, as a path of wire names (e.g. `Data.PageSize`).
    #[serde(default)]
    pub size_output: Option<String>,
    /// Where the answer gives the total item count (e.g. `Data.TotalCount`).
    pub total: String,
    /// Where the answer holds the page's items, a list of structs (e.g. `Data.TaskList`).
    pub items: String,
    /// The item field (wire name) that identifies an item: a page with the same keys as
    /// the previous one ends the walk (a server that ignores the page input).
    pub item_key: String,
}

/// The two paging styles.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PageStyle {
    /// The input is a page number.
    PageNumber,
    /// The input is an item offset.
    Offset,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StructSpec {
    pub name: String,
    pub doc: String,
    #[serde(default)]
    pub zh: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub fields: Vec<Field>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub wire: String,
    #[serde(default)]
    pub rust: Option<String>,
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub unit: Option<String>,
    pub doc: String,
    #[serde(default)]
    pub zh: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub flex: bool,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub example: Option<toml::Value>,
    /// For `custom:` types: the spec structs the hand-written type holds.
    #[serde(default)]
    pub wraps: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumSpec {
    pub name: String,
    pub repr: Repr,
    pub doc: String,
    #[serde(default)]
    pub zh: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    pub values: Vec<EnumValue>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Repr {
    Int,
    String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumValue {
    pub raw: toml::Value,
    pub variant: String,
    pub meaning: String,
    #[serde(default)]
    pub zh: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorSpec {
    pub code: String,
    #[serde(default)]
    pub numeric: Option<i64>,
    #[serde(default)]
    pub http_status: Option<u16>,
    pub meaning: String,
    #[serde(default)]
    pub zh: Option<String>,
    pub kind: String,
    pub retryable: bool,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestSpec {
    pub name: String,
    pub endpoint: String,
    pub doc: String,
    #[serde(default)]
    pub zh: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub custom_validation: bool,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub params: Vec<Param>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Param {
    pub wire: String,
    #[serde(default)]
    pub rust: Option<String>,
    #[serde(rename = "type")]
    pub ty: String,
    pub location: Location,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub default: Option<String>,
    pub doc: String,
    #[serde(default)]
    pub zh: Option<String>,
    #[serde(default)]
    pub min: Option<i64>,
    #[serde(default)]
    pub max: Option<i64>,
    #[serde(default)]
    pub len_bytes: Option<usize>,
    #[serde(default)]
    pub non_empty: bool,
    #[serde(default)]
    pub one_of: Vec<toml::Value>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub example: Option<toml::Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Location {
    Body,
    Query,
    Path,
}

pub const STATES: &[&str] = &[
    "starting",
    "recording",
    "paused",
    "stopping",
    "processing",
    "completed",
    "failed",
    "gone",
    "unknown",
];

pub const KINDS: &[&str] = &[
    "invalid_request",
    "unauthenticated",
    "permission_denied",
    "not_found",
    "rate_limited",
    "timeout",
    "transport",
    "server",
    "decode",
    "vendor",
];

impl Spec {
    /// Reads and validates a spec file.
    pub fn load(path: &Path) -> Result<Spec> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let spec: Spec =
            toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        spec.validate()
            .with_context(|| format!("invalid spec {}", path.display()))?;
        Ok(spec)
    }

    pub fn find_struct(&self, name: &str) -> Option<&StructSpec> {
        self.structs.iter().find(|s| s.name == name)
    }

    pub fn find_enum(&self, name: &str) -> Option<&EnumSpec> {
        self.enums.iter().find(|s| s.name == name)
    }

    fn validate(&self) -> Result<()> {
        let mut names = BTreeSet::new();
        for n in self
            .structs
            .iter()
            .map(|s| &s.name)
            .chain(self.enums.iter().map(|e| &e.name))
            .chain(self.requests.iter().map(|r| &r.name))
        {
            if !names.insert(n.clone()) {
                bail!("type name `{n}` is defined twice");
            }
        }
        for e in &self.endpoints {
            if !self.requests.iter().any(|r| r.name == e.request) {
                bail!(
                    "endpoint {}: request `{}` is not defined",
                    e.name,
                    e.request
                );
            }
            if self.find_struct(&e.response).is_none() {
                bail!(
                    "endpoint {}: response `{}` is not defined",
                    e.name,
                    e.response
                );
            }
        }
        if let Some(b) = &self.vendor.error_body
            && self.find_struct(b).is_none()
        {
            bail!("vendor.error_body `{b}` is not defined");
        }
        for s in &self.structs {
            let mut seen = BTreeSet::new();
            for f in &s.fields {
                self.check_type(&f.ty)
                    .with_context(|| format!("{}.{}", s.name, f.wire))?;
                for w in &f.wraps {
                    if self.find_struct(w).is_none() {
                        bail!("{}.{}: wraps unknown struct `{w}`", s.name, f.wire);
                    }
                }
                if !seen.insert(f.wire.clone()) {
                    bail!("{}.{}: duplicate field", s.name, f.wire);
                }
            }
        }
        for r in &self.requests {
            if !self.endpoints.iter().any(|e| e.name == r.endpoint) {
                bail!(
                    "request {}: endpoint `{}` is not defined",
                    r.name,
                    r.endpoint
                );
            }
            for p in &r.params {
                self.check_type(&p.ty)
                    .with_context(|| format!("{}.{}", r.name, p.wire))?;
                if p.ty.starts_with("struct:") || p.ty.starts_with("list:") {
                    bail!(
                        "{}.{}: request params cannot be structs or lists",
                        r.name,
                        p.wire
                    );
                }
            }
        }
        for en in &self.enums {
            let mut raws = BTreeSet::new();
            for v in &en.values {
                let ok = match en.repr {
                    Repr::Int => v.raw.is_integer(),
                    Repr::String => v.raw.is_str(),
                };
                if !ok {
                    bail!("enum {}: raw value {} does not match repr", en.name, v.raw);
                }
                if !raws.insert(v.raw.to_string()) {
                    bail!("enum {}: raw value {} listed twice", en.name, v.raw);
                }
                if v.variant == "Unknown" {
                    bail!(
                        "enum {}: `Unknown` is reserved for undocumented values",
                        en.name
                    );
                }
                if let Some(st) = &v.state
                    && !STATES.contains(&st.as_str())
                {
                    bail!("enum {}: state `{st}` is not one of {STATES:?}", en.name);
                }
            }
        }
        for e in &self.errors {
            if !KINDS.contains(&e.kind.as_str()) {
                bail!(
                    "error {}: kind `{}` is not one of {KINDS:?}",
                    e.code,
                    e.kind
                );
            }
        }
        Ok(())
    }

    fn check_type(&self, ty: &str) -> Result<()> {
        if let Some(inner) = ty.strip_prefix("list:") {
            return self.check_type(inner);
        }
        if let Some(n) = ty.strip_prefix("enum:") {
            return self
                .find_enum(n)
                .map(|_| ())
                .with_context(|| format!("unknown enum `{n}`"));
        }
        if let Some(n) = ty.strip_prefix("struct:") {
            return self
                .find_struct(n)
                .map(|_| ())
                .with_context(|| format!("unknown struct `{n}`"));
        }
        if ty.starts_with("custom:") {
            return Ok(());
        }
        match ty {
            "string" | "bool" | "i32" | "i64" | "u32" | "u64" | "f64" | "unix_ms" | "unix_s"
            | "duration_ms" | "json" => Ok(()),
            other => bail!("unknown type `{other}`"),
        }
    }
}
