//! `cargo xtask codegen`, step **openapi**: imports a vendor's official OpenAPI 3.0 YAML (one
//! file per action, in English and Chinese) into our spec format, mechanically, so that no
//! field, enum value, range or default is lost in transcription.
//!
//! Input: `crates/<vendor>-record/openapi-overlay.toml` (hand-written: which actions, and every
//! deliberate deviation from the YAML with its reason) and the YAML files it names
//! (`<docs>/en-<file>` for the text, `<docs>/zh-<file>` for the `zh` term; `$ref`s resolved,
//! into `*-shared-components.yaml` too). Output: the spec part named by the overlay (e.g.
//! `crates/zego-record/spec/lifecycle.toml`, read by the models step beside `api-spec.toml`)
//! and the documented request and response examples as fixtures. `--check` fails on drift.
//!
//! The importer refuses what it cannot carry over faithfully: an en/zh structural difference,
//! an enum field without an overlay decision, an enum value without a documented meaning, a
//! key/secret/token field not classified, an overlay entry naming nothing, a schema shape it
//! does not know.

use crate::spec::{Spec, SpecPart};
use crate::{Mode, Problem};
use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use yaml_rust2::{Yaml, YamlLoader};

/// The overlay file name, in a vendor crate directory.
pub const OVERLAY: &str = "openapi-overlay.toml";

// ------------------------------------------------------------------------------------------
// Overlay
// ------------------------------------------------------------------------------------------

/// `openapi-overlay.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overlay {
    /// Folder of the YAML files, relative to the workspace root.
    pub docs: String,
    /// How the spec's `source` fields name that folder (e.g. `vendor-docs/zego`).
    pub source_prefix: String,
    /// The spec part to write, relative to the workspace root.
    pub output: String,
    /// The fixtures folder of the vendor, relative to the workspace root.
    pub fixtures: String,
    #[serde(default)]
    pub envelope: Option<Envelope>,
    #[serde(default)]
    pub actions: Vec<Action>,
    #[serde(default)]
    pub structs: Vec<StructOverride>,
    #[serde(default)]
    pub fields: Vec<FieldOverride>,
    #[serde(default)]
    pub enums: Vec<EnumOverride>,
}

/// Fields every response envelope has although the YAML marks nothing required.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    pub required: Vec<String>,
    pub reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub name: String,
    pub rust_name: String,
    /// The file name after the language prefix, e.g. `start-record.yaml`.
    pub file: String,
    #[serde(default)]
    pub custom_validation: bool,
    /// Whether the action may be repeated (a decision the YAML does not state).
    pub idempotent: bool,
    /// Why, from the vendor's pages.
    pub idempotency_note: String,
    /// Named request examples (the YAML's `examples` keys, in English) → fixture case names.
    #[serde(default)]
    pub request_examples: BTreeMap<String, String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StructOverride {
    /// The struct's name as the importer derives it.
    pub name: String,
    pub rename: String,
    pub reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldOverride {
    /// `<Struct>.<JSON key>`, the struct by its final (renamed) name.
    pub at: String,
    pub reason: String,
    #[serde(default, rename = "type")]
    pub ty: Option<String>,
    #[serde(default)]
    pub rust: Option<String>,
    /// A generated (or reused) enum for a field with a documented value set.
    #[serde(default, rename = "enum")]
    pub enum_name: Option<String>,
    /// Keep an enumerated field as its plain type (the value set is still checked).
    #[serde(default)]
    pub plain: bool,
    #[serde(default)]
    pub secret: Option<bool>,
    #[serde(default)]
    pub required: Option<bool>,
    #[serde(default)]
    pub len_bytes: Option<usize>,
    #[serde(default)]
    pub non_empty: Option<bool>,
    #[serde(default)]
    pub min: Option<i64>,
    #[serde(default)]
    pub max: Option<i64>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumOverride {
    pub name: String,
    /// Defined in `api-spec.toml` already: the importer checks it covers the values.
    #[serde(default)]
    pub reuse: bool,
    #[serde(default)]
    pub doc: Option<String>,
    #[serde(default)]
    pub zh: Option<String>,
    /// raw value → Rust variant name.
    #[serde(default)]
    pub variants: BTreeMap<String, String>,
    /// raw value → meaning, where the prose gives none.
    #[serde(default)]
    pub meanings: BTreeMap<String, String>,
    pub reason: String,
}

// ------------------------------------------------------------------------------------------
// YAML documents and $ref
// ------------------------------------------------------------------------------------------

struct Docs {
    dir: PathBuf,
    files: BTreeMap<String, Yaml>,
}

impl Docs {
    fn load(&mut self, name: &str) -> Result<()> {
        if self.files.contains_key(name) {
            return Ok(());
        }
        let path = self.dir.join(name);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let mut docs = YamlLoader::load_from_str(&text)
            .with_context(|| format!("parsing {}", path.display()))?;
        if docs.len() != 1 {
            bail!("{}: expected one YAML document", path.display());
        }
        self.files.insert(name.to_owned(), docs.remove(0));
        Ok(())
    }

    fn root(&self, file: &str) -> Result<&Yaml> {
        self.files
            .get(file)
            .with_context(|| format!("{file} is not loaded"))
    }

    /// Follows `$ref`s from `node` (in `file`) to the node they name, returning it, its
    /// file and its JSON pointer (`None` when `node` is not a reference).
    fn deref(&mut self, file: &str, node: &Yaml) -> Result<(String, Option<String>, Yaml)> {
        let mut file = file.to_owned();
        let mut node = node.clone();
        let mut pointer = None;
        for _ in 0..16 {
            let Some(r) = node["$ref"].as_str().map(str::to_owned) else {
                return Ok((file, pointer, node));
            };
            let (target_file, ptr) = match r.split_once('#') {
                Some(("", p)) => (file.clone(), p.to_owned()),
                Some((f, p)) => {
                    let f = f.trim_start_matches("./");
                    // The copies carry a language prefix: `./shared-components.yaml` of
                    // `en-start-record.yaml` is `en-shared-components.yaml`.
                    let lang = file.split('-').next().unwrap_or_default();
                    (format!("{lang}-{f}"), p.to_owned())
                }
                None => bail!("{file}: unsupported $ref `{r}`"),
            };
            self.load(&target_file)?;
            let mut cur = self.root(&target_file)?.clone();
            for seg in ptr.split('/').filter(|s| !s.is_empty()) {
                cur = cur[seg].clone();
                if cur.is_badvalue() {
                    bail!("{file}: $ref `{r}` names nothing");
                }
            }
            pointer = Some(ptr);
            file = target_file;
            node = cur;
        }
        bail!("{file}: $ref chain too long")
    }
}

// ------------------------------------------------------------------------------------------
// The imported model (before it is written as a spec part)
// ------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Str,
    Bool,
    Int(Option<String>),
    Number,
    Obj(String),
    List(Box<Kind>),
}

#[derive(Debug, Clone)]
struct Fld {
    wire: String,
    kind: Kind,
    required: bool,
    default: Option<String>,
    min: Option<i64>,
    max: Option<i64>,
    values: Vec<Yaml>,
    doc: String,
    zh: String,
    example: Option<Yaml>,
    source: String,
}

#[derive(Debug, Clone)]
struct Obj {
    name: String,
    doc: String,
    zh: String,
    source: String,
    request: bool,
    actions: Vec<String>,
    fields: Vec<Fld>,
}

impl Obj {
    /// Everything but prose: two schemas with the same shape are one Rust type.
    fn shape(&self) -> String {
        self.fields
            .iter()
            .map(|f| {
                format!(
                    "{}:{:?}:{}:{:?}:{:?}:{:?}:{:?}",
                    f.wire, f.kind, f.required, f.default, f.min, f.max, f.values
                )
            })
            .collect::<Vec<_>>()
            .join("|")
    }
}

struct Importer<'o> {
    overlay: &'o Overlay,
    docs: Docs,
    objs: Vec<Obj>,
    /// Which action's walk is in progress.
    action: String,
}

/// Structural attributes of a schema node that en and zh must share.
fn shape_of(node: &Yaml) -> String {
    let keys = [
        "type", "format", "enum", "default", "minimum", "maximum", "required", "$ref",
    ];
    let mut s = String::new();
    for k in keys {
        let _ = write!(s, "{k}={:?};", node[k]);
    }
    if let Some(h) = node["properties"].as_hash() {
        let names: Vec<_> = h.keys().filter_map(Yaml::as_str).collect();
        let _ = write!(s, "properties={names:?};");
    }
    s
}

fn yaml_text(y: &Yaml) -> Option<String> {
    match y {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Real(r) => Some(r.clone()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

impl Importer<'_> {
    fn src(&self, file: &str, pointer: &str) -> String {
        let base = file.split_once('-').map_or(file, |(_, rest)| rest);
        format!("{}/{{en,zh}}-{base} #{pointer}", self.overlay.source_prefix)
    }

    /// Walks an object schema (`en`, `zh` already dereferenced) registered as `name`.
    #[allow(clippy::too_many_arguments)]
    fn object(
        &mut self,
        name: &str,
        files: (&str, &str),
        en: &Yaml,
        zh: &Yaml,
        pointer: &str,
        request: bool,
        fallback_doc: (&str, &str),
    ) -> Result<String> {
        if shape_of(en) != shape_of(zh) {
            bail!(
                "{pointer}: en and zh schemas differ:\n  en {}\n  zh {}",
                shape_of(en),
                shape_of(zh)
            );
        }
        let required: BTreeSet<String> = en["required"]
            .as_vec()
            .map(|v| {
                v.iter()
                    .filter_map(Yaml::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let mut fields = Vec::new();
        let props = en["properties"]
            .as_hash()
            .with_context(|| format!("{pointer}: an object without properties"))?;
        for (k, en_p) in props {
            let wire = k.as_str().context("non-string property name")?.to_owned();
            let zh_p = zh["properties"][wire.as_str()].clone();
            let ptr = format!("{pointer}/properties/{wire}");
            let f = self
                .field(
                    name,
                    &wire,
                    files,
                    en_p,
                    &zh_p,
                    &ptr,
                    request,
                    required.contains(&wire),
                )
                .with_context(|| format!("{}: {ptr}", files.0))?;
            fields.push(f);
        }
        let obj = Obj {
            name: name.to_owned(),
            doc: {
                let d = clean(en["description"].as_str().unwrap_or_default());
                if d.is_empty() {
                    fallback_doc.0.to_owned()
                } else {
                    d
                }
            },
            zh: {
                let d = clean(zh["description"].as_str().unwrap_or_default());
                if d.is_empty() {
                    fallback_doc.1.to_owned()
                } else {
                    d
                }
            },
            source: self.src(files.0, pointer),
            request,
            actions: vec![self.action.clone()],
            fields,
        };
        self.register(obj)?;
        Ok(name.to_owned())
    }

    /// Adds an object, or merges it into the same-named one when the shapes agree (one
    /// Rust type; both pages' prose kept where it differs).
    fn register(&mut self, obj: Obj) -> Result<()> {
        let Some(have) = self.objs.iter_mut().find(|o| o.name == obj.name) else {
            self.objs.push(obj);
            return Ok(());
        };
        if have.shape() != obj.shape() || have.request != obj.request {
            bail!(
                "schema `{}` appears in {} and {} with different shapes: rename one in the overlay",
                obj.name,
                have.actions.join(", "),
                self.action
            );
        }
        if have.actions.contains(&self.action) {
            return Ok(());
        }
        let first = have.actions.join(", ");
        let merge = |a: &mut String, b: &str, a_label: &str, b_label: &str| {
            if a.trim() != b.trim() {
                *a = format!("{a_label} page: {a}\n\n{b_label} page: {b}");
            }
        };
        let this = self.action.clone();
        for (f, g) in have.fields.iter_mut().zip(&obj.fields) {
            merge(&mut f.doc, &g.doc, &first, &this);
            merge(&mut f.zh, &g.zh, &first, &this);
            if !f.source.contains(&g.source) {
                f.source = format!("{}; {}", f.source, g.source);
            }
        }
        merge(&mut have.doc, &obj.doc, &first, &this);
        merge(&mut have.zh, &obj.zh, &first, &this);
        have.source = format!("{}; {}", have.source, obj.source);
        have.actions.push(this);
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn field(
        &mut self,
        parent: &str,
        wire: &str,
        files: (&str, &str),
        en_p: &Yaml,
        zh_p: &Yaml,
        ptr: &str,
        request: bool,
        required: bool,
    ) -> Result<Fld> {
        // A sibling description beside a $ref documents the use; the target its type.
        let en_desc = clean(en_p["description"].as_str().unwrap_or_default());
        let zh_desc = clean(zh_p["description"].as_str().unwrap_or_default());
        let (en_file, en_ptr, en_t) = self.docs.deref(files.0, en_p)?;
        let (zh_file, _, zh_t) = self.docs.deref(files.1, zh_p)?;
        if shape_of(&en_t) != shape_of(&zh_t) {
            bail!("{ptr}: en and zh differ");
        }
        let target_ptr = en_ptr.clone().unwrap_or_else(|| ptr.to_owned());
        let (kind, doc, zh) = self.kind(
            parent,
            wire,
            (&en_file, &zh_file),
            &en_t,
            &zh_t,
            &target_ptr,
            en_ptr.is_some(),
            request,
            (&en_desc, &zh_desc),
        )?;
        let (doc, zh) = match (&kind, doc.is_empty() && en_desc.is_empty()) {
            (Kind::Obj(n), true) => (format!("The `{wire}` object (see `{n}`)."), zh),
            (Kind::List(inner), true) => match inner.as_ref() {
                Kind::Obj(n) => (format!("The `{wire}` list (see `{n}`)."), zh),
                _ => (doc, zh),
            },
            _ => (doc, zh),
        };
        let doc = if en_desc.is_empty() { doc } else { en_desc };
        let zh = if zh_desc.is_empty() { zh } else { zh_desc };
        let int = |k: &str| en_t[k].as_i64();
        Ok(Fld {
            wire: wire.to_owned(),
            kind,
            required,
            default: yaml_text(&en_t["default"]),
            min: int("minimum"),
            max: int("maximum"),
            values: en_t["enum"].as_vec().cloned().unwrap_or_default(),
            doc,
            zh,
            example: (!en_t["example"].is_badvalue()).then(|| en_t["example"].clone()),
            source: self.src(files.0, ptr),
        })
    }

    /// The kind of a dereferenced schema; for objects and arrays of objects, walks them.
    /// Returns the kind and the target's own description (en, zh) for a fallback doc.
    #[allow(clippy::too_many_arguments)]
    fn kind(
        &mut self,
        parent: &str,
        wire: &str,
        files: (&str, &str),
        en: &Yaml,
        zh: &Yaml,
        ptr: &str,
        named: bool,
        request: bool,
        use_doc: (&str, &str),
    ) -> Result<(Kind, String, String)> {
        let en_d = clean(en["description"].as_str().unwrap_or_default());
        let zh_d = clean(zh["description"].as_str().unwrap_or_default());
        let ty = en["type"].as_str().unwrap_or_default();
        let kind = match ty {
            "string" => Kind::Str,
            "boolean" => Kind::Bool,
            "integer" => Kind::Int(en["format"].as_str().map(str::to_owned)),
            "number" => Kind::Number,
            "object" => {
                // A named component keeps its name; an inline object is <Parent><Field>.
                let name = if named {
                    ptr.rsplit('/').next().unwrap_or(wire).to_owned()
                } else {
                    let base = parent
                        .strip_suffix("Response")
                        .or_else(|| parent.strip_suffix("Request"))
                        .unwrap_or(parent);
                    format!("{base}{wire}")
                };
                let name = self.rename(&name);
                // Without a description of its own, the object is documented by the
                // description of the field that holds it.
                let fallback = (
                    if use_doc.0.is_empty() {
                        format!("The `{wire}` object.")
                    } else {
                        use_doc.0.to_owned()
                    },
                    if use_doc.1.is_empty() {
                        format!("`{wire}` 对象")
                    } else {
                        use_doc.1.to_owned()
                    },
                );
                self.object(
                    &name,
                    files,
                    en,
                    zh,
                    ptr,
                    request,
                    (&fallback.0, &fallback.1),
                )?;
                Kind::Obj(name)
            }
            "array" => {
                let (ef, eptr, ei) = self.docs.deref(files.0, &en["items"])?;
                let (zf, _, zi) = self.docs.deref(files.1, &zh["items"])?;
                let iptr = eptr.clone().unwrap_or_else(|| format!("{ptr}/items"));
                let (inner, _, _) = self.kind(
                    parent,
                    wire,
                    (&ef, &zf),
                    &ei,
                    &zi,
                    &iptr,
                    eptr.is_some(),
                    request,
                    use_doc,
                )?;
                Kind::List(Box::new(inner))
            }
            other => bail!("{ptr}: unsupported schema type `{other}`"),
        };
        Ok((kind, en_d, zh_d))
    }

    /// The final name of a derived struct name (overlay `[[structs]]`).
    fn rename(&self, derived: &str) -> String {
        let plain = derived;
        self.overlay
            .structs
            .iter()
            .find(|s| s.name == plain)
            .map_or_else(|| plain.to_owned(), |s| s.rename.clone())
    }
}

// ------------------------------------------------------------------------------------------
// Text
// ------------------------------------------------------------------------------------------

/// The vendor's description as plain Markdown: HTML lists and bold become Markdown, other
/// tags go (their text stays), lines wrapped in literal quotes (a defect of several English
/// block scalars, lifecycle/zego.md C-21) are unwrapped and their `\"` unescaped, nested
/// indentation is reduced so that nothing reads as a code block, bare URLs are marked as
/// links.
pub fn clean(text: &str) -> String {
    let mut s = String::new();
    // The indentation of the text of the list item being continued (0: none).
    let mut cont = 0;
    for line in text.lines() {
        let t = line.trim();
        let t = if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
            t[1..t.len() - 1].replace("\\\"", "\"")
        } else {
            t.to_owned()
        };
        let indent = line.len() - line.trim_start().len();
        if t.is_empty() {
            cont = 0;
        } else if t.starts_with("- ") {
            if indent > 0 {
                s.push_str("  ");
                cont = 4;
            } else {
                cont = 2;
            }
        } else if indent > 0 && cont > 0 {
            s.push_str(&" ".repeat(cont));
        } else {
            cont = 0;
        }
        s.push_str(&t);
        s.push('\n');
    }
    // Tags.
    let mut out = String::new();
    let mut rest = s.as_str();
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let is_tag = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/');
        match (is_tag, after.find('>')) {
            (true, Some(j)) => {
                let tag = after[..j].trim_end_matches('/').trim();
                let tname = tag
                    .trim_start_matches('/')
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                match (tname.as_str(), tag.starts_with('/')) {
                    ("li", false) => out.push_str("\n- "),
                    ("ul" | "ol" | "br" | "p", _) => out.push('\n'),
                    ("b" | "strong", _) => out.push_str("**"),
                    _ => {}
                }
                rest = &after[j + 1..];
            }
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    // Blank lines: at most one in a row; no trailing spaces.
    let mut lines: Vec<String> = Vec::new();
    for l in out.lines() {
        let l = l.trim_end().to_owned();
        if l.is_empty() && lines.last().is_none_or(String::is_empty) {
            continue;
        }
        lines.push(l);
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    link_urls(&lines.join("\n"))
}

/// Wraps bare `http(s)://` URLs in `<…>` (rustdoc warns on bare URLs).
fn link_urls(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("http") {
        let tail = &rest[i..];
        if !(tail.starts_with("http://") || tail.starts_with("https://")) {
            out.push_str(&rest[..i + 4]);
            rest = &rest[i + 4..];
            continue;
        }
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || "-._~:/?#@!$&*+;=%".contains(c)))
            .unwrap_or(tail.len());
        let url = tail[..end].trim_end_matches(['.', ':', ';']);
        let before = &rest[..i];
        out.push_str(before);
        if before.ends_with('<') {
            out.push_str(url);
        } else {
            let _ = write!(out, "<{url}>");
        }
        rest = &tail[url.len()..];
    }
    out.push_str(rest);
    out
}

/// The first sentence or line of a cleaned text (of the first page, for merged prose).
fn first_line(s: &str) -> String {
    let s = match s.split_once(" page: ") {
        Some((label, rest)) if !label.contains(' ') || label.contains(", ") => {
            rest.split("\n\n").next().unwrap_or(rest)
        }
        _ => s,
    };
    s.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('>'))
        .unwrap_or_default()
        .to_owned()
}

/// The meaning of each value of an enumerated field, from its prose: lines such as
/// `- 1: Crop mode. …`, `<li>1：单流录制</li>` (already Markdown).
fn value_meanings(text: &str) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for line in text.lines() {
        let l = line.trim().trim_start_matches("- ").trim();
        let Some((raw, meaning)) = l.split_once([':', '：']) else {
            continue;
        };
        let raw = raw.trim();
        if raw.is_empty() || !raw.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let meaning = meaning.trim();
        if !meaning.is_empty() {
            m.entry(raw.to_owned())
                .or_insert_with(|| meaning.to_owned());
        }
    }
    m
}

/// A unit named in the English prose ("in seconds", "in bps", ...).
fn unit_of(text: &str) -> Option<&'static str> {
    let t = text.to_ascii_lowercase();
    let has = |w: &str| t.contains(w);
    if has("in milliseconds") {
        Some("ms")
    } else if has("in seconds") || has("unit: s") {
        Some("s")
    } else if has("in pixels") || has("in px") {
        Some("px")
    } else if has("in bps") || has(" bps") {
        Some("bps")
    } else {
        None
    }
}

// ------------------------------------------------------------------------------------------
// TOML and JSON writing
// ------------------------------------------------------------------------------------------

/// A TOML string: a multi-line literal for prose, a basic string otherwise.
fn tstr(s: &str) -> String {
    let plain =
        !s.contains("'''") && !s.ends_with('\'') && !s.chars().any(|c| c.is_control() && c != '\n');
    if s.contains('\n') && plain {
        format!("'''\n{s}'''")
    } else {
        toml::Value::String(s.to_owned()).to_string()
    }
}

fn tval(y: &Yaml) -> Option<String> {
    match y {
        Yaml::String(s) => Some(tstr(s)),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        Yaml::Real(r) => Some(r.clone()),
        _ => None,
    }
}

/// Pretty JSON (4-space indent, keys in the document's order) of a YAML value.
fn json_of(y: &Yaml, indent: usize, out: &mut String) -> Result<()> {
    let pad = " ".repeat(indent + 4);
    match y {
        Yaml::Hash(h) if h.is_empty() => out.push_str("{}"),
        Yaml::Hash(h) => {
            out.push_str("{\n");
            for (i, (k, v)) in h.iter().enumerate() {
                let k = k.as_str().context("non-string key in an example")?;
                let _ = write!(out, "{pad}{}: ", serde_json::to_string(k)?);
                json_of(v, indent + 4, out)?;
                out.push_str(if i + 1 < h.len() { ",\n" } else { "\n" });
            }
            let _ = write!(out, "{}}}", " ".repeat(indent));
        }
        Yaml::Array(a) if a.is_empty() => out.push_str("[]"),
        Yaml::Array(a) => {
            out.push_str("[\n");
            for (i, v) in a.iter().enumerate() {
                out.push_str(&pad);
                json_of(v, indent + 4, out)?;
                out.push_str(if i + 1 < a.len() { ",\n" } else { "\n" });
            }
            let _ = write!(out, "{}]", " ".repeat(indent));
        }
        Yaml::String(s) => out.push_str(&serde_json::to_string(s)?),
        Yaml::Integer(i) => out.push_str(&i.to_string()),
        Yaml::Real(r) => out.push_str(r),
        Yaml::Boolean(b) => out.push_str(&b.to_string()),
        Yaml::Null => out.push_str("null"),
        other => bail!("unsupported value in an example: {other:?}"),
    }
    Ok(())
}

// ------------------------------------------------------------------------------------------
// The import
// ------------------------------------------------------------------------------------------

/// What one overlay produces: the spec part and the example fixtures, each as
/// (path relative to the root, contents).
pub struct Output {
    pub files: Vec<(String, String)>,
    /// Field count per action (request body fields, nested included).
    pub field_counts: Vec<(String, usize)>,
}

struct Example {
    case: String,
    source: String,
    value: Yaml,
}

struct ActionOut {
    action: String,
    rust_name: String,
    doc: String,
    zh: String,
    rate: u32,
    source: String,
    note: Option<String>,
    custom_validation: bool,
    idempotent: bool,
    idempotency_note: String,
    request_examples: Vec<Example>,
    response_examples: Vec<Example>,
}

/// Runs the importer of one overlay (in `crate_dir`, relative to `root`).
pub fn import(root: &Path, crate_dir: &str) -> Result<Output> {
    let overlay_rel = format!("{crate_dir}/{OVERLAY}");
    let text = std::fs::read_to_string(root.join(&overlay_rel))
        .with_context(|| format!("reading {overlay_rel}"))?;
    let overlay: Overlay =
        toml::from_str(&text).with_context(|| format!("parsing {overlay_rel}"))?;
    let base = load_base_spec(root, crate_dir)?;
    let docs_dir = root.join(&overlay.docs);
    if !docs_dir.is_dir() {
        bail!(
            "{overlay_rel}: the vendor's OpenAPI files are not at {} (docs = {:?}); the openapi step needs them",
            docs_dir.display(),
            overlay.docs
        );
    }
    let mut imp = Importer {
        overlay: &overlay,
        docs: Docs {
            dir: docs_dir,
            files: BTreeMap::new(),
        },
        objs: Vec::new(),
        action: String::new(),
    };
    let mut actions = Vec::new();
    let mut field_counts = Vec::new();
    for a in &overlay.actions {
        imp.action = a.name.clone();
        let before = imp.objs.len();
        let out = import_action(&mut imp, a).with_context(|| format!("action {}", a.name))?;
        let _ = before;
        field_counts.push((
            a.name.clone(),
            count_fields(&imp.objs, &format!("{}Request", a.name)),
        ));
        actions.push(out);
    }
    let mut objs = imp.objs;
    let enums = apply_overlay(&overlay, &mut objs, &base)?;
    let mut files = Vec::new();
    let spec_text = write_part(&overlay, &overlay_rel, &actions, &objs, &enums)?;
    // The part must be valid on its own terms and together with the base spec.
    let part: SpecPart =
        toml::from_str(&spec_text).context("the written spec part does not parse")?;
    let mut whole = load_base_spec(root, crate_dir)?;
    whole.merge(part);
    files.push((overlay.output.clone(), spec_text));
    for a in &actions {
        for ex in &a.request_examples {
            let mut json = String::new();
            json_of(&ex.value, 0, &mut json)?;
            json.push('\n');
            files.push((
                format!(
                    "{}/{}/requests/{}.json",
                    overlay.fixtures, a.rust_name, ex.case
                ),
                json,
            ));
        }
        for ex in &a.response_examples {
            let mut json = String::new();
            json_of(&ex.value, 0, &mut json)?;
            json.push('\n');
            files.push((
                format!("{}/{}/{}.json", overlay.fixtures, a.rust_name, ex.case),
                json,
            ));
        }
    }
    Ok(Output {
        files,
        field_counts,
    })
}

fn load_base_spec(root: &Path, crate_dir: &str) -> Result<Spec> {
    let path = root.join(crate_dir).join("api-spec.toml");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// Body fields of a request, nested ones included (each field of each object once per
/// place it appears).
fn count_fields(objs: &[Obj], root: &str) -> usize {
    fn walk(objs: &[Obj], name: &str, depth: usize) -> usize {
        let Some(o) = objs.iter().find(|o| o.name == name) else {
            return 0;
        };
        if depth > 16 {
            return 0;
        }
        o.fields
            .iter()
            .map(|f| {
                1 + match &f.kind {
                    Kind::Obj(n) => walk(objs, n, depth + 1),
                    Kind::List(inner) => match inner.as_ref() {
                        Kind::Obj(n) => walk(objs, n, depth + 1),
                        _ => 0,
                    },
                    _ => 0,
                }
            })
            .sum()
    }
    walk(objs, root, 0)
}

fn import_action(imp: &mut Importer<'_>, a: &Action) -> Result<ActionOut> {
    let en_file = format!("en-{}", a.file);
    let zh_file = format!("zh-{}", a.file);
    imp.docs.load(&en_file)?;
    imp.docs.load(&zh_file)?;
    let en = imp.docs.root(&en_file)?.clone();
    let zh = imp.docs.root(&zh_file)?.clone();
    let en_op = en["paths"]["/"]["post"].clone();
    let zh_op = zh["paths"]["/"]["post"].clone();
    if en_op.is_badvalue() || zh_op.is_badvalue() {
        bail!("{en_file}: no `post` operation on `/`");
    }
    if en_op["summary"].as_str() != Some(a.name.as_str()) {
        bail!(
            "{en_file}: summary is {:?}, not {}",
            en_op["summary"],
            a.name
        );
    }
    // The query parameters: Action names this action; the common ones resolve into the
    // shared components (the signer's business, not part of the body model).
    let params = en_op["parameters"]
        .as_vec()
        .context("no parameters")?
        .clone();
    let mut names = Vec::new();
    for p in &params {
        let (_, _, p) = imp.docs.deref(&en_file, p)?;
        let name = p["name"].as_str().unwrap_or_default().to_owned();
        if p["in"].as_str() != Some("query") {
            bail!("{en_file}: parameter {name} is not in the query");
        }
        if name == "Action" {
            let values = p["schema"]["enum"].as_vec().cloned().unwrap_or_default();
            if values != vec![Yaml::String(a.name.clone())] {
                bail!("{en_file}: Action's enum is {values:?}, not [{}]", a.name);
            }
        }
        names.push(name);
    }
    let expected = [
        "Action",
        "AppId",
        "SignatureNonce",
        "Timestamp",
        "SignatureVersion",
        "Signature",
    ];
    if names != expected {
        bail!(
            "{en_file}: query parameters {names:?}, expected {expected:?} (the signer sends exactly these)"
        );
    }
    let en_desc = clean(en_op["description"].as_str().unwrap_or_default());
    let zh_desc = clean(zh_op["description"].as_str().unwrap_or_default());
    let rate = en_desc
        .split("Call frequency limit:")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse::<u32>().ok())
        .with_context(|| {
            format!("{en_file}: no `Call frequency limit: N times/second` in the description")
        })?;
    let zh_rate = zh_desc
        .split("调用频率限制：")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse::<u32>().ok());
    if zh_rate != Some(rate) {
        bail!("{zh_file}: rate limit {zh_rate:?} differs from en {rate}");
    }
    // Request body.
    let media = "application/json";
    let en_body = en_op["requestBody"]["content"][media].clone();
    let zh_body = zh_op["requestBody"]["content"][media].clone();
    let (ef, eptr, en_schema) = imp.docs.deref(&en_file, &en_body["schema"])?;
    let (zf, _, zh_schema) = imp.docs.deref(&zh_file, &zh_body["schema"])?;
    let req_name = format!("{}Request", a.name);
    let ptr = eptr.unwrap_or_else(|| "/paths/~1/post/requestBody".to_owned());
    let op_doc = first_line(&en_desc);
    let op_zh = first_line(&zh_desc);
    imp.object(
        &req_name,
        (&ef, &zf),
        &en_schema,
        &zh_schema,
        &ptr,
        true,
        (&format!("Body of {}: {op_doc}", a.name), &op_zh),
    )?;
    // Request examples: named ones beside the schema, or the schema's own `example`.
    let mut request_examples = Vec::new();
    if let Some(named) = en_body["examples"].as_hash() {
        let zh_named: Vec<Yaml> = zh_body["examples"]
            .as_hash()
            .map(|h| h.values().cloned().collect())
            .unwrap_or_default();
        let mut seen = BTreeSet::new();
        for (i, (k, v)) in named.iter().enumerate() {
            let k = k.as_str().context("example name")?;
            let case = a.request_examples.get(k).with_context(|| {
                format!("{en_file}: request example `{k}` has no fixture name in the overlay's request_examples")
            })?;
            if zh_named.get(i).map(|z| &z["value"]) != Some(&v["value"]) {
                bail!("{en_file}: request example `{k}` differs from its zh twin");
            }
            seen.insert(k.to_owned());
            request_examples.push(Example {
                case: case.clone(),
                source: imp.src(
                    &en_file,
                    &format!("/paths/~1/post/requestBody/content/application~1json/examples/{k}"),
                ),
                value: v["value"].clone(),
            });
        }
        for k in a.request_examples.keys() {
            if !seen.contains(k) {
                bail!(
                    "overlay: request example `{k}` of {} does not exist",
                    a.name
                );
            }
        }
    } else if !en_schema["example"].is_badvalue() {
        if en_schema["example"] != zh_schema["example"] {
            bail!("{en_file}: the request example differs from its zh twin");
        }
        request_examples.push(Example {
            case: "doc_example".to_owned(),
            source: format!("{} example", imp.src(&en_file, &ptr)),
            value: en_schema["example"].clone(),
        });
    }
    // Response.
    let en_resp = en_op["responses"]["200"]["content"][media].clone();
    let zh_resp = zh_op["responses"]["200"]["content"][media].clone();
    let (ef, eptr, en_rs) = imp.docs.deref(&en_file, &en_resp["schema"])?;
    let (zf, _, zh_rs) = imp.docs.deref(&zh_file, &zh_resp["schema"])?;
    let resp_name = format!("{}Response", a.name);
    let rptr = eptr.unwrap_or_else(|| "/paths/~1/post/responses/200".to_owned());
    imp.object(
        &resp_name,
        (&ef, &zf),
        &en_rs,
        &zh_rs,
        &rptr,
        false,
        (
            &format!("The answer of {}: the common envelope.", a.name),
            "响应参数",
        ),
    )?;
    let mut response_examples = Vec::new();
    if !en_rs["example"].is_badvalue() {
        if en_rs["example"] != zh_rs["example"] {
            bail!("{en_file}: the response example differs from its zh twin");
        }
        response_examples.push(Example {
            case: "doc_example".to_owned(),
            source: format!("{} example", imp.src(&en_file, &rptr)),
            value: en_rs["example"].clone(),
        });
    }
    Ok(ActionOut {
        action: a.name.clone(),
        rust_name: a.rust_name.clone(),
        doc: en_desc,
        zh: zh_desc,
        rate,
        source: imp.src(&en_file, "/paths/~1/post"),
        note: a.note.clone(),
        custom_validation: a.custom_validation,
        idempotent: a.idempotent,
        idempotency_note: a.idempotency_note.clone(),
        request_examples,
        response_examples,
    })
}

/// A field after the overlay: its spec type, limits and prose.
struct Final {
    ty: String,
    rust: Option<String>,
    secret: bool,
    required: bool,
    len_bytes: Option<usize>,
    non_empty: bool,
    min: Option<i64>,
    max: Option<i64>,
    one_of: Vec<Yaml>,
    unit: Option<String>,
    note: Option<String>,
}

/// The fields after the overlay, by (struct, JSON key), and the generated enums.
type Applied = (BTreeMap<(String, String), Final>, Vec<EnumOut>);

struct EnumOut {
    name: String,
    repr_int: bool,
    doc: String,
    zh: String,
    source: String,
    reason: String,
    values: Vec<(Yaml, String, String, Option<String>)>,
}

/// Field names that may hold a credential: they must be classified in the overlay.
fn looks_secret(wire: &str) -> bool {
    let w = wire.to_ascii_lowercase();
    ["secret", "token", "password", "passwd", "credential"]
        .iter()
        .any(|k| w.contains(k))
        || w.ends_with("key")
        || w.contains("accesskey")
}

#[allow(clippy::too_many_lines)]
fn apply_overlay(overlay: &Overlay, objs: &mut [Obj], base: &Spec) -> Result<Applied> {
    let mut used = vec![false; overlay.fields.len()];
    let mut finals = BTreeMap::new();
    let mut enums: Vec<EnumOut> = Vec::new();
    let mut used_enums = BTreeSet::new();
    for s in &overlay.structs {
        if !objs.iter().any(|o| o.name == s.rename) {
            bail!("overlay [[structs]] `{}`: no such struct", s.name);
        }
    }
    for o in objs.iter() {
        for f in &o.fields {
            let at = format!("{}.{}", o.name, f.wire);
            let ov = overlay.fields.iter().position(|x| x.at == at).map(|i| {
                used[i] = true;
                &overlay.fields[i]
            });
            let mut ty = match &f.kind {
                Kind::Str => "string".to_owned(),
                Kind::Bool => "bool".to_owned(),
                Kind::Int(fmt) => match fmt.as_deref() {
                    Some("int32") => "i32".to_owned(),
                    Some("uint32") => "u32".to_owned(),
                    None | Some("int64") => "i64".to_owned(),
                    Some(other) => bail!("{at}: integer format `{other}`"),
                },
                Kind::Number => "f64".to_owned(),
                Kind::Obj(n) => format!("struct:{n}"),
                Kind::List(inner) => match inner.as_ref() {
                    Kind::Str => "list:string".to_owned(),
                    Kind::Obj(n) => format!("list:struct:{n}"),
                    Kind::Int(_) => "list:i64".to_owned(),
                    other => bail!("{at}: list of {other:?}"),
                },
            };
            if let Some(t) = ov.and_then(|o| o.ty.clone()) {
                ty = t;
            }
            let secret = match ov.and_then(|o| o.secret) {
                Some(s) => s,
                None if looks_secret(&f.wire) => bail!(
                    "{at}: the name looks like a credential; classify it in the overlay with `secret = true` or `secret = false` and a reason"
                ),
                None => false,
            };
            if secret && !o.request {
                bail!("{at}: secret is for request fields");
            }
            // Enumerated values.
            if !f.values.is_empty() {
                let plain = ov.is_some_and(|o| o.plain);
                let en_name = ov.and_then(|o| o.enum_name.clone());
                match (en_name, plain) {
                    (Some(name), false) => {
                        let eo =
                            overlay
                                .enums
                                .iter()
                                .find(|e| e.name == name)
                                .with_context(|| {
                                    format!(
                                        "{at}: enum `{name}` has no [[enums]] entry in the overlay"
                                    )
                                })?;
                        used_enums.insert(name.clone());
                        let raws: Vec<String> = f.values.iter().filter_map(yaml_text).collect();
                        if eo.reuse {
                            let have = base.find_enum(&name).with_context(|| {
                                format!("{at}: reused enum `{name}` is not in api-spec.toml")
                            })?;
                            for r in &raws {
                                let known = have.values.iter().any(|v| match &v.raw {
                                    toml::Value::Integer(i) => i.to_string() == *r,
                                    toml::Value::String(s) => s == r,
                                    _ => false,
                                });
                                if !known {
                                    bail!(
                                        "{at}: value {r} is missing from the reused enum `{name}` in api-spec.toml"
                                    );
                                }
                            }
                        } else if let Some(e) = enums.iter().find(|e| e.name == name) {
                            let have: Vec<String> =
                                e.values.iter().filter_map(|v| yaml_text(&v.0)).collect();
                            if have != raws {
                                bail!(
                                    "{at}: enum `{name}` is used with values {raws:?} and {have:?}"
                                );
                            }
                        } else {
                            let keys: BTreeSet<&String> = eo.variants.keys().collect();
                            let want: BTreeSet<&String> = raws.iter().collect();
                            if keys != want {
                                bail!(
                                    "overlay enum `{name}`: variants for {keys:?}, the schema has {want:?}"
                                );
                            }
                            let en_m = value_meanings(&f.doc);
                            let zh_m = value_meanings(&f.zh);
                            let mut values = Vec::new();
                            for (y, r) in f.values.iter().zip(&raws) {
                                let meaning = eo
                                    .meanings
                                    .get(r)
                                    .or_else(|| en_m.get(r))
                                    .with_context(|| format!("{at}: value {r} has no meaning in the prose and none in the overlay"))?;
                                values.push((
                                    y.clone(),
                                    eo.variants.get(r).cloned().unwrap_or_default(),
                                    meaning.clone(),
                                    zh_m.get(r).cloned(),
                                ));
                            }
                            enums.push(EnumOut {
                                name: name.clone(),
                                repr_int: matches!(f.kind, Kind::Int(_)),
                                doc: eo.doc.clone().unwrap_or_else(|| first_line(&f.doc)),
                                zh: eo.zh.clone().unwrap_or_else(|| first_line(&f.zh)),
                                source: f.source.clone(),
                                reason: eo.reason.clone(),
                                values,
                            });
                        }
                        ty = format!("enum:{name}");
                    }
                    (None, true) => {}
                    _ => bail!(
                        "{at}: a field with documented values {:?} needs `enum = \"Name\"` or `plain = true` in the overlay",
                        f.values.iter().filter_map(yaml_text).collect::<Vec<_>>()
                    ),
                }
            }
            finals.insert(
                (o.name.clone(), f.wire.clone()),
                Final {
                    ty,
                    rust: ov.and_then(|o| o.rust.clone()),
                    secret,
                    required: ov.and_then(|o| o.required).unwrap_or(f.required),
                    len_bytes: ov.and_then(|o| o.len_bytes),
                    non_empty: ov.and_then(|o| o.non_empty).unwrap_or(false),
                    min: ov.and_then(|o| o.min).or(f.min),
                    max: ov.and_then(|o| o.max).or(f.max),
                    one_of: f.values.clone(),
                    unit: ov
                        .and_then(|o| o.unit.clone())
                        .or_else(|| unit_of(&f.doc).map(str::to_owned)),
                    note: ov.map(|o| {
                        let n = o.note.clone().unwrap_or_default();
                        let sep = if n.is_empty() { "" } else { " " };
                        format!(
                            "{n}{sep}Deviation from the vendor's schema (openapi-overlay.toml): {}",
                            o.reason
                        )
                    }),
                },
            );
        }
    }
    if let Some(env) = &overlay.envelope {
        for o in objs
            .iter()
            .filter(|o| !o.request && o.name.ends_with("Response"))
        {
            for w in &env.required {
                let f = finals
                    .get_mut(&(o.name.clone(), w.clone()))
                    .with_context(|| format!("envelope: {} has no field {w}", o.name))?;
                f.required = true;
                f.note = Some(format!(
                    "Required although the schema marks nothing required (openapi-overlay.toml [envelope]): {}",
                    env.reason
                ));
            }
        }
    }
    for (i, u) in used.iter().enumerate() {
        if !u {
            bail!(
                "overlay [[fields]] at = {:?}: no such field (the struct by its final name, then the JSON key)",
                overlay.fields[i].at
            );
        }
    }
    for e in &overlay.enums {
        if !used_enums.contains(&e.name) {
            bail!("overlay [[enums]] `{}` is used by no field", e.name);
        }
    }
    Ok((finals, enums))
}

#[allow(clippy::too_many_lines)]
fn write_part(
    overlay: &Overlay,
    overlay_rel: &str,
    actions: &[ActionOut],
    objs: &[Obj],
    (finals, enums): &Applied,
) -> Result<String> {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# @generated by `cargo xtask codegen` (step: openapi) from the vendor's OpenAPI files in\n# `{}` and the overlay `{overlay_rel}`.\n# Do not edit: change the overlay (or the importer, xtask/src/openapi.rs) and run `cargo xtask codegen`.\n# Read by the models step together with api-spec.toml (format: xtask/SPEC_FORMAT.md).\n",
        overlay.docs
    );
    let kv = |out: &mut String, k: &str, v: &str| {
        let _ = writeln!(out, "{k} = {}", tstr(v));
    };
    for a in actions {
        let _ = writeln!(out, "[[endpoints]]");
        kv(&mut out, "name", &a.action);
        kv(&mut out, "rust_name", &a.rust_name);
        kv(&mut out, "method", "POST");
        let _ = writeln!(out, "idempotent = {}", a.idempotent);
        kv(&mut out, "idempotency_note", &a.idempotency_note);
        kv(&mut out, "path", "/");
        kv(&mut out, "action", &a.action);
        let _ = writeln!(out, "rate_limit_per_sec = {}", a.rate);
        kv(&mut out, "doc", &a.doc);
        kv(&mut out, "zh", &a.zh);
        kv(&mut out, "source", &a.source);
        if let Some(n) = &a.note {
            kv(&mut out, "note", n);
        }
        kv(&mut out, "request", &format!("{}Request", a.action));
        kv(&mut out, "response", &format!("{}Response", a.action));
        let list = |v: &[Example]| {
            v.iter()
                .map(|e| tstr(&e.case))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(out, "examples = [{}]", list(&a.response_examples));
        let _ = writeln!(out, "request_examples = [{}]", list(&a.request_examples));
        let _ = writeln!(out, "client = true\n");
        for ex in a.request_examples.iter().chain(&a.response_examples) {
            let _ = writeln!(out, "# example `{}`: {}", ex.case, ex.source);
        }
        out.push('\n');
    }
    for e in enums {
        let _ = writeln!(out, "[[enums]]");
        kv(&mut out, "name", &e.name);
        kv(&mut out, "repr", if e.repr_int { "int" } else { "string" });
        kv(&mut out, "doc", &e.doc);
        kv(&mut out, "zh", &e.zh);
        kv(&mut out, "source", &e.source);
        kv(
            &mut out,
            "note",
            &format!("Generated enum (openapi-overlay.toml): {}", e.reason),
        );
        out.push('\n');
        for (raw, variant, meaning, zh) in &e.values {
            let _ = writeln!(out, "[[enums.values]]");
            let _ = writeln!(out, "raw = {}", tval(raw).context("enum raw value")?);
            kv(&mut out, "variant", variant);
            kv(&mut out, "meaning", meaning);
            if let Some(z) = zh {
                kv(&mut out, "zh", z);
            }
            out.push('\n');
        }
    }
    let write_fields = |out: &mut String, table: &str, o: &Obj, request: bool| -> Result<()> {
        for f in &o.fields {
            let fin = finals
                .get(&(o.name.clone(), f.wire.clone()))
                .with_context(|| format!("{}.{}", o.name, f.wire))?;
            let _ = writeln!(out, "[[{table}]]");
            kv(out, "wire", &f.wire);
            if let Some(r) = &fin.rust {
                kv(out, "rust", r);
            }
            kv(out, "type", &fin.ty);
            if fin.required {
                let _ = writeln!(out, "required = true");
            }
            if request {
                if fin.secret {
                    let _ = writeln!(out, "secret = true");
                }
                if let Some(d) = &f.default {
                    kv(out, "default", d);
                }
                if let Some(n) = fin.min {
                    let _ = writeln!(out, "min = {n}");
                }
                if let Some(n) = fin.max {
                    let _ = writeln!(out, "max = {n}");
                }
                if let Some(n) = fin.len_bytes {
                    let _ = writeln!(out, "len_bytes = {n}");
                }
                if fin.non_empty {
                    let _ = writeln!(out, "non_empty = true");
                }
                if !fin.one_of.is_empty() {
                    let vals: Vec<String> = fin.one_of.iter().filter_map(tval).collect();
                    let _ = writeln!(out, "one_of = [{}]", vals.join(", "));
                }
            }
            if let Some(u) = &fin.unit {
                kv(out, "unit", u);
            }
            let doc = if f.doc.is_empty() {
                format!("`{}`.", f.wire)
            } else {
                f.doc.clone()
            };
            kv(out, "doc", &doc);
            if !f.zh.is_empty() {
                kv(out, "zh", &f.zh);
            }
            kv(out, "source", &f.source);
            if let Some(n) = &fin.note {
                kv(out, "note", n);
            }
            if let Some(ex) = f.example.as_ref().and_then(tval) {
                let _ = writeln!(out, "example = {ex}");
            }
            out.push('\n');
        }
        Ok(())
    };
    // Responses.
    for o in objs.iter().filter(|o| !o.request) {
        let _ = writeln!(out, "[[structs]]");
        kv(&mut out, "name", &o.name);
        kv(&mut out, "doc", &o.doc);
        kv(&mut out, "zh", &o.zh);
        kv(&mut out, "source", &o.source);
        out.push('\n');
        write_fields(&mut out, "structs.fields", o, false)?;
    }
    // Requests: the roots, then the nested objects.
    for a in actions {
        let name = format!("{}Request", a.action);
        let o = objs
            .iter()
            .find(|o| o.name == name)
            .with_context(|| format!("no {name}"))?;
        let _ = writeln!(out, "[[requests]]");
        kv(&mut out, "name", &name);
        kv(&mut out, "endpoint", &a.action);
        kv(&mut out, "doc", &o.doc);
        kv(&mut out, "zh", &o.zh);
        kv(&mut out, "source", &o.source);
        let _ = writeln!(out, "json_body = true");
        if a.custom_validation {
            let _ = writeln!(out, "custom_validation = true");
        }
        out.push('\n');
        write_fields(&mut out, "requests.params", o, true)?;
    }
    for o in objs
        .iter()
        .filter(|o| o.request && !o.name.ends_with("Request"))
    {
        let _ = writeln!(out, "[[request_structs]]");
        kv(&mut out, "name", &o.name);
        kv(&mut out, "doc", &o.doc);
        kv(&mut out, "zh", &o.zh);
        kv(&mut out, "source", &o.source);
        if o.actions.len() > 1 {
            kv(
                &mut out,
                "note",
                &format!(
                    "One type for the same-shaped schema of {} (the prose of each page is kept).",
                    o.actions.join(" and ")
                ),
            );
        }
        out.push('\n');
        write_fields(&mut out, "request_structs.fields", o, true)?;
    }
    Ok(out)
}

/// The openapi step over the workspace: for every crate with an overlay, import and write
/// (or, in check mode, compare) the spec part and the example fixtures.
pub fn run(root: &Path, mode: Mode, problems: &mut Vec<Problem>) -> Result<()> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join("crates"))
        .with_context(|| format!("reading {}/crates", root.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join(OVERLAY).is_file())
        .collect();
    dirs.sort();
    for d in dirs {
        let name = d
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let crate_dir = format!("crates/{name}");
        let out =
            import(root, &crate_dir).with_context(|| format!("openapi import for {crate_dir}"))?;
        for (rel, contents) in out.files {
            crate::ensure_file(root, &rel, &contents, mode, problems)?;
        }
    }
    Ok(())
}
