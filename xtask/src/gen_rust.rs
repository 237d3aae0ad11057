//! Generates `crates/<vendor>-record/src/generated.rs` from a spec.

use crate::spec::{
    Endpoint, EnumSpec, Location, PageStyle, Pagination, Param, Repr, RequestSpec, Spec, StructSpec,
};
use anyhow::{Context, Result, bail};
use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use std::fmt::Write as _;

/// Rust keywords that cannot be field names.
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// A Rust string literal for `s`.
pub(crate) fn lit(s: &str) -> String {
    format!("{s:?}")
}

pub(crate) fn opt_lit(s: Option<&str>) -> String {
    match s {
        Some(s) => format!("Some({})", lit(s)),
        None => "None".to_owned(),
    }
}

/// The Rust field or method name for a wire name (or an explicit override).
pub fn field_name(wire: &str, rust: Option<&str>) -> String {
    let name = rust.map_or_else(|| wire.to_snake_case(), str::to_owned);
    if KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// Writes `text` as `///` doc lines at `indent`.
pub(crate) fn doc_lines(out: &mut String, indent: &str, text: &str) {
    for line in text.trim().lines() {
        let line = line.trim_end();
        if line.is_empty() {
            let _ = writeln!(out, "{indent}///");
        } else {
            let _ = writeln!(out, "{indent}/// {line}");
        }
    }
}

pub(crate) struct DocParts<'a> {
    pub(crate) doc: &'a str,
    pub(crate) zh: Option<&'a str>,
    pub(crate) unit: Option<&'a str>,
    pub(crate) source: Option<&'a str>,
    pub(crate) note: Option<&'a str>,
    pub(crate) extra: Vec<String>,
}

/// Escapes spec text for rustdoc: `[x]` in vendor prose is not an intra-doc link.
pub(crate) fn esc(s: &str) -> String {
    s.replace('[', "\\[").replace(']', "\\]")
}

pub(crate) fn write_doc(out: &mut String, indent: &str, p: &DocParts<'_>) {
    let mut text = esc(p.doc.trim());
    let mut tail: Vec<String> = Vec::new();
    if let Some(u) = p.unit {
        tail.push(format!("Unit: {u}."));
    }
    if let Some(z) = p.zh {
        tail.push(format!("Vendor term: 「{}」", esc(z.trim())));
    }
    tail.extend(p.extra.iter().cloned());
    if let Some(n) = p.note {
        tail.push(format!("Note: {}", esc(n.trim())));
    }
    if let Some(s) = p.source {
        tail.push(format!("Source: {}.", s.trim().trim_end_matches('.')));
    }
    if !tail.is_empty() {
        text.push_str("\n\n");
        text.push_str(&tail.join("\n\n"));
    }
    doc_lines(out, indent, &text);
}

/// Scalar kinds that matter for code generation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scalar {
    Copy,
    Text,
    IntEnum,
    TextEnum,
    Other,
}

pub(crate) struct Ty<'s> {
    pub(crate) spec: &'s Spec,
}

impl Ty<'_> {
    pub(crate) fn rust(&self, ty: &str) -> Result<String> {
        if let Some(inner) = ty.strip_prefix("list:") {
            return Ok(format!("Vec<{}>", self.rust(inner)?));
        }
        if let Some(n) = ty
            .strip_prefix("enum:")
            .or_else(|| ty.strip_prefix("struct:"))
        {
            return Ok(n.to_owned());
        }
        if let Some(p) = ty.strip_prefix("custom:") {
            return Ok(p.to_owned());
        }
        Ok(match ty {
            "string" => "String",
            "bool" => "bool",
            "i32" => "i32",
            "i64" => "i64",
            "u32" => "u32",
            "u64" => "u64",
            "f64" => "f64",
            "unix_ms" => "record_core::UnixMillis",
            "unix_s" => "record_core::UnixSeconds",
            "duration_ms" => "record_core::DurationMillis",
            "json" => "serde_json::Value",
            other => bail!("unknown type `{other}`"),
        }
        .to_owned())
    }

    pub(crate) fn scalar(&self, ty: &str) -> Scalar {
        if let Some(n) = ty.strip_prefix("enum:") {
            return match self.spec.find_enum(n).map(|e| e.repr) {
                Some(Repr::Int) => Scalar::IntEnum,
                _ => Scalar::TextEnum,
            };
        }
        match ty {
            "string" => Scalar::Text,
            "bool" | "i32" | "i64" | "u32" | "u64" | "f64" | "unix_ms" | "unix_s"
            | "duration_ms" => Scalar::Copy,
            _ => Scalar::Other,
        }
    }

    fn flexible(&self, ty: &str) -> bool {
        matches!(
            ty,
            "bool" | "i32" | "i64" | "u32" | "u64" | "f64" | "unix_ms" | "unix_s" | "duration_ms"
        )
    }

    pub(crate) fn is_integer(&self, ty: &str) -> bool {
        matches!(ty, "i32" | "i64" | "u32" | "u64")
    }
}

/// Generates the whole `generated.rs` for one spec (before rustfmt).
pub fn generate(spec: &Spec, spec_path: &str) -> Result<String> {
    let ty = Ty { spec };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// @generated by `cargo xtask codegen` (steps: models, then operations, for `{}`) from `{spec_path}`.\n// Do not edit by hand: edit the spec and run `cargo xtask codegen`.\n",
        spec.vendor.name
    );
    let _ = writeln!(
        out,
        "use serde::{{Deserialize, Serialize}};\nuse std::fmt;\n"
    );
    let vendor_variant = match spec.vendor.name.as_str() {
        "zego" => "Zego",
        "qingcloud" => "QingCloud",
        "volc" => "Volcengine",
        "agora" => "Agora",
        other => bail!("unknown vendor `{other}`"),
    };
    let _ = writeln!(
        out,
        "/// The vendor this crate talks to.\npub const VENDOR: record_core::Vendor = record_core::Vendor::{vendor_variant};\n"
    );
    gen_hosts(&mut out, spec);
    gen_endpoints(&mut out, spec);
    for e in &spec.enums {
        gen_enum(&mut out, e);
    }
    for s in &spec.structs {
        gen_struct(&mut out, &ty, s)?;
    }
    for rs in &spec.request_structs {
        crate::gen_body::gen_request_struct(&mut out, &ty, rs)?;
    }
    for r in &spec.requests {
        if r.json_body {
            crate::gen_body::gen_json_request(&mut out, &ty, spec, r)?;
        } else {
            gen_request(&mut out, &ty, spec, r)?;
        }
    }
    gen_errors(&mut out, spec)?;
    gen_decode_fixture(&mut out, spec);
    crate::gen_body::gen_decode_request_fixture(&mut out, spec);
    gen_client(&mut out, spec)?;
    Ok(out)
}

/// The client (step: operations): the `Client` newtype over `record_core::service::Service`
/// with one method and one `prepare_*` dry-run twin per endpoint, the `ClientBuilder`
/// alias, and each request's HTTP mapping (`Encode`).
fn gen_client(out: &mut String, spec: &Spec) -> Result<()> {
    let Some(c) = &spec.vendor.client else {
        return Ok(());
    };
    let _ = writeln!(
        out,
        "\n// ---- operations: the client and each request's HTTP mapping, from `[vendor.client]` and `[[endpoints]]` ----\n"
    );
    let protocol = &c.protocol;
    let display = &spec.vendor.display;
    let _ = writeln!(
        out,
        "/// An async client of the {display} cloud-recording API: one method per documented\n/// operation, each with a `prepare_*` twin that shows the exact signed request of a first\n/// attempt without sending it.\n///\n/// Built with [`Client::builder`]. Cloning is cheap and shares the connection pool, the\n/// rate limiters, the clock and the credentials, so one client (or its clones) should serve\n/// a whole process. Its `Debug` never shows a secret.\n#[derive(Clone)]\npub struct Client {{\n    service: record_core::service::Service<crate::client::{protocol}>,\n}}\n"
    );
    let _ = writeln!(
        out,
        "impl From<record_core::service::Service<crate::client::{protocol}>> for Client {{\n    fn from(service: record_core::service::Service<crate::client::{protocol}>) -> Self {{\n        Self {{ service }}\n    }}\n}}\n\nimpl fmt::Debug for Client {{\n    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {{\n        fmt::Debug::fmt(&self.service, f)\n    }}\n}}\n"
    );
    let _ = writeln!(
        out,
        "/// Builder of a [`Client`]: [`Client::builder`], the setters every vendor shares (see\n/// [`record_core::service::ServiceBuilder`]), then `build()`.\npub type ClientBuilder = record_core::service::ServiceBuilder<crate::client::{protocol}>;\n"
    );
    let _ = writeln!(
        out,
        "impl Client {{\n    /// A builder with the vendor's defaults (its default host and documented rate limit;\n    /// 5 s connect / 10 s per attempt / 30 s total timeouts, 3 attempts, a 4 MiB response\n    /// cap, the system clock).\n    pub fn builder(credentials: crate::Credentials) -> ClientBuilder {{\n        record_core::service::ServiceBuilder::new(crate::client::{protocol}::new(credentials))\n    }}\n\n    /// The base URL requests go to (the documented host chosen by name, the default host,\n    /// or the URL given to `base_url`), without a trailing `/` in its path.\n    pub fn base_url(&self) -> &reqwest::Url {{\n        self.service.base_url()\n    }}\n\n    /// The transport settings (timeouts, retry policy, rate limit, body cap, user agent).\n    pub fn transport_config(&self) -> &record_core::transport::TransportConfig {{\n        self.service.transport_config()\n    }}\n\n    /// The clock every attempt is signed with.\n    pub fn clock(&self) -> &dyn record_core::Clock {{\n        self.service.clock()\n    }}\n\n    /// The generic client underneath (its bound protocol holds the signer and credentials).\n    #[allow(dead_code, reason = \"not every vendor crate needs it\")]\n    pub(crate) fn service(&self) -> &record_core::service::Service<crate::client::{protocol}> {{\n        &self.service\n    }}\n"
    );
    for e in spec.endpoints.iter().filter(|e| e.client) {
        let req = &e.request;
        let resp = &e.response;
        let m = &e.rust_name;
        let zh =
            e.zh.as_deref()
                .map(|z| format!(" ({z})"))
                .unwrap_or_default();
        let mut doc = format!("`{}`{zh}: {}", e.name, e.doc.trim());
        if let Some(note) = &e.note {
            doc.push_str("\n\n");
            doc.push_str(note.trim());
        }
        if let Some(w) = &e.query_window {
            doc.push_str(&format!("\n\nQuery window: {w}."));
        }
        if let Some(r) = e.rate_limit_per_sec {
            doc.push_str(&format!(
                "\n\nDocumented rate limit: {r} requests per second."
            ));
        }
        let retries = if e.idempotent {
            "Idempotent: every retryable failure is retried."
        } else {
            "Not idempotent: retried only when the request certainly did not reach the vendor (connection refused, DNS, TLS or connect failure) or the vendor refused it with a rate-limit answer; any other failure is returned at once, marked [`record_core::Error::is_outcome_unknown`] when the operation may have taken effect."
        };
        doc.push_str(&format!("\n\n{retries}"));
        if let Some(n) = &e.idempotency_note {
            doc.push_str(&format!(" {}", n.trim()));
        }
        doc.push_str("\n\nEvery attempt (retries included) is signed afresh.\n\n# Errors\n\nA [`record_core::Error`] classified by the vendor's rules (see the [`client`](crate::client) module): a documented vendor code by its table entry, an HTTP failure by its status, a timeout, a connection failure, or an undecodable body.");
        let answer = if e.stop {
            doc.push_str("\n\nA stop: the answer is a [`record_core::StopAnswer`], whose `outcome` says whether this call stopped the recording or the vendor reported it already stopped (its code kept in the response); a retry that finds its own earlier attempt's stop done reports `Stopped`.");
            format!("record_core::StopAnswer<{resp}>")
        } else {
            resp.to_string()
        };
        doc_lines(out, "    ", &doc);
        let _ = writeln!(
            out,
            "    pub async fn {m}(&self, request: &{req}) -> Result<{answer}, record_core::Error> {{\n        self.service.call(request).await\n    }}\n"
        );
        doc_lines(
            out,
            "    ",
            &format!(
                "The exact request [`Client::{m}`] would send on its first attempt, for dry runs: method, URL, headers (secrets redacted) and body, built and signed by the same code as a real attempt (it reads the clock and, where the vendor uses one, draws a nonce). Nothing is sent.\n\n# Errors\n\n[`record_core::ErrorKind::InvalidRequest`] when the request cannot be encoded or signed."
            ),
        );
        let _ = writeln!(
            out,
            "    pub fn prepare_{m}(&self, request: &{req}) -> Result<record_core::client::PreparedRequest, record_core::Error> {{\n        self.service.prepare(request)\n    }}\n"
        );
    }
    for e in &spec.endpoints {
        if let Some(pg) = &e.pagination {
            gen_paginator(out, spec, e, pg)?;
        }
    }
    let _ = writeln!(out, "}}\n");
    for e in spec.endpoints.iter().filter(|e| e.client) {
        let r = spec
            .requests
            .iter()
            .find(|r| r.name == e.request)
            .with_context(|| format!("endpoint {}: no request {}", e.name, e.request))?;
        let has_body = r.params.iter().any(|p| p.location == Location::Body);
        let has_query = r.params.iter().any(|p| p.location == Location::Query);
        let ep_const = e.rust_name.to_shouty_snake_case();
        let method = match e.method.as_str() {
            "GET" => "GET",
            "POST" => "POST",
            "PUT" => "PUT",
            "DELETE" => "DELETE",
            other => bail!("endpoint {}: unsupported method {other}", e.name),
        };
        let query_pushed = c.action_in_query && (e.action.is_some() || e.version.is_some());
        let first_mut = query_pushed || has_query || (!has_body && !c.headers.is_empty());
        let first = if first_mut { "let mut" } else { "let" };
        let _ = writeln!(
            out,
            "impl record_core::service::Encode for {} {{\n    const ENDPOINT: record_core::EndpointInfo = endpoints::{ep_const};\n\n    fn encode(&self, base: &reqwest::Url) -> Result<record_core::service::HttpRequest, record_core::Error> {{\n        {first} request = record_core::service::HttpRequest::new(reqwest::Method::{method}, record_core::client::join_path(base, &self.path()));",
            r.name
        );
        if c.action_in_query {
            if let Some(a) = &e.action {
                let _ = writeln!(
                    out,
                    "        request.query.push((\"Action\", {}.to_owned()));",
                    lit(a)
                );
            }
            if let Some(v) = &e.version {
                let _ = writeln!(
                    out,
                    "        request.query.push((\"Version\", {}.to_owned()));",
                    lit(v)
                );
            }
        }
        if has_query {
            let _ = writeln!(out, "        request.query.extend(self.query_pairs());");
        }
        if has_body {
            let second = if c.headers.is_empty() {
                "let"
            } else {
                "let mut"
            };
            let _ = writeln!(out, "        {second} request = request.with_json(self)?;");
        }
        for [name, value] in &c.headers {
            let _ = writeln!(
                out,
                "        request.headers.insert(reqwest::header::HeaderName::from_static({}), reqwest::header::HeaderValue::from_static({}));",
                lit(&name.to_ascii_lowercase()),
                lit(value)
            );
        }
        let _ = writeln!(out, "        Ok(request)\n    }}\n}}\n");
    }
    Ok(())
}

/// One segment of a path of wire names through the response structs.
struct Segment<'s> {
    rust: String,
    optional: bool,
    ty: &'s str,
}

/// Resolves `path` (wire names joined by `.`) from the struct `root`.
fn resolve<'s>(spec: &'s Spec, root: &str, path: &str) -> Result<Vec<Segment<'s>>> {
    let mut current = root.to_owned();
    let mut out = Vec::new();
    for wire in path.split('.') {
        let st = spec
            .find_struct(&current)
            .with_context(|| format!("pagination path {path}: no struct {current}"))?;
        let f =
            st.fields.iter().find(|f| f.wire == wire).with_context(|| {
                format!("pagination path {path}: {current} has no field {wire}")
            })?;
        out.push(Segment {
            rust: field_name(&f.wire, f.rust.as_deref()),
            optional: !f.required,
            ty: &f.ty,
        });
        if let Some(next) = f.ty.strip_prefix("struct:") {
            current = next.to_owned();
        }
    }
    Ok(out)
}

/// An expression of type `Option<T>` for the value at the end of `segments`, read from
/// `root`: by copy when `borrow` (the value is `Copy`), else moving out of `root`.
fn option_expr(root: &str, segments: &[Segment<'_>], borrow: bool) -> String {
    let mut expr = root.to_owned();
    let mut in_option = false;
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        let f = &seg.rust;
        let as_ref = if borrow && !last { ".as_ref()" } else { "" };
        let amp = if borrow && !last { "&" } else { "" };
        expr = match (in_option, seg.optional) {
            (false, true) => format!("{expr}.{f}{as_ref}"),
            (false, false) => format!("{expr}.{f}"),
            (true, true) => format!("{expr}.and_then(|v| v.{f}{as_ref})"),
            (true, false) => format!("{expr}.map(|v| {amp}v.{f})"),
        };
        in_option |= seg.optional;
    }
    if in_option {
        expr
    } else {
        format!("Some({expr})")
    }
}

/// `expr` (an `Option` of an integer of spec type `ty`) as an `Option<u64>`.
fn as_u64(expr: &str, ty: &str) -> Result<String> {
    Ok(match ty {
        "u64" => expr.to_owned(),
        "u32" => format!("{expr}.map(u64::from)"),
        "i32" | "i64" => format!("{expr}.and_then(|n| u64::try_from(n).ok())"),
        other => bail!("pagination: a count must be an integer, not {other}"),
    })
}

/// The lazy item stream of a paged endpoint (step: operations): `<rust_name>_stream`.
fn gen_paginator(out: &mut String, spec: &Spec, e: &Endpoint, pg: &Pagination) -> Result<()> {
    let r = spec
        .requests
        .iter()
        .find(|r| r.name == e.request)
        .with_context(|| format!("endpoint {}: no request {}", e.name, e.request))?;
    let param = |wire: &str| {
        r.params
            .iter()
            .find(|p| p.wire == wire)
            .with_context(|| format!("pagination of {}: no request param {wire}", e.name))
            .and_then(|p| {
                if p.ty != "u32" || p.required {
                    bail!("pagination of {}: {wire} must be an optional u32", e.name);
                }
                Ok(field_name(&p.wire, p.rust.as_deref()))
            })
    };
    let input = param(&pg.input)?;
    let size_input = param(&pg.size_input)?;
    let total_path = resolve(spec, &e.response, &pg.total)?;
    let total_ty = total_path.last().map_or("", |s| s.ty);
    let total = as_u64(&option_expr("response", &total_path, true), total_ty)?;
    let items_path = resolve(spec, &e.response, &pg.items)?;
    let item = items_path
        .last()
        .and_then(|s| s.ty.strip_prefix("list:struct:"))
        .with_context(|| {
            format!(
                "pagination of {}: {} is not a list of structs",
                e.name, pg.items
            )
        })?;
    let items = option_expr("response", &items_path, false);
    let item_struct = spec
        .find_struct(item)
        .with_context(|| format!("pagination of {}: no struct {item}", e.name))?;
    let key_field = item_struct
        .fields
        .iter()
        .find(|f| f.wire == pg.item_key)
        .with_context(|| {
            format!(
                "pagination of {}: {item} has no field {}",
                e.name, pg.item_key
            )
        })?;
    let key_name = field_name(&key_field.wire, key_field.rust.as_deref());
    let key = match (Ty { spec }).scalar(&key_field.ty) {
        Scalar::Copy | Scalar::IntEnum => format!("item.{key_name}"),
        _ => format!("item.{key_name}.clone()"),
    };
    let m = &e.rust_name;
    let req = &r.name;
    let (step_doc, next) = match pg.style {
        PageStyle::PageNumber => {
            let default = r
                .params
                .iter()
                .find(|p| p.wire == pg.size_input)
                .and_then(|p| p.default.as_deref())
                .and_then(|d| d.parse::<u32>().ok())
                .with_context(|| {
                    format!(
                        "pagination of {}: page_number needs the documented `default` of {}",
                        e.name, pg.size_input
                    )
                })?;
            let size = match &pg.size_output {
                Some(path) => {
                    let segs = resolve(spec, &e.response, path)?;
                    let ty = segs.last().map_or("", |s| s.ty);
                    if ty != "u32" {
                        bail!("pagination of {}: {path} must be a u32", e.name);
                    }
                    format!(
                        "{}.or(request.{size_input}())",
                        option_expr("response", &segs, true)
                    )
                }
                None => format!("request.{size_input}()"),
            };
            (
                format!(
                    "The next page is the requested `{}` plus one; the walk ends once `page × {}` reaches `{}` (the page size as the answer echoes it{}, else as requested, else the documented default {default}), so a complete walk costs no extra request.",
                    pg.input,
                    pg.size_input,
                    pg.total,
                    pg.size_output
                        .as_deref()
                        .map(|p| format!(" in `{p}`"))
                        .unwrap_or_default(),
                ),
                format!(
                    "let size = {size}.unwrap_or({default});\n                let total = {total};\n                let items = {items}.unwrap_or_default();\n                let last = total.is_some_and(|total| u64::from(cursor) * u64::from(size) >= total);\n                let next = if last {{ None }} else {{ cursor.checked_add(1) }};"
                ),
            )
        }
        PageStyle::Offset => (
            format!(
                "The next `{}` is this one plus the number of items received; the walk ends once it reaches `{}`.",
                pg.input, pg.total
            ),
            format!(
                "let total = {total};\n                let items = {items}.unwrap_or_default();\n                let received = u32::try_from(items.len()).unwrap_or(u32::MAX);\n                let next = cursor.checked_add(received).filter(|n| total.is_none_or(|total| u64::from(*n) < total));"
            ),
        ),
    };
    doc_lines(
        out,
        "    ",
        &format!(
            "Every item of [`Client::{m}`]'s pages, as a lazy stream (a paginator built on [`record_core::paginate`]): a page is requested only when the stream is polled past the previous one, and one page is held in memory.\n\nThe walk starts at the request's `{input_wire}` ({first} when unset); the first page is sent exactly as given, each next one as a copy of the request with the next `{input_wire}` (rebuilt with [`{req}::to_builder`] against the client's clock, so every documented limit is checked again). {step_doc} It also ends on a page without items, on a page with the same `{key_wire}`s as the previous one (a server that ignores `{input_wire}`), and after an error, which is the last item.\n\nEach page is one [`Client::{m}`] call, with its retries and the client's rate limit.",
            input_wire = pg.input,
            first = pg.first,
            key_wire = pg.item_key,
        ),
    );
    let _ = writeln!(
        out,
        "    pub fn {m}_stream(&self, request: {req}) -> futures::stream::BoxStream<'static, Result<{item}, record_core::Error>> {{\n        let client = self.clone();\n        let first = request.{input}().unwrap_or({first});\n        let request = std::sync::Arc::new(request);\n        record_core::paginate(first, |item: &{item}| {key}, move |cursor: u32| {{\n            let client = client.clone();\n            let request = std::sync::Arc::clone(&request);\n            async move {{\n                let response = if cursor == first {{\n                    client.{m}(&request).await?\n                }} else {{\n                    let next = request.to_builder().{input}(cursor).build_with_clock(client.clock())?;\n                    client.{m}(&next).await?\n                }};\n                {next}\n                Ok(record_core::Page {{ items, next }})\n            }}\n        }})\n    }}\n",
        first = pg.first,
    );
    Ok(())
}

fn gen_hosts(out: &mut String, spec: &Spec) {
    let _ = writeln!(out, "/// Documented API hosts.\npub mod hosts {{");
    let _ = writeln!(
        out,
        "    /// The default host ({}).\n    pub const DEFAULT: &str = {};",
        spec.vendor.display,
        lit(&spec.vendor.default_host)
    );
    let _ = writeln!(
        out,
        "    /// Every documented host as `(name, base URL, description)`.\n    pub const ALL: &[(&str, &str, &str)] = &["
    );
    for h in &spec.vendor.hosts {
        let _ = writeln!(
            out,
            "        ({}, {}, {}),",
            lit(&h.name),
            lit(&h.url),
            lit(h.doc.as_deref().unwrap_or(""))
        );
    }
    let _ = writeln!(out, "    ];");
    let _ = writeln!(
        out,
        "    /// The base URL of the documented host called `name`.\n    pub fn by_name(name: &str) -> Option<&'static str> {{\n        ALL.iter().find(|(n, _, _)| *n == name).map(|(_, url, _)| *url)\n    }}\n}}\n"
    );
}

fn gen_endpoints(out: &mut String, spec: &Spec) {
    let _ = writeln!(out, "/// The documented endpoints.\npub mod endpoints {{");
    for e in &spec.endpoints {
        write_doc(
            out,
            "    ",
            &DocParts {
                doc: &e.doc,
                zh: e.zh.as_deref(),
                unit: None,
                source: e.source.as_deref(),
                note: e.note.as_deref(),
                extra: vec![],
            },
        );
        let _ = writeln!(
            out,
            "    pub const {}: record_core::EndpointInfo = record_core::EndpointInfo {{ vendor: super::VENDOR, name: {}, method: {}, path: {}, action: {}, version: {}, rate_limit_per_sec: {}, query_window: {}, idempotency: record_core::Idempotency::{} }};",
            e.rust_name.to_shouty_snake_case(),
            lit(&e.name),
            lit(&e.method),
            lit(&e.path),
            opt_lit(e.action.as_deref()),
            opt_lit(e.version.as_deref()),
            e.rate_limit_per_sec
                .map_or("None".to_owned(), |r| format!("Some({r})")),
            opt_lit(e.query_window.as_deref()),
            if e.idempotent {
                "Idempotent"
            } else {
                "NotIdempotent"
            },
        );
    }
    let _ = writeln!(out, "}}\n");
}

fn raw_lit(repr: Repr, raw: &toml::Value) -> String {
    match (repr, raw) {
        (Repr::Int, toml::Value::Integer(i)) => i.to_string(),
        (_, toml::Value::String(s)) => lit(s),
        (_, other) => other.to_string(),
    }
}

fn gen_enum(out: &mut String, e: &EnumSpec) {
    let name = &e.name;
    let (raw_ty, copy) = match e.repr {
        Repr::Int => ("i64", true),
        Repr::String => ("String", false),
    };
    write_doc(
        out,
        "",
        &DocParts {
            doc: &e.doc,
            zh: e.zh.as_deref(),
            unit: None,
            source: e.source.as_deref(),
            note: e.note.as_deref(),
            extra: vec![
                "Values the docs do not define are kept in `Unknown`, and serialize back unchanged."
                    .to_owned(),
            ],
        },
    );
    let derives = if copy {
        "Debug, Clone, Copy, PartialEq, Eq, Hash"
    } else {
        "Debug, Clone, PartialEq, Eq, Hash"
    };
    let _ = writeln!(
        out,
        "#[derive({derives})]\n#[non_exhaustive]\npub enum {name} {{"
    );
    for v in &e.values {
        let mut extra = vec![format!(
            "Raw value: `{}`.",
            raw_lit(e.repr, &v.raw).trim_matches('"')
        )];
        if let Some(s) = &v.state {
            extra.push(format!("Recording state: `{s}`."));
        }
        write_doc(
            out,
            "    ",
            &DocParts {
                doc: &capitalize(&v.meaning),
                zh: v.zh.as_deref(),
                unit: None,
                source: None,
                note: v.note.as_deref(),
                extra,
            },
        );
        let _ = writeln!(out, "    {},", v.variant);
    }
    let _ = writeln!(
        out,
        "    /// A value the vendor docs do not define, kept exactly as received.\n    Unknown({raw_ty}),\n}}\n"
    );

    let has_state = e.values.iter().any(|v| v.state.is_some());
    let _ = writeln!(out, "impl {name} {{");
    let _ = writeln!(
        out,
        "    /// Every documented value, in the order the docs list them."
    );
    let _ = writeln!(
        out,
        "    pub const KNOWN: &'static [{name}] = &[{}];",
        e.values
            .iter()
            .map(|v| format!("{name}::{}", v.variant))
            .collect::<Vec<_>>()
            .join(", ")
    );
    // from_raw
    match e.repr {
        Repr::Int => {
            let _ = writeln!(
                out,
                "    /// The value for a raw code; undocumented codes become `Unknown`.\n    pub const fn from_raw(raw: i64) -> Self {{\n        match raw {{"
            );
            for v in &e.values {
                let _ = writeln!(
                    out,
                    "            {} => Self::{},",
                    raw_lit(e.repr, &v.raw),
                    v.variant
                );
            }
            let _ = writeln!(
                out,
                "            other => Self::Unknown(other),\n        }}\n    }}"
            );
            let _ = writeln!(
                out,
                "    /// The raw code, as the vendor sends it.\n    pub const fn raw(&self) -> i64 {{\n        match self {{"
            );
            for v in &e.values {
                let _ = writeln!(
                    out,
                    "            Self::{} => {},",
                    v.variant,
                    raw_lit(e.repr, &v.raw)
                );
            }
            let _ = writeln!(
                out,
                "            Self::Unknown(v) => *v,\n        }}\n    }}"
            );
        }
        Repr::String => {
            let _ = writeln!(
                out,
                "    /// The value for a raw string; undocumented strings become `Unknown`.\n    pub fn from_raw(raw: &str) -> Self {{\n        match raw {{"
            );
            for v in &e.values {
                let _ = writeln!(
                    out,
                    "            {} => Self::{},",
                    raw_lit(e.repr, &v.raw),
                    v.variant
                );
            }
            let _ = writeln!(
                out,
                "            other => Self::Unknown(other.to_owned()),\n        }}\n    }}"
            );
            let _ = writeln!(
                out,
                "    /// The raw string, as the vendor sends it.\n    pub fn raw(&self) -> &str {{\n        match self {{"
            );
            for v in &e.values {
                let _ = writeln!(
                    out,
                    "            Self::{} => {},",
                    v.variant,
                    raw_lit(e.repr, &v.raw)
                );
            }
            let _ = writeln!(
                out,
                "            Self::Unknown(v) => v,\n        }}\n    }}"
            );
        }
    }
    let _ = writeln!(
        out,
        "    /// The documented meaning, in English.\n    pub const fn meaning(&self) -> &'static str {{\n        match self {{"
    );
    for v in &e.values {
        let _ = writeln!(
            out,
            "            Self::{} => {},",
            v.variant,
            lit(&v.meaning)
        );
    }
    let _ = writeln!(
        out,
        "            Self::Unknown(_) => \"undocumented value\",\n        }}\n    }}"
    );
    let _ = writeln!(
        out,
        "    /// The vendor's own (Chinese) description, when the docs give one.\n    pub const fn meaning_zh(&self) -> Option<&'static str> {{\n        match self {{"
    );
    for v in &e.values {
        let _ = writeln!(
            out,
            "            Self::{} => {},",
            v.variant,
            opt_lit(v.zh.as_deref())
        );
    }
    let _ = writeln!(
        out,
        "            Self::Unknown(_) => None,\n        }}\n    }}"
    );
    let _ = writeln!(
        out,
        "    /// True for a value the docs do not define.\n    pub const fn is_unknown(&self) -> bool {{\n        matches!(self, Self::Unknown(_))\n    }}"
    );
    if has_state {
        let _ = writeln!(
            out,
            "    /// The vendor-neutral state this value maps to, as documented in the spec\n    /// (before any refinement that needs other fields; see the value's docs).\n    pub const fn base_state(&self) -> record_core::RecordingState {{\n        match self {{"
        );
        for v in &e.values {
            let st = v
                .state
                .as_deref()
                .unwrap_or("unknown")
                .to_upper_camel_case();
            let _ = writeln!(
                out,
                "            Self::{} => record_core::RecordingState::{st},",
                v.variant
            );
        }
        let _ = writeln!(
            out,
            "            Self::Unknown(_) => record_core::RecordingState::Unknown,\n        }}\n    }}"
        );
    }
    let _ = writeln!(out, "}}\n");

    // Display, serde, From
    let _ = writeln!(
        out,
        "impl fmt::Display for {name} {{\n    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {{\n        match self {{\n            Self::Unknown(v) => write!(f, \"undocumented value {{v:?}}\"),\n            known => f.write_str(known.meaning()),\n        }}\n    }}\n}}\n"
    );
    match e.repr {
        Repr::Int => {
            let _ = writeln!(
                out,
                "impl Serialize for {name} {{\n    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {{\n        s.serialize_i64(self.raw())\n    }}\n}}\n"
            );
            let _ = writeln!(
                out,
                "impl<'de> Deserialize<'de> for {name} {{\n    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {{\n        record_core::flex::deserialize::<D, i64>(d).map(Self::from_raw)\n    }}\n}}\n"
            );
            let _ = writeln!(
                out,
                "impl From<i64> for {name} {{\n    fn from(raw: i64) -> Self {{\n        Self::from_raw(raw)\n    }}\n}}\n"
            );
        }
        Repr::String => {
            let _ = writeln!(
                out,
                "impl Serialize for {name} {{\n    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {{\n        s.serialize_str(self.raw())\n    }}\n}}\n"
            );
            let _ = writeln!(
                out,
                "impl<'de> Deserialize<'de> for {name} {{\n    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {{\n        record_core::flex::deserialize_text(d, Self::from_raw)\n    }}\n}}\n"
            );
            let _ = writeln!(
                out,
                "impl From<&str> for {name} {{\n    fn from(raw: &str) -> Self {{\n        Self::from_raw(raw)\n    }}\n}}\n"
            );
        }
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn gen_struct(out: &mut String, ty: &Ty<'_>, s: &StructSpec) -> Result<()> {
    write_doc(
        out,
        "",
        &DocParts {
            doc: &s.doc,
            zh: s.zh.as_deref(),
            unit: None,
            source: s.source.as_deref(),
            note: s.note.as_deref(),
            extra: vec![],
        },
    );
    let _ = writeln!(
        out,
        "#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]\npub struct {} {{",
        s.name
    );
    for f in &s.fields {
        let rty = ty
            .rust(&f.ty)
            .with_context(|| format!("{}.{}", s.name, f.wire))?;
        let mut extra = vec![format!("JSON key: `{}`.", f.wire)];
        if !f.aliases.is_empty() {
            extra.push(format!(
                "Also accepted under: {}.",
                f.aliases
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if f.flex {
            extra.push("Accepted as a JSON number/boolean or as its string form.".to_owned());
        }
        if !f.required {
            extra.push("Optional: `None` when the vendor omits it.".to_owned());
        }
        write_doc(
            out,
            "    ",
            &DocParts {
                doc: &f.doc,
                zh: f.zh.as_deref(),
                unit: f.unit.as_deref(),
                source: f.source.as_deref(),
                note: f.note.as_deref(),
                extra,
            },
        );
        let mut attrs = vec![format!("rename = {}", lit(&f.wire))];
        for a in &f.aliases {
            attrs.push(format!("alias = {}", lit(a)));
        }
        if f.flex {
            if !ty.flexible(&f.ty) {
                bail!(
                    "{}.{}: flex is only for numbers, booleans and times",
                    s.name,
                    f.wire
                );
            }
            if f.required {
                attrs.push("deserialize_with = \"record_core::flex::deserialize\"".to_owned());
            } else {
                attrs.push("default".to_owned());
                attrs.push(
                    "deserialize_with = \"record_core::flex::deserialize_option\"".to_owned(),
                );
            }
        } else if !f.required {
            attrs.push("default".to_owned());
        }
        if !f.required {
            attrs.push("skip_serializing_if = \"Option::is_none\"".to_owned());
        }
        let _ = writeln!(out, "    #[serde({})]", attrs.join(", "));
        let fname = field_name(&f.wire, f.rust.as_deref());
        if f.required {
            let _ = writeln!(out, "    pub {fname}: {rty},");
        } else {
            let _ = writeln!(out, "    pub {fname}: Option<{rty}>,");
        }
    }
    let _ = writeln!(out, "}}\n");
    Ok(())
}

/// The expression converting a param value `v` (a reference) to its query-string text.
pub(crate) fn to_text(scalar: Scalar, ty: &str, v: &str) -> String {
    match (scalar, ty) {
        (Scalar::Text, _) => format!("{v}.clone()"),
        (Scalar::IntEnum, _) => format!("{v}.raw().to_string()"),
        (Scalar::TextEnum, _) => format!("{v}.raw().to_owned()"),
        (_, "unix_ms" | "unix_s" | "duration_ms") => format!("{v}.0.to_string()"),
        _ => format!("{v}.to_string()"),
    }
}

/// The documented limit checks of one param, as calls of `record_core::check::Checks`
/// methods on `checks`, written in terms of `v`, a reference to the value, and naming the
/// parameter `param` (a Rust expression: the wire name's literal, or a JSON path built at
/// run time); each ends in `?`.
pub(crate) fn limit_checks(ty: &Ty<'_>, p: &Param, param: Option<&str>) -> Result<Vec<String>> {
    let scalar = ty.scalar(&p.ty);
    let w = param.map_or_else(|| lit(&p.wire), ToOwned::to_owned);
    let mut checks = Vec::new();
    if p.non_empty {
        if scalar != Scalar::Text {
            bail!("{}: non_empty applies to strings", p.wire);
        }
        checks.push(format!("checks.non_empty({w}, v)?"));
    }
    if let Some(n) = p.len_bytes {
        if scalar != Scalar::Text {
            bail!("{}: len_bytes applies to strings", p.wire);
        }
        checks.push(format!("checks.len_bytes({w}, v, {n})?"));
    }
    if p.min.is_some() || p.max.is_some() {
        if !ty.is_integer(&p.ty) {
            bail!("{}: min/max apply to integer params", p.wire);
        }
        let bound = |b: Option<i64>| b.map_or("None".to_owned(), |b| format!("Some({b})"));
        checks.push(format!(
            "checks.range({w}, *v, {}, {})?",
            bound(p.min),
            bound(p.max)
        ));
    }
    if !p.one_of.is_empty() {
        let raw_expr = match scalar {
            Scalar::IntEnum | Scalar::TextEnum => "v.raw()",
            Scalar::Text => "v.as_str()",
            _ if ty.is_integer(&p.ty) => "*v",
            _ => bail!("{}: one_of applies to enums, strings and integers", p.wire),
        };
        let items: Vec<String> = p.one_of.iter().map(ToString::to_string).collect();
        checks.push(format!(
            "checks.one_of({w}, {raw_expr}, &[{}])?",
            items.join(", ")
        ));
    }
    Ok(checks)
}

fn gen_request(out: &mut String, ty: &Ty<'_>, spec: &Spec, r: &RequestSpec) -> Result<()> {
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
                "Build it with [`{name}::builder`]; `build()` checks every documented limit before anything is sent."
            )],
        },
    );
    let has_body = r.params.iter().any(|p| p.location == Location::Body);
    let derive = if has_body {
        "Debug, Clone, PartialEq, Serialize"
    } else {
        "Debug, Clone, PartialEq"
    };
    let _ = writeln!(out, "#[derive({derive})]\npub struct {name} {{");
    for p in &r.params {
        let rty = ty.rust(&p.ty)?;
        let fname = field_name(&p.wire, p.rust.as_deref());
        if has_body {
            if p.location == Location::Body {
                let mut attrs = vec![format!("rename = {}", lit(&p.wire))];
                if !p.required {
                    attrs.push("skip_serializing_if = \"Option::is_none\"".to_owned());
                }
                let _ = writeln!(out, "    #[serde({})]", attrs.join(", "));
            } else {
                let _ = writeln!(out, "    #[serde(skip)]");
            }
        }
        if p.required {
            let _ = writeln!(out, "    {fname}: {rty},");
        } else {
            let _ = writeln!(out, "    {fname}: Option<{rty}>,");
        }
    }
    let _ = writeln!(out, "}}\n");

    // impl: builder(), getters, query_pairs, path
    let _ = writeln!(out, "impl {name} {{");
    let _ = writeln!(
        out,
        "    /// The endpoint this request is for.\n    pub const ENDPOINT: record_core::EndpointInfo = endpoints::{ep_const};\n"
    );
    let _ = writeln!(
        out,
        "    /// A builder with nothing set.\n    pub fn builder() -> {builder} {{\n        {builder}::default()\n    }}\n"
    );
    let mut copied = Vec::new();
    for p in &r.params {
        let fname = field_name(&p.wire, p.rust.as_deref());
        let value = match ty.scalar(&p.ty) {
            Scalar::Copy | Scalar::IntEnum => format!("self.{fname}"),
            _ => format!("self.{fname}.clone()"),
        };
        copied.push(if p.required {
            format!("{fname}: Some({value})")
        } else {
            format!("{fname}: {value}")
        });
    }
    let _ = writeln!(
        out,
        "    /// A builder holding this request's values, to change some and build again (every\n    /// limit is checked again by `build()`).\n    pub fn to_builder(&self) -> {builder} {{\n        {builder} {{ {} }}\n    }}\n",
        copied.join(", ")
    );
    for p in &r.params {
        let rty = ty.rust(&p.ty)?;
        let fname = field_name(&p.wire, p.rust.as_deref());
        let scalar = ty.scalar(&p.ty);
        write_doc(
            out,
            "    ",
            &DocParts {
                doc: &format!(
                    "`{}` ({} parameter): {}",
                    p.wire,
                    location_name(p.location),
                    p.doc.trim()
                ),
                zh: p.zh.as_deref(),
                unit: p.unit.as_deref(),
                source: p.source.as_deref(),
                note: p.note.as_deref(),
                extra: p
                    .default
                    .iter()
                    .map(|d| format!("Vendor default when not sent: `{d}`."))
                    .collect(),
            },
        );
        let (ret, body) = match (scalar, p.required) {
            (Scalar::Copy | Scalar::IntEnum, true) => (rty.clone(), format!("self.{fname}")),
            (Scalar::Copy | Scalar::IntEnum, false) => {
                (format!("Option<{rty}>"), format!("self.{fname}"))
            }
            (Scalar::Text, true) => ("&str".to_owned(), format!("&self.{fname}")),
            (Scalar::Text, false) => (
                "Option<&str>".to_owned(),
                format!("self.{fname}.as_deref()"),
            ),
            (_, true) => (format!("&{rty}"), format!("&self.{fname}")),
            (_, false) => (format!("Option<&{rty}>"), format!("self.{fname}.as_ref()")),
        };
        let _ = writeln!(
            out,
            "    pub fn {fname}(&self) -> {ret} {{\n        {body}\n    }}\n"
        );
    }
    let query: Vec<&Param> = r
        .params
        .iter()
        .filter(|p| p.location == Location::Query)
        .collect();
    if !query.is_empty() {
        let _ = writeln!(
            out,
            "    /// The query parameters that are set, as `(name, value)` pairs in spec order\n    /// (endpoint constants such as `Action` and `Version` are not included).\n    pub fn query_pairs(&self) -> Vec<(&'static str, String)> {{"
        );
        let pair = |p: &Param, v: &str| {
            format!(
                "({}, {})",
                lit(&p.wire),
                to_text(ty.scalar(&p.ty), &p.ty, v)
            )
        };
        let field = |p: &Param| field_name(&p.wire, p.rust.as_deref());
        if query.iter().all(|p| p.required) {
            let items: Vec<String> = query
                .iter()
                .map(|p| pair(p, &format!("self.{}", field(p))))
                .collect();
            let _ = writeln!(out, "        vec![{}]\n    }}\n", items.join(", "));
        } else {
            let _ = writeln!(
                out,
                "        let mut pairs = Vec::with_capacity({});",
                query.len()
            );
            for p in &query {
                let f = field(p);
                if p.required {
                    let _ = writeln!(
                        out,
                        "        pairs.push({});",
                        pair(p, &format!("self.{f}"))
                    );
                } else {
                    let _ = writeln!(
                        out,
                        "        if let Some(v) = &self.{f} {{ pairs.push({}); }}",
                        pair(p, "v")
                    );
                }
            }
            let _ = writeln!(out, "        pairs\n    }}\n");
        }
    }
    // path()
    let mut fmt_str = String::new();
    let mut args: Vec<String> = Vec::new();
    let mut rest = endpoint.path.as_str();
    while let Some(start) = rest.find('{') {
        let end = rest[start..]
            .find('}')
            .map(|e| start + e)
            .with_context(|| format!("unclosed {{ in path {}", endpoint.path))?;
        fmt_str.push_str(&rest[..start]);
        let pname = &rest[start + 1..end];
        let p = r
            .params
            .iter()
            .find(|p| p.location == Location::Path && p.wire == pname)
            .with_context(|| {
                format!(
                    "path placeholder {{{pname}}} has no path param in {}",
                    r.name
                )
            })?;
        if !p.required {
            bail!("path param {} must be required", p.wire);
        }
        let fname = field_name(&p.wire, p.rust.as_deref());
        fmt_str.push_str("{}");
        let v = format!("self.{fname}");
        let arg = match ty.scalar(&p.ty) {
            Scalar::Text => format!("&{v}"),
            Scalar::TextEnum => format!("{v}.raw()"),
            scalar => format!("&{}", to_text(scalar, &p.ty, &v)),
        };
        args.push(format!("record_core::encode_path_segment({arg})"));
        rest = &rest[end + 1..];
    }
    fmt_str.push_str(rest);
    if args.is_empty() {
        let _ = writeln!(
            out,
            "    /// The request path.\n    pub fn path(&self) -> String {{\n        {}.to_owned()\n    }}",
            lit(&fmt_str)
        );
    } else {
        let _ = writeln!(
            out,
            "    /// The request path, with the path parameters percent-encoded.\n    pub fn path(&self) -> String {{\n        format!({}, {})\n    }}",
            lit(&fmt_str),
            args.join(", ")
        );
    }
    let _ = writeln!(out, "}}\n");

    // Builder
    let _ = writeln!(
        out,
        "/// Builder for [`{name}`]: set the parameters, then call `build()`.\n#[derive(Debug, Clone, Default)]\n#[must_use]\npub struct {builder} {{"
    );
    for p in &r.params {
        let rty = ty.rust(&p.ty)?;
        let fname = field_name(&p.wire, p.rust.as_deref());
        let _ = writeln!(out, "    {fname}: Option<{rty}>,");
    }
    let _ = writeln!(out, "}}\n\nimpl {builder} {{");
    for p in &r.params {
        let rty = ty.rust(&p.ty)?;
        let fname = field_name(&p.wire, p.rust.as_deref());
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
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let _ = writeln!(
            out,
            "    /// Sets `{}`: {}{}",
            p.wire,
            p.doc.trim().lines().next().unwrap_or_default(),
            if limits.is_empty() {
                String::new()
            } else {
                format!(" ({})", limits.join("; "))
            }
        );
        if ty.scalar(&p.ty) == Scalar::Text {
            let _ = writeln!(
                out,
                "    pub fn {fname}(mut self, value: impl Into<String>) -> Self {{\n        self.{fname} = Some(value.into());\n        self\n    }}\n"
            );
        } else {
            let _ = writeln!(
                out,
                "    pub fn {fname}(mut self, value: {rty}) -> Self {{\n        self.{fname} = Some(value);\n        self\n    }}\n"
            );
        }
    }
    let _ = writeln!(
        out,
        "    /// Checks every documented limit (using the system clock) and builds the request.\n    ///\n    /// # Errors\n    /// An [`record_core::ErrorKind::InvalidRequest`] error naming the first parameter that breaks a limit.\n    pub fn build(self) -> Result<{name}, record_core::Error> {{\n        self.build_with_clock(&record_core::SystemClock)\n    }}\n"
    );
    let _ = writeln!(
        out,
        "    /// Checks every documented limit against `clock` and builds the request.\n    ///\n    /// # Errors\n    /// An [`record_core::ErrorKind::InvalidRequest`] error naming the first parameter that breaks a limit.\n    pub fn build_with_clock(self, clock: &dyn record_core::Clock) -> Result<{name}, record_core::Error> {{\n        const ACTION: &str = {};",
        lit(&endpoint.name)
    );
    let needs_checks = r.params.iter().any(|p| p.required)
        || r.params.iter().try_fold(false, |any, p| {
            Ok::<_, anyhow::Error>(any || !limit_checks(ty, p, None)?.is_empty())
        })?;
    if needs_checks {
        let _ = writeln!(
            out,
            "        let checks = record_core::check::Checks::new(VENDOR, ACTION);"
        );
    }
    for p in &r.params {
        let fname = field_name(&p.wire, p.rust.as_deref());
        let checks = limit_checks(ty, p, None)?;
        if p.required {
            let _ = writeln!(
                out,
                "        let {fname} = checks.required({}, self.{fname})?;",
                lit(&p.wire)
            );
            if !checks.is_empty() {
                let _ = writeln!(
                    out,
                    "        {{\n            let v = &{fname};\n            {};\n        }}",
                    checks.join(";\n            ")
                );
            }
        } else {
            let _ = writeln!(out, "        let {fname} = self.{fname};");
            if !checks.is_empty() {
                let _ = writeln!(
                    out,
                    "        if let Some(v) = &{fname} {{\n            {};\n        }}",
                    checks.join(";\n            ")
                );
            }
        }
    }
    let fields = r
        .params
        .iter()
        .map(|p| field_name(&p.wire, p.rust.as_deref()))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(out, "        let request = {name} {{ {fields} }};");
    if r.custom_validation {
        let _ = writeln!(
            out,
            "        crate::validation::{}(&request, clock).map_err(|e| e.with_vendor(VENDOR).with_action(ACTION))?;",
            name.to_snake_case()
        );
    } else {
        let _ = writeln!(out, "        let _ = clock;");
    }
    let _ = writeln!(out, "        Ok(request)\n    }}\n}}\n");
    Ok(())
}

fn location_name(l: Location) -> &'static str {
    match l {
        Location::Body => "JSON body",
        Location::Query => "query",
        Location::Path => "path",
    }
}

fn gen_errors(out: &mut String, spec: &Spec) -> Result<()> {
    let _ = writeln!(
        out,
        "/// Every documented error code of this vendor, with its meaning, normalized kind and\n/// whether a retry can help.\npub static ERROR_CODES: &[record_core::ErrorCodeInfo] = &["
    );
    for e in &spec.errors {
        let kind = e.kind.to_upper_camel_case();
        let _ = writeln!(
            out,
            "    record_core::ErrorCodeInfo {{ code: {}, numeric: {}, http_status: {}, meaning: {}, meaning_zh: {}, kind: record_core::ErrorKind::{kind}, retryable: {} }},",
            lit(&e.code),
            e.numeric
                .map_or("None".to_owned(), |n| format!("Some({n})")),
            e.http_status
                .map_or("None".to_owned(), |n| format!("Some({n})")),
            lit(&e.meaning),
            opt_lit(e.zh.as_deref()),
            e.retryable
        );
    }
    let _ = writeln!(
        out,
        "];\n\n/// The documented error code `code` (exact match), if any.\npub fn error_code_info(code: &str) -> Option<&'static record_core::ErrorCodeInfo> {{\n    ERROR_CODES.iter().find(|e| e.code == code)\n}}\n"
    );
    Ok(())
}

fn gen_decode_fixture(out: &mut String, spec: &Spec) {
    let _ = writeln!(
        out,
        "/// Decodes a fixture body with the type its folder (`fixtures/{}/<folder>/`) holds.\n#[doc(hidden)]\npub fn decode_fixture(folder: &str, body: &[u8]) -> Result<record_core::testing::Decoded, serde_json::Error> {{\n    match folder {{",
        spec.vendor.name
    );
    for e in &spec.endpoints {
        let _ = writeln!(
            out,
            "        {} => record_core::testing::Decoded::of::<{}>(body),",
            lit(&e.rust_name),
            e.response
        );
    }
    if let Some(b) = &spec.vendor.error_body {
        let _ = writeln!(
            out,
            "        \"errors\" => record_core::testing::Decoded::of::<{b}>(body),"
        );
    }
    let _ = writeln!(
        out,
        "        other => Err(<serde_json::Error as serde::de::Error>::custom(format!(\"no fixture type for folder `{{other}}`\"))),\n    }}\n}}"
    );
}
