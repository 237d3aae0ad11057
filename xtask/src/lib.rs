//! Project automation. `cargo xtask codegen [--check]` generates, from each vendor spec
//! (`crates/<vendor>-record/api-spec.toml`), the vendor crate's `src/generated.rs` and the
//! README support table, and checks that fixtures and snapshots are complete.

pub mod bench;
pub mod fuzz;
pub mod gen_body;
pub mod gen_readme;
pub mod gen_rust;
// The overlay model mirrors xtask/SPEC_FORMAT.md ("The OpenAPI import"), which documents every key.
#[allow(missing_docs)]
pub mod openapi;
// The spec model mirrors xtask/SPEC_FORMAT.md, which documents every field.
#[allow(missing_docs)]
pub mod spec;

use anyhow::{Context, Result};
use spec::Spec;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Whether to write generated files or only compare them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Rewrite stale files.
    Write,
    /// Write nothing; report stale files.
    Check,
}

/// One problem found by codegen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file concerned, relative to the workspace root.
    pub file: String,
    /// What is wrong.
    pub what: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.what)
    }
}

/// A loaded spec with its paths.
pub struct VendorSpec {
    /// The parsed spec.
    pub spec: Spec,
    /// The crate directory, relative to the root (e.g. `crates/zego-record`).
    pub crate_dir: String,
}

/// Cargo's target directory for `root`: `CARGO_TARGET_DIR` (relative to the root when
/// relative), else `<root>/target`. Every xtask that writes build output uses it.
pub fn target_dir(root: &Path) -> PathBuf {
    target_dir_from(root, std::env::var_os("CARGO_TARGET_DIR"))
}

fn target_dir_from(root: &Path, configured: Option<std::ffi::OsString>) -> PathBuf {
    match configured.map(PathBuf::from) {
        Some(p) if p.is_absolute() => p,
        Some(p) => root.join(p),
        None => root.join("target"),
    }
}

/// The workspace root (the parent of this crate's manifest dir).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Finds and loads every `crates/*/api-spec.toml` below `root`, sorted by crate directory.
pub fn load_specs(root: &Path) -> Result<Vec<VendorSpec>> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join("crates"))
        .with_context(|| format!("reading {}/crates", root.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("api-spec.toml").is_file())
        .collect();
    dirs.sort();
    dirs.iter()
        .map(|d| {
            let name = d
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            Ok(VendorSpec {
                spec: Spec::load(&d.join("api-spec.toml"))?,
                crate_dir: format!("crates/{name}"),
            })
        })
        .collect()
}

/// Runs codegen over the workspace at `root`. In [`Mode::Write`] stale files are rewritten
/// and only checks that writing cannot fix are reported; in [`Mode::Check`] nothing is written
/// and every stale file is reported too.
pub fn codegen(root: &Path, mode: Mode) -> Result<Vec<Problem>> {
    let mut problems = Vec::new();
    // Step openapi: the spec parts imported from vendors' OpenAPI files, before the models
    // step reads them.
    openapi::run(root, mode, &mut problems)?;
    let specs = load_specs(root)?;
    for v in &specs {
        let rel = format!("{}/src/generated.rs", v.crate_dir);
        let spec_rel = format!("{}/api-spec.toml", v.crate_dir);
        let code =
            gen_rust::generate(&v.spec, &spec_rel).with_context(|| format!("generating {rel}"))?;
        let code = rustfmt(&code).with_context(|| format!("formatting {rel}"))?;
        ensure_file(root, &rel, &code, mode, &mut problems)?;
        check_fixtures(root, v, &mut problems)?;
    }
    let readme_rel = "README.md";
    let readme_path = root.join(readme_rel);
    let readme = std::fs::read_to_string(&readme_path).unwrap_or_default();
    let table = gen_readme::support_table(root, &specs)?;
    let states = gen_readme::state_table(&specs);
    let updated = gen_readme::replace_between_markers(&readme, &table).and_then(|r| {
        gen_readme::replace_between(&r, gen_readme::STATE_START, gen_readme::STATE_END, &states)
    });
    match updated {
        Some(updated) => ensure_file(root, readme_rel, &updated, mode, &mut problems)?,
        None => problems.push(Problem {
            file: readme_rel.to_owned(),
            what: format!(
                "missing the markers `{}`/`{}` around the support table or `{}`/`{}` around the state table",
                gen_readme::START,
                gen_readme::END,
                gen_readme::STATE_START,
                gen_readme::STATE_END
            ),
        }),
    }
    Ok(problems)
}

fn normalize(s: &str) -> String {
    s.replace("\r\n", "\n")
}

pub(crate) fn ensure_file(
    root: &Path,
    rel: &str,
    contents: &str,
    mode: Mode,
    problems: &mut Vec<Problem>,
) -> Result<()> {
    let path = root.join(rel);
    let current = std::fs::read_to_string(&path).ok();
    if current.as_deref().map(normalize) == Some(normalize(contents)) {
        return Ok(());
    }
    match mode {
        Mode::Check => problems.push(Problem {
            file: rel.to_owned(),
            what: if current.is_some() {
                "is not up to date with its spec: run `cargo xtask codegen` and commit the result"
                    .to_owned()
            } else {
                "is missing: run `cargo xtask codegen`".to_owned()
            },
        }),
        Mode::Write => {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, contents).with_context(|| format!("writing {rel}"))?;
            eprintln!("updated {rel}");
        }
    }
    Ok(())
}

/// Formats Rust source with the toolchain's `rustfmt` (edition 2024, default style).
pub fn rustfmt(code: &str) -> Result<String> {
    use std::io::Write;
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running rustfmt (is the rustfmt component installed?)")?;
    child
        .stdin
        .take()
        .context("rustfmt stdin")?
        .write_all(code.as_bytes())?;
    let out = child.wait_with_output()?;
    if !out.status.success() {
        anyhow::bail!("rustfmt failed:\n{}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8(out.stdout)?)
}

/// Checks the fixtures of one vendor: listed examples exist, every fixture has a
/// `cases.toml` entry and an accepted snapshot, and no snapshot or case entry is orphaned.
///
/// Response fixtures are `fixtures/<vendor>/<folder>/<case>.json` (snapshots of the test
/// `fixtures`); request fixtures of `json_body` requests are
/// `fixtures/<vendor>/<rust_name>/requests/<case>.json` (snapshots of the test
/// `request_fixtures`), each folder with its own `cases.toml` and optional `roundtrip/`.
fn check_fixtures(root: &Path, v: &VendorSpec, problems: &mut Vec<Problem>) -> Result<()> {
    let vendor = &v.spec.vendor.name;
    let fixtures_rel = format!("fixtures/{vendor}");
    let fixtures_dir = root.join(&fixtures_rel);
    let mut folders: BTreeSet<String> = v
        .spec
        .endpoints
        .iter()
        .map(|e| e.rust_name.clone())
        .collect();
    let request_folders: BTreeSet<String> = v
        .spec
        .endpoints
        .iter()
        .filter(|e| {
            v.spec
                .requests
                .iter()
                .any(|r| r.name == e.request && r.json_body)
        })
        .map(|e| e.rust_name.clone())
        .collect();
    if v.spec.vendor.error_body.is_some() {
        folders.insert("errors".to_owned());
    }
    // Callback bodies (issue 15): checked like response fixtures.
    folders.insert("callbacks".to_owned());
    // Listed examples must exist.
    for e in &v.spec.endpoints {
        let listed = e
            .examples
            .iter()
            .map(|ex| {
                (
                    ex,
                    format!("{fixtures_rel}/{}/{ex}.json", e.rust_name),
                    "response",
                )
            })
            .chain(e.request_examples.iter().map(|ex| {
                (
                    ex,
                    format!("{fixtures_rel}/{}/requests/{ex}.json", e.rust_name),
                    "request",
                )
            }));
        for (ex, rel, what) in listed {
            if !root.join(&rel).is_file() {
                problems.push(Problem {
                    file: rel,
                    what: format!(
                        "{what} example `{ex}` of {} is listed in the spec but has no fixture",
                        e.name
                    ),
                });
            }
        }
    }
    let mut expected_snaps = BTreeSet::new();
    if fixtures_dir.is_dir() {
        let mut response_dirs = Vec::new();
        let mut request_dirs = Vec::new();
        for entry in sorted_dir(&fixtures_dir)? {
            if !entry.is_dir() {
                continue;
            }
            let folder = file_name(&entry);
            if folder == "signing" {
                continue; // signing vectors are not response fixtures
            }
            if !folders.contains(&folder) {
                problems.push(Problem {
                    file: format!("{fixtures_rel}/{folder}"),
                    what: format!("folder is neither an endpoint `rust_name`, `errors` nor `callbacks`; expected one of {folders:?}"),
                });
                continue;
            }
            response_dirs.push((folder.clone(), entry.clone()));
            let req = entry.join("requests");
            if req.is_dir() {
                if request_folders.contains(&folder) {
                    request_dirs.push((format!("{folder}/requests"), req));
                } else {
                    problems.push(Problem {
                        file: format!("{fixtures_rel}/{folder}/requests"),
                        what: "holds request fixtures, but the endpoint's request is not a `json_body` request".to_owned(),
                    });
                }
            }
        }
        for (dirs, test) in [
            (response_dirs, "fixtures"),
            (request_dirs, "request_fixtures"),
        ] {
            let names = insta_glob_snapshot_names(&dirs, test)?;
            for (folder, dir) in &dirs {
                check_case_folder(
                    root,
                    v,
                    &fixtures_rel,
                    folder,
                    dir,
                    &names,
                    &mut expected_snaps,
                    problems,
                )?;
            }
        }
    }
    // Orphaned or pending snapshots.
    let snaps_dir = root.join(&v.crate_dir).join("tests/snapshots");
    if snaps_dir.is_dir() {
        for f in sorted_dir(&snaps_dir)? {
            let name = file_name(&f);
            let rel = format!("{}/tests/snapshots/{name}", v.crate_dir);
            if name.ends_with(".snap.new") || name.ends_with(".pending-snap") {
                problems.push(Problem {
                    file: rel,
                    what: "is a pending snapshot: review it, then accept or delete it".to_owned(),
                });
            } else if (name.starts_with("fixtures__fixtures@")
                || name.starts_with("fixtures__request_fixtures@"))
                && name.ends_with(".snap")
                && !expected_snaps.contains(&name)
            {
                problems.push(Problem {
                    file: rel,
                    what: "is an orphaned snapshot: its fixture no longer exists".to_owned(),
                });
            }
        }
    }
    Ok(())
}

/// One fixture folder: `cases.toml` entries, snapshots, `roundtrip/` files.
#[allow(clippy::too_many_arguments)]
fn check_case_folder(
    root: &Path,
    v: &VendorSpec,
    fixtures_rel: &str,
    folder: &str,
    entry: &Path,
    snapshot_names: &std::collections::BTreeMap<(String, String), String>,
    expected_snaps: &mut BTreeSet<String>,
    problems: &mut Vec<Problem>,
) -> Result<()> {
    let cases_rel = format!("{fixtures_rel}/{folder}/cases.toml");
    let cases: toml::Table = match std::fs::read_to_string(root.join(&cases_rel)) {
        Ok(t) => toml::from_str(&t).with_context(|| format!("parsing {cases_rel}"))?,
        Err(_) => {
            problems.push(Problem {
                file: cases_rel.clone(),
                what: "is missing".to_owned(),
            });
            toml::Table::new()
        }
    };
    let mut seen = BTreeSet::new();
    for f in sorted_dir(entry)? {
        if f.extension().and_then(|e| e.to_str()) != Some("json") || !f.is_file() {
            continue;
        }
        let case = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let rel = format!("{fixtures_rel}/{folder}/{case}.json");
        seen.insert(case.clone());
        match cases.get(&case) {
            Some(toml::Value::Table(t))
                if t.get("source")
                    .and_then(|s| s.as_str())
                    .is_some_and(|s| !s.trim().is_empty()) => {}
            _ => problems.push(Problem {
                file: rel.clone(),
                what: format!("has no `[{case}]` entry with a `source` in {cases_rel}"),
            }),
        }
        let snap = snapshot_names
            .get(&(folder.to_owned(), case.clone()))
            .cloned()
            .unwrap_or_default();
        let snap_rel = format!("{}/tests/snapshots/{snap}", v.crate_dir);
        if !root.join(&snap_rel).is_file() {
            problems.push(Problem {
                file: rel,
                what: format!("has no accepted snapshot ({snap_rel})"),
            });
        }
        expected_snaps.insert(snap);
    }
    for case in cases.keys().filter(|c| !seen.contains(*c)) {
        problems.push(Problem {
            file: cases_rel.clone(),
            what: format!("entry `[{case}]` has no fixture {case}.json"),
        });
    }
    let rt = entry.join("roundtrip");
    if rt.is_dir() {
        for f in sorted_dir(&rt)? {
            let case = f
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !seen.contains(&case) {
                problems.push(Problem {
                    file: format!("{fixtures_rel}/{folder}/roundtrip/{}", file_name(&f)),
                    what: "is an expected round trip for a fixture that does not exist".to_owned(),
                });
            }
        }
    }
    Ok(())
}

/// The snapshot file names insta gives the fixtures in `dirs` (`(folder below
/// fixtures/<vendor>, its path)`), for the test shape every vendor crate uses: `fn <test>()`
/// in `tests/fixtures.rs` running `insta::glob!(<fixtures/vendor>, "*/*.json", ..)` (or
/// `"*/requests/*.json"`) with one `assert_debug_snapshot!(value)`.
///
/// insta names such a snapshot `<module>__<fn>@<suffix>.snap`, where the suffix is the
/// file's path below the longest common directory of *all* matched files, with `/` replaced
/// by `__` (insta `glob.rs` `find_common_prefix`, `runtime.rs` `get_snapshot_filename`):
/// `describe_tasks__doc_example.json` with several api folders, `doc_example.json` with one.
/// Cargo.lock pins insta; if its naming ever changes, this check fails loudly on every
/// fixture rather than silently.
fn insta_glob_snapshot_names(
    dirs: &[(String, PathBuf)],
    test: &str,
) -> Result<std::collections::BTreeMap<(String, String), String>> {
    let mut matched: Vec<(String, String)> = Vec::new();
    for (folder, dir) in dirs {
        for f in sorted_dir(dir)? {
            if f.is_file() && f.extension().and_then(|e| e.to_str()) == Some("json") {
                let case = f
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                matched.push((folder.clone(), case));
            }
        }
    }
    let one_folder = matched.first().map(|f| &f.0) == matched.last().map(|l| &l.0);
    let single_file = matched.len() == 1;
    Ok(matched
        .into_iter()
        .map(|(folder, case)| {
            let suffix = if single_file {
                String::new()
            } else if one_folder {
                format!("{case}.json")
            } else {
                format!("{}__{case}.json", folder.replace('/', "__"))
            };
            ((folder, case), format!("fixtures__{test}@{suffix}.snap"))
        })
        .collect())
}

fn sorted_dir(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    v.sort();
    Ok(v)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod target_dir_tests {
    use super::*;

    #[test]
    fn cargo_target_dir_is_honoured() {
        let root = Path::new("/w");
        assert_eq!(target_dir_from(root, None), PathBuf::from("/w/target"));
        assert_eq!(
            target_dir_from(root, Some("/tmp/t".into())),
            PathBuf::from("/tmp/t")
        );
        assert_eq!(
            target_dir_from(root, Some("out".into())),
            PathBuf::from("/w/out")
        );
    }
}
