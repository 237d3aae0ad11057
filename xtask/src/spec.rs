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
    #[serde(default)]
    pub request_structs: Vec<RequestStructSpec>,
}

/// A spec part (`crates/<vendor>-record/spec/*.toml`): more entries of the vendor's spec,
/// e.g. written by the openapi import step. Everything but `[vendor]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecPart {
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
    #[serde(default)]
    pub request_structs: Vec<RequestStructSpec>,
}

/// `[[request_structs]]`: a nested object of a `json_body` request.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestStructSpec {
    pub name: String,
    pub doc: String,
    #[serde(default)]
    pub zh: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub fields: Vec<Param>,
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
    /// Request examples: fixtures `fixtures/<vendor>/<rust_name>/requests/<case>.json`.
    #[serde(default)]
    pub request_examples: Vec<String>,
    /// Whether the client gets a method and the request an `Encode` (default true);
    /// false declares the operation for its models only.
    #[serde(default = "yes")]
    pub client: bool,
    #[serde(default)]
    pub note: Option<String>,
    /// Whether repeating the operation is harmless (`true`: every retryable failure is
    /// retried) or not (`false`: retried only when the request certainly did not arrive).
    pub idempotent: bool,
    /// Why the operation is (not) idempotent, from the vendor's docs.
    #[serde(default)]
    pub idempotency_note: Option<String>,
    /// The operation stops a recording: its client method returns
    /// `record_core::StopAnswer<Response>` (the response implements
    /// `record_core::DecodeStop`), so that "already stopped" is an outcome, not an error.
    #[serde(default)]
    pub stop: bool,
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

fn yes() -> bool {
    true
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
    /// The body is a JSON document callers may also write themselves: nested
    /// `[[request_structs]]`, `from_json`, unknown-field policy, JSON-path parameters.
    #[serde(default)]
    pub json_body: bool,
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
    #[serde(default)]
    pub location: Location,
    /// A secret (`string` only): `record_core::SecretValue`, never shown.
    #[serde(default)]
    pub secret: bool,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Location {
    #[default]
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
        let mut spec: Spec =
            toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        // Spec parts beside it (`spec/*.toml`), in file-name order.
        let parts_dir = path.parent().map(|d| d.join("spec"));
        if let Some(dir) = parts_dir.filter(|d| d.is_dir()) {
            let mut files: Vec<_> = std::fs::read_dir(&dir)
                .with_context(|| format!("reading {}", dir.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().and_then(|x| x.to_str()) == Some("toml"))
                .collect();
            files.sort();
            for f in files {
                let text = std::fs::read_to_string(&f)
                    .with_context(|| format!("reading {}", f.display()))?;
                let part: SpecPart =
                    toml::from_str(&text).with_context(|| format!("parsing {}", f.display()))?;
                spec.merge(part);
            }
        }
        spec.validate()
            .with_context(|| format!("invalid spec {}", path.display()))?;
        Ok(spec)
    }

    /// Appends the entries of a spec part.
    pub fn merge(&mut self, part: SpecPart) {
        self.endpoints.extend(part.endpoints);
        self.structs.extend(part.structs);
        self.enums.extend(part.enums);
        self.errors.extend(part.errors);
        self.requests.extend(part.requests);
        self.request_structs.extend(part.request_structs);
    }

    pub fn find_request_struct(&self, name: &str) -> Option<&RequestStructSpec> {
        self.request_structs.iter().find(|s| s.name == name)
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
            .chain(self.request_structs.iter().map(|r| &r.name))
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
            if r.json_body {
                for p in &r.params {
                    if p.location != Location::Body {
                        bail!(
                            "{}.{}: a json_body request has body params only",
                            r.name,
                            p.wire
                        );
                    }
                    self.check_param(p)
                        .with_context(|| format!("{}.{}", r.name, p.wire))?;
                }
                continue;
            }
            for p in &r.params {
                self.check_type(&p.ty)
                    .with_context(|| format!("{}.{}", r.name, p.wire))?;
                if p.secret {
                    bail!(
                        "{}.{}: secret params need a json_body request",
                        r.name,
                        p.wire
                    );
                }
                if p.ty.starts_with("struct:") || p.ty.starts_with("list:") {
                    bail!(
                        "{}.{}: request params cannot be structs or lists",
                        r.name,
                        p.wire
                    );
                }
            }
        }
        for rs in &self.request_structs {
            let mut seen = BTreeSet::new();
            for f in &rs.fields {
                self.check_param(f)
                    .with_context(|| format!("{}.{}", rs.name, f.wire))?;
                if !seen.insert(f.wire.clone()) {
                    bail!("{}.{}: duplicate field", rs.name, f.wire);
                }
            }
        }
        for e in &self.endpoints {
            let json = self
                .requests
                .iter()
                .any(|r| r.name == e.request && r.json_body);
            if !e.request_examples.is_empty() && !json {
                bail!(
                    "endpoint {}: request_examples need a json_body request",
                    e.name
                );
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

    /// A field of a `json_body` request or of a `[[request_structs]]` entry.
    fn check_param(&self, p: &Param) -> Result<()> {
        if p.secret && p.ty != "string" {
            bail!("secret applies to strings");
        }
        let mut ty = p.ty.as_str();
        if let Some(inner) = ty.strip_prefix("list:") {
            ty = inner;
        }
        if let Some(n) = ty.strip_prefix("struct:") {
            return self
                .find_request_struct(n)
                .map(|_| ())
                .with_context(|| format!("unknown request struct `{n}`"));
        }
        if ty.starts_with("list:") {
            bail!("lists of lists are not supported");
        }
        self.check_type(ty)
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
