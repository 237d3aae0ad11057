//! Generates the `json_body` requests and their `[[request_structs]]` (nested request
//! objects): models a caller builds in code or writes as JSON in the vendor's field names.
//!
//! Every object keeps the fields it does not know (`unknown_fields`, flattened, so they are
//! sent where they were found); `validate_at` walks the tree with the JSON path of each
//! object, applies the unknown-field policy and the declarative limits, and names the path
//! of the first problem.

use crate::gen_rust::{DocParts, Scalar, Ty, field_name, limit_checks, lit, write_doc};
use crate::spec::{Param, RequestSpec, RequestStructSpec, Spec};
use anyhow::{Context, Result, bail};
use heck::{ToShoutySnakeCase, ToSnakeCase};
use std::fmt::Write as _;

const SECRET: &str = "record_core::SecretValue";

/// The Rust type of a field (without `Option`).
fn rust_ty(ty: &Ty<'_>, p: &Param) -> Result<String> {
    if p.secret {
        return Ok(SECRET.to_owned());
    }
    ty.rust(&p.ty)
}

/// The limits of a field, as shown in its docs.
pub(crate) fn limits_text(p: &Param) -> Vec<String> {
    let mut limits = Vec::new();
    if p.required {
        limits.push("required".to_owned());
    }
    if p.non_empty {
        limits.push("must not be empty".to_owned());
    }
    if let Some(n) = p.len_bytes {
        limits.push(format!("exactly {n} bytes"));
    }
    match (p.min, p.max) {
        (Some(lo), Some(hi)) => limits.push(format!("{lo}..={hi}")),
        (Some(lo), None) => limits.push(format!(">= {lo}")),
        (None, Some(hi)) => limits.push(format!("<= {hi}")),
        _ => {}
    }
    if !p.one_of.is_empty() {
        limits.push(format!(
            "one of {}",
            p.one_of
                .iter()
                .map(|v| v.to_string().trim_matches('"').to_owned())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    limits
}

fn field_doc(out: &mut String, p: &Param, indent: &str) {
    let mut extra = vec![format!("JSON key: `{}`.", p.wire)];
    let limits = limits_text(p);
    if !limits.is_empty() {
        extra.push(format!("Checked before sending: {}.", limits.join("; ")));
    }
    if !p.required {
        extra.push("Optional: `None` leaves it out of the body.".to_owned());
    }
    if let Some(d) = &p.default {
        extra.push(format!("Vendor default when not sent: `{d}`."));
    }
    if p.secret {
        extra.push("A secret: sent verbatim, never shown by `Debug` or in errors.".to_owned());
    }
    write_doc(
        out,
        indent,
        &DocParts {
            doc: &p.doc,
            zh: p.zh.as_deref(),
            unit: p.unit.as_deref(),
            source: p.source.as_deref(),
            note: p.note.as_deref(),
            extra,
        },
    );
}

/// The `#[serde(...)]` attribute of a field.
fn serde_attr(p: &Param) -> String {
    if p.required {
        format!("#[serde(rename = {})]", lit(&p.wire))
    } else {
        format!(
            "#[serde(rename = {}, default, skip_serializing_if = \"Option::is_none\")]",
            lit(&p.wire)
        )
    }
}

/// Statements checking one field of `self` at `{path}.Wire` (`path` is a `&str` in scope;
/// `unknown` and `limits` too).
fn check_field(out: &mut String, ty: &Ty<'_>, p: &Param) -> Result<()> {
    let fname = field_name(&p.wire, p.rust.as_deref());
    let wire = &p.wire;
    let (inner_ty, is_list) = match p.ty.strip_prefix("list:") {
        Some(inner) => (inner, true),
        None => (p.ty.as_str(), false),
    };
    let is_struct = inner_ty.starts_with("struct:");
    let scalar_param = Param {
        wire: p.wire.clone(),
        rust: None,
        ty: inner_ty.to_owned(),
        location: p.location,
        secret: p.secret,
        required: p.required,
        default: None,
        doc: String::new(),
        zh: None,
        min: p.min,
        max: p.max,
        len_bytes: p.len_bytes,
        non_empty: p.non_empty,
        one_of: p.one_of.clone(),
        unit: None,
        source: None,
        note: None,
        example: None,
    };
    let checks = if is_struct {
        Vec::new()
    } else if p.secret {
        if p.len_bytes.is_some() || !p.one_of.is_empty() {
            bail!("{wire}: a secret takes no len_bytes or one_of");
        }
        if p.non_empty {
            vec![
                "if v.is_empty() { return Err(checks.fail(HERE, \"must not be empty\")); }"
                    .to_owned(),
            ]
        } else {
            Vec::new()
        }
    } else {
        limit_checks(ty, &scalar_param, Some("HERE"))?
    };
    if !is_struct && checks.is_empty() {
        return Ok(());
    }
    let (open, close) = if p.required {
        (format!("{{ let v = &self.{fname};"), "}".to_owned())
    } else {
        (format!("if let Some(v) = &self.{fname} {{"), "}".to_owned())
    };
    let _ = writeln!(out, "        {open}");
    let here = if is_list {
        let _ = writeln!(out, "            for (i, v) in v.iter().enumerate() {{");
        format!("format!(\"{{path}}.{wire}[{{i}}]\")")
    } else {
        let _ = writeln!(out, "            {{");
        format!("format!(\"{{path}}.{wire}\")")
    };
    if is_struct {
        let _ = writeln!(
            out,
            "                v.validate_at(&{here}, unknown, limits)?;"
        );
    } else {
        let _ = writeln!(
            out,
            "                if limits {{\n                    let checks = record_core::check::Checks::UNNAMED;"
        );
        for check in checks {
            let _ = writeln!(out, "                    {};", check.replace("HERE", &here));
        }
        let _ = writeln!(out, "                }}");
    }
    let _ = writeln!(out, "            }}\n        {close}");
    Ok(())
}

/// `validate_at` of one object.
fn gen_validate_at(out: &mut String, ty: &Ty<'_>, fields: &[Param], vis: &str) -> Result<()> {
    let _ = writeln!(
        out,
        "    /// Checks this object, found at JSON path `path`, and every object below it:\n    /// the unknown-field policy, then (when `limits`) each documented limit.\n    #[allow(clippy::too_many_lines, reason = \"generated: one check per field\")]\n    {vis}fn validate_at(&self, path: &str, unknown: record_core::UnknownFields, limits: bool) -> Result<(), record_core::Error> {{\n        record_core::body::check_unknown_fields(path, &self.unknown_fields, Self::FIELDS, unknown)?;"
    );
    for p in fields {
        check_field(out, ty, p)?;
    }
    let _ = writeln!(out, "        let _ = limits;\n        Ok(())\n    }}");
    Ok(())
}

fn gen_debug(out: &mut String, name: &str, fields: &[Param]) {
    let _ = writeln!(
        out,
        "impl fmt::Debug for {name} {{\n    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {{\n        f.debug_struct({})",
        lit(name)
    );
    for p in fields {
        let fname = field_name(&p.wire, p.rust.as_deref());
        let _ = writeln!(out, "            .field({}, &self.{fname})", lit(&fname));
    }
    let _ = writeln!(
        out,
        "            .field(\"unknown_fields\", &record_core::body::debug_unknown_keys(&self.unknown_fields))\n            .finish()\n    }}\n}}\n"
    );
}

fn fields_const(out: &mut String, fields: &[Param]) {
    let _ = writeln!(
        out,
        "    /// The documented JSON keys of this object, in the vendor's order.\n    pub const FIELDS: &'static [&'static str] = &[{}];\n",
        fields
            .iter()
            .map(|p| lit(&p.wire))
            .collect::<Vec<_>>()
            .join(", ")
    );
}

fn unknown_field_decl(out: &mut String, vis: &str) {
    let _ = writeln!(
        out,
        "    /// JSON fields this model does not know, kept in this object (they are sent after the\n    /// documented ones). Decoding keeps them; `validate` refuses them unless the caller\n    /// allows unknown fields ([`record_core::UnknownFields::Keep`]). `Debug` shows only their\n    /// names.\n    #[serde(flatten)]\n    {vis}unknown_fields: serde_json::Map<String, serde_json::Value>,"
    );
}

/// The argument type of a setter or constructor, and the expression storing it.
fn arg(ty: &Ty<'_>, p: &Param, rty: &str) -> (String, String) {
    if p.secret {
        (format!("impl Into<{SECRET}>"), "value.into()".to_owned())
    } else if ty.scalar(&p.ty) == Scalar::Text {
        ("impl Into<String>".to_owned(), "value.into()".to_owned())
    } else {
        (rty.to_owned(), "value".to_owned())
    }
}

/// A nested request object: pub fields, `new` with the required fields, `validate_at`.
pub(crate) fn gen_request_struct(
    out: &mut String,
    ty: &Ty<'_>,
    s: &RequestStructSpec,
) -> Result<()> {
    let name = &s.name;
    let required: Vec<&Param> = s.fields.iter().filter(|p| p.required).collect();
    let mut extra = vec![
        "Part of a request body: build it with its public fields (and `new` when it has required fields) or decode it from JSON; the enclosing request's `build`/`validate` checks it.".to_owned(),
    ];
    if !required.is_empty() {
        extra.push(format!(
            "Required fields: {}.",
            required
                .iter()
                .map(|p| format!("`{}`", p.wire))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    write_doc(
        out,
        "",
        &DocParts {
            doc: &s.doc,
            zh: s.zh.as_deref(),
            unit: None,
            source: s.source.as_deref(),
            note: s.note.as_deref(),
            extra,
        },
    );
    let default = if required.is_empty() { ", Default" } else { "" };
    let _ = writeln!(
        out,
        "#[derive(Clone, PartialEq, Serialize, Deserialize{default})]\npub struct {name} {{"
    );
    for p in &s.fields {
        field_doc(out, p, "    ");
        let rty = rust_ty(ty, p).with_context(|| format!("{name}.{}", p.wire))?;
        let fname = field_name(&p.wire, p.rust.as_deref());
        let _ = writeln!(out, "    {}", serde_attr(p));
        if p.required {
            let _ = writeln!(out, "    pub {fname}: {rty},");
        } else {
            let _ = writeln!(out, "    pub {fname}: Option<{rty}>,");
        }
    }
    unknown_field_decl(out, "pub ");
    let _ = writeln!(out, "}}\n");
    gen_debug(out, name, &s.fields);
    let _ = writeln!(out, "impl {name} {{");
    fields_const(out, &s.fields);
    // new(required...)
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for p in &s.fields {
        let fname = field_name(&p.wire, p.rust.as_deref());
        if p.required {
            let rty = rust_ty(ty, p)?;
            let (aty, _) = arg(ty, p, &rty);
            args.push(format!("{fname}: {aty}"));
            if aty.starts_with("impl Into") {
                inits.push(format!("{fname}: {fname}.into()"));
            } else {
                inits.push(fname.clone());
            }
        } else {
            inits.push(format!("{fname}: None"));
        }
    }
    inits.push("unknown_fields: serde_json::Map::new()".to_owned());
    let _ = writeln!(
        out,
        "    /// A value with {} and every optional field unset.\n    #[allow(clippy::too_many_arguments, reason = \"one argument per required field\")]\n    pub fn new({}) -> Self {{\n        Self {{ {} }}\n    }}\n",
        if required.is_empty() {
            "nothing set".to_owned()
        } else {
            "the required fields given".to_owned()
        },
        args.join(", "),
        inits.join(", ")
    );
    gen_validate_at(out, ty, &s.fields, "pub(crate) ")?;
    let _ = writeln!(out, "}}\n");
    Ok(())
}

/// A top-level `json_body` request: private fields, getters, builder, `from_json`,
/// `validate`.
pub(crate) fn gen_json_request(
    out: &mut String,
    ty: &Ty<'_>,
    spec: &Spec,
    r: &RequestSpec,
) -> Result<()> {
    let endpoint = spec
        .endpoints
        .iter()
        .find(|e| e.name == r.endpoint)
        .with_context(|| format!("request {}: no endpoint", r.name))?;
    let name = &r.name;
    let builder = format!("{name}Builder");
    let ep_const = endpoint.rust_name.to_shouty_snake_case();
    write_doc(
        out,
        "",
        &DocParts {
            doc: &r.doc,
            zh: r.zh.as_deref(),
            unit: None,
            source: r.source.as_deref(),
            note: r.note.as_deref(),
            extra: vec![format!(
                "Build it with [`{name}::builder`], or decode the caller's JSON (the vendor's own field names) with [`{name}::from_json`]; both check every documented limit before anything is sent, naming the JSON path of a failure (`err.parameter()`, e.g. `$.{}`). `Deserialize` alone checks only the structure: call [`{name}::validate`] on such a value.",
                r.params.first().map_or("Field", |p| p.wire.as_str())
            )],
        },
    );
    let _ = writeln!(
        out,
        "#[derive(Clone, PartialEq, Serialize, Deserialize)]\npub struct {name} {{"
    );
    for p in &r.params {
        let rty = rust_ty(ty, p).with_context(|| format!("{name}.{}", p.wire))?;
        let fname = field_name(&p.wire, p.rust.as_deref());
        let _ = writeln!(out, "    {}", serde_attr(p));
        if p.required {
            let _ = writeln!(out, "    {fname}: {rty},");
        } else {
            let _ = writeln!(out, "    {fname}: Option<{rty}>,");
        }
    }
    unknown_field_decl(out, "");
    let _ = writeln!(out, "}}\n");
    gen_debug(out, name, &r.params);

    let _ = writeln!(out, "impl {name} {{");
    let _ = writeln!(
        out,
        "    /// The endpoint this request is for.\n    pub const ENDPOINT: record_core::EndpointInfo = endpoints::{ep_const};\n"
    );
    fields_const(out, &r.params);
    let _ = writeln!(
        out,
        "    /// A builder with nothing set.\n    pub fn builder() -> {builder} {{\n        {builder}::default()\n    }}\n"
    );
    for p in &r.params {
        let rty = rust_ty(ty, p)?;
        let fname = field_name(&p.wire, p.rust.as_deref());
        field_doc(out, p, "    ");
        let is_list = p.ty.starts_with("list:");
        let scalar = if p.secret {
            Scalar::Other
        } else {
            ty.scalar(&p.ty)
        };
        let (ret, body) = match (scalar, p.required, is_list) {
            (_, true, true) => (
                format!("&[{}]", ty.rust(p.ty.trim_start_matches("list:"))?),
                format!("&self.{fname}"),
            ),
            (_, false, true) => (
                format!("Option<&[{}]>", ty.rust(p.ty.trim_start_matches("list:"))?),
                format!("self.{fname}.as_deref()"),
            ),
            (Scalar::Copy | Scalar::IntEnum, true, _) => (rty.clone(), format!("self.{fname}")),
            (Scalar::Copy | Scalar::IntEnum, false, _) => {
                (format!("Option<{rty}>"), format!("self.{fname}"))
            }
            (Scalar::Text, true, _) => ("&str".to_owned(), format!("&self.{fname}")),
            (Scalar::Text, false, _) => (
                "Option<&str>".to_owned(),
                format!("self.{fname}.as_deref()"),
            ),
            (_, true, _) => (format!("&{rty}"), format!("&self.{fname}")),
            (_, false, _) => (format!("Option<&{rty}>"), format!("self.{fname}.as_ref()")),
        };
        let _ = writeln!(
            out,
            "    pub fn {fname}(&self) -> {ret} {{\n        {body}\n    }}\n"
        );
    }
    let action = lit(&endpoint.name);
    let custom = if r.custom_validation {
        format!(
            "        crate::validation::{}(self, clock).map_err(tag)?;\n",
            name.to_snake_case()
        )
    } else {
        "        let _ = clock;\n".to_owned()
    };
    let _ = writeln!(
        out,
        "    /// The fields of the body this model does not know (see [`record_core::UnknownFields`]).\n    pub fn unknown_fields(&self) -> &serde_json::Map<String, serde_json::Value> {{\n        &self.unknown_fields\n    }}\n\n    /// The request path.\n    pub fn path(&self) -> String {{\n        {}.to_owned()\n    }}\n",
        lit(&endpoint.path)
    );
    let _ = writeln!(
        out,
        "    /// Decodes the caller's JSON body (the vendor's field names) and checks it like\n    /// `build()` does, against the system clock.\n    ///\n    /// # Errors\n    /// [`record_core::ErrorKind::InvalidRequest`] naming the JSON path of the first problem:\n    /// a syntax or type error, a missing required field, an unknown field (unless `unknown`\n    /// is [`record_core::UnknownFields::Keep`]), a broken limit or conditional rule.\n    pub fn from_json(body: &[u8], unknown: record_core::UnknownFields) -> Result<Self, record_core::Error> {{\n        Self::from_json_with_clock(body, unknown, &record_core::SystemClock)\n    }}\n\n    /// [`Self::from_json`] against `clock`.\n    ///\n    /// # Errors\n    /// As [`Self::from_json`].\n    pub fn from_json_with_clock(body: &[u8], unknown: record_core::UnknownFields, clock: &dyn record_core::Clock) -> Result<Self, record_core::Error> {{\n        let request: Self = record_core::body::decode_json_body(body).map_err(|e| e.with_vendor(VENDOR).with_action({action}))?;\n        request.validate_with_clock(unknown, clock)?;\n        Ok(request)\n    }}\n\n    /// Decodes a body and applies the unknown-field policy, without the documented limits\n    /// (for fixtures of the vendor's examples, whose placeholder values break them).\n    #[doc(hidden)]\n    pub fn from_json_unchecked(body: &[u8], unknown: record_core::UnknownFields) -> Result<Self, record_core::Error> {{\n        let request: Self = record_core::body::decode_json_body(body)?;\n        request.validate_at(\"$\", unknown, false)?;\n        Ok(request)\n    }}\n\n    /// Checks the whole body against the system clock: see [`Self::validate_with_clock`].\n    ///\n    /// # Errors\n    /// As [`Self::validate_with_clock`].\n    pub fn validate(&self, unknown: record_core::UnknownFields) -> Result<(), record_core::Error> {{\n        self.validate_with_clock(unknown, &record_core::SystemClock)\n    }}\n\n    /// Checks the whole body: the unknown-field policy in every object, each documented\n    /// limit, then the conditional rules the vendor states only in prose.\n    ///\n    /// # Errors\n    /// [`record_core::ErrorKind::InvalidRequest`] naming the JSON path of the first problem.\n    pub fn validate_with_clock(&self, unknown: record_core::UnknownFields, clock: &dyn record_core::Clock) -> Result<(), record_core::Error> {{\n        let tag = |e: record_core::Error| e.with_vendor(VENDOR).with_action({action});\n        self.validate_at(\"$\", unknown, true).map_err(tag)?;\n{custom}        Ok(())\n    }}\n"
    );
    gen_validate_at(out, ty, &r.params, "")?;
    let _ = writeln!(out, "}}\n");

    // Builder
    let _ = writeln!(
        out,
        "/// Builder for [`{name}`]: set the fields, then call `build()`.\n#[derive(Debug, Clone, Default)]\n#[must_use]\npub struct {builder} {{"
    );
    for p in &r.params {
        let rty = rust_ty(ty, p)?;
        let fname = field_name(&p.wire, p.rust.as_deref());
        let _ = writeln!(out, "    {fname}: Option<{rty}>,");
    }
    let _ = writeln!(
        out,
        "    unknown_fields: serde_json::Map<String, serde_json::Value>,\n}}\n\nimpl {builder} {{"
    );
    for p in &r.params {
        let rty = rust_ty(ty, p)?;
        let fname = field_name(&p.wire, p.rust.as_deref());
        let limits = limits_text(p);
        let _ = writeln!(
            out,
            "    /// Sets `{}`: {}{}",
            p.wire,
            crate::gen_rust::esc(p.doc.trim().lines().next().unwrap_or_default()),
            if limits.is_empty() {
                String::new()
            } else {
                format!(" ({})", limits.join("; "))
            }
        );
        let (aty, conv) = arg(ty, p, &rty);
        let _ = writeln!(
            out,
            "    pub fn {fname}(mut self, value: {aty}) -> Self {{\n        self.{fname} = Some({conv});\n        self\n    }}\n"
        );
    }
    let _ = writeln!(
        out,
        "    /// Adds a field this model does not know, sent verbatim at the top level of the\n    /// body (for a field the vendor added after this model was generated). A name of a\n    /// documented field is refused by `build()`.\n    pub fn unknown_field(mut self, name: impl Into<String>, value: serde_json::Value) -> Self {{\n        self.unknown_fields.insert(name.into(), value);\n        self\n    }}\n"
    );
    let _ = writeln!(
        out,
        "    /// Checks every documented limit (using the system clock) and builds the request.\n    ///\n    /// # Errors\n    /// An [`record_core::ErrorKind::InvalidRequest`] error naming the JSON path of the first problem.\n    pub fn build(self) -> Result<{name}, record_core::Error> {{\n        self.build_with_clock(&record_core::SystemClock)\n    }}\n\n    /// Checks every documented limit against `clock` and builds the request.\n    ///\n    /// # Errors\n    /// An [`record_core::ErrorKind::InvalidRequest`] error naming the JSON path of the first problem.\n    pub fn build_with_clock(self, clock: &dyn record_core::Clock) -> Result<{name}, record_core::Error> {{"
    );
    for p in &r.params {
        let fname = field_name(&p.wire, p.rust.as_deref());
        if p.required {
            let _ = writeln!(
                out,
                "        let Some({fname}) = self.{fname} else {{ return Err(record_core::Error::invalid_parameter({}, \"is required\").with_vendor(VENDOR).with_action({action})); }};",
                lit(&format!("$.{}", p.wire))
            );
        } else {
            let _ = writeln!(out, "        let {fname} = self.{fname};");
        }
    }
    let fields = r
        .params
        .iter()
        .map(|p| field_name(&p.wire, p.rust.as_deref()))
        .chain(std::iter::once(
            "unknown_fields: self.unknown_fields".to_owned(),
        ))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(
        out,
        "        let request = {name} {{ {fields} }};\n        request.validate_with_clock(record_core::UnknownFields::Keep, clock)?;\n        Ok(request)\n    }}\n}}\n"
    );
    Ok(())
}

/// `decode_request_fixture`: decodes a request fixture (`fixtures/<vendor>/<folder>/requests/`)
/// with the endpoint's `json_body` request, refusing unknown fields.
pub(crate) fn gen_decode_request_fixture(out: &mut String, spec: &Spec) {
    let json: Vec<(&str, &str)> = spec
        .endpoints
        .iter()
        .filter_map(|e| {
            spec.requests
                .iter()
                .find(|r| r.name == e.request && r.json_body)
                .map(|r| (e.rust_name.as_str(), r.name.as_str()))
        })
        .collect();
    if json.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "/// Decodes a request fixture (`fixtures/{}/<folder>/requests/`) with the request type of\n/// the folder's endpoint, refusing unknown fields and not checking limits.\n#[doc(hidden)]\npub fn decode_request_fixture(folder: &str, body: &[u8]) -> Result<record_core::testing::Decoded, serde_json::Error> {{\n    fn of<T: serde::Serialize + fmt::Debug + 'static>(value: Result<T, record_core::Error>) -> Result<record_core::testing::Decoded, serde_json::Error> {{\n        let value = value.map_err(|e| <serde_json::Error as serde::de::Error>::custom(e.to_string()))?;\n        let reserialized = serde_json::to_value(&value)?;\n        Ok(record_core::testing::Decoded {{ value: Box::new(value), reserialized }})\n    }}\n    match folder {{",
        spec.vendor.name
    );
    for (folder, req) in json {
        let _ = writeln!(
            out,
            "        {} => of({req}::from_json_unchecked(body, record_core::UnknownFields::Refuse)),",
            lit(folder)
        );
    }
    let _ = writeln!(
        out,
        "        other => Err(<serde_json::Error as serde::de::Error>::custom(format!(\"no request type for folder `{{other}}`\"))),\n    }}\n}}\n"
    );
}
