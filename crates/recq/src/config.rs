//! Credentials and per-vendor settings: environment variables first, then a profile of the
//! TOML config file.
//!
//! ```toml
//! # ~/.config/recq/config.toml
//! [profiles.default.zego]
//! app_id = "1234567890"
//! server_secret = "…"
//! region = "sha"                          # optional: a documented host by name
//!
//! [profiles.staging.volc]
//! access_key = "AKLT…"
//! secret_key = "…"
//! session_token = "…"                     # optional, STS
//! endpoint = "http://127.0.0.1:8080"      # optional: any base URL
//! ```

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A problem with the configuration (exit code 2).
#[derive(Debug)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The config file.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Profiles by name.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// One profile: settings per vendor.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// ZEGO.
    pub zego: Option<VendorSection>,
    /// QingCloud RTC.
    pub qingcloud: Option<VendorSection>,
    /// Volcengine RTC.
    pub volc: Option<VendorSection>,
    /// Agora.
    pub agora: Option<VendorSection>,
}

/// One vendor's settings in a profile: its credential keys, plus `endpoint` and `region`.
#[derive(Default, Deserialize)]
pub struct VendorSection {
    /// Base URL override.
    pub endpoint: Option<String>,
    /// A documented host, by name.
    pub region: Option<String>,
    /// Credential values by key (`app_id`, `server_secret`, …).
    #[serde(flatten)]
    pub values: BTreeMap<String, toml::Value>,
}

/// Reads one environment variable.
type EnvLookup = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Where credentials and settings come from for one run.
pub struct Settings {
    /// The file read, if any.
    pub path: Option<PathBuf>,
    /// The profile name.
    pub profile_name: String,
    profile: Profile,
    env: EnvLookup,
}

impl std::fmt::Debug for Settings {
    /// Shows where settings come from, never a credential value.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("path", &self.path)
            .field("profile_name", &self.profile_name)
            .finish_non_exhaustive()
    }
}

/// One credential setting of a vendor: its environment variable and its key in the
/// vendor's profile section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CredentialKey {
    /// The vendor's section name (`zego`, `qingcloud`, `volc`, `agora`).
    pub vendor: &'static str,
    /// The environment variable (`ZEGO_APP_ID`, …).
    pub var: &'static str,
    /// The key in `[profiles.<name>.<vendor>]` (`app_id`, …).
    pub key: &'static str,
    /// Whether the vendor's client needs it (Volcengine's STS `session_token` is optional).
    pub required: bool,
}

const fn required(vendor: &'static str, var: &'static str, key: &'static str) -> CredentialKey {
    CredentialKey {
        vendor,
        var,
        key,
        required: true,
    }
}

/// Where a setting's value came from, in the user's terms ([`Settings::lookup_with_source`]).
/// `Display` names the place, never the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An environment variable (`ZEGO_APP_ID`, …).
    Env(String),
    /// A key of a profile section in the config file.
    File {
        /// The config file.
        path: PathBuf,
        /// The section, e.g. `profiles.default.zego`.
        section: String,
        /// The key in that section, e.g. `app_id`.
        key: &'static str,
    },
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Env(var) => write!(f, "environment variable {var}"),
            Self::File { path, section, key } => write!(
                f,
                "config file {}: key `{key}` in section [{section}]",
                path.display()
            ),
        }
    }
}

/// Every credential setting of every vendor.
pub const CREDENTIAL_KEYS: &[CredentialKey] = &[
    required("zego", "ZEGO_APP_ID", "app_id"),
    required("zego", "ZEGO_SERVER_SECRET", "server_secret"),
    required("qingcloud", "QINGCLOUD_ACCESS_KEY_ID", "access_key_id"),
    required(
        "qingcloud",
        "QINGCLOUD_SECRET_ACCESS_KEY",
        "secret_access_key",
    ),
    required("volc", "VOLC_ACCESSKEY", "access_key"),
    required("volc", "VOLC_SECRETKEY", "secret_key"),
    CredentialKey {
        vendor: "volc",
        var: "VOLC_SESSION_TOKEN",
        key: "session_token",
        required: false,
    },
    required("agora", "AGORA_CUSTOMER_ID", "customer_id"),
    required("agora", "AGORA_CUSTOMER_SECRET", "customer_secret"),
];

impl Settings {
    /// Loads the config file (`explicit` path, else `RECQ_CONFIG`, else the default path
    /// when it exists) and picks the profile (`explicit`, else `RECQ_PROFILE`, else
    /// `default`). A named file that is missing or invalid, and a named profile that the
    /// file lacks, are errors.
    ///
    /// # Errors
    /// [`ConfigError`] naming the file and the problem.
    pub fn load(
        explicit_path: Option<&Path>,
        explicit_profile: Option<&str>,
        env: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Result<Self, ConfigError> {
        let named = explicit_path
            .map(Path::to_path_buf)
            .or_else(|| env("RECQ_CONFIG").map(PathBuf::from));
        let (path, file) = match named {
            Some(p) => {
                let text = std::fs::read_to_string(&p).map_err(|e| {
                    ConfigError(format!("cannot read config file {}: {e}", p.display()))
                })?;
                (Some(p), Some(text))
            }
            None => match default_path() {
                Some(p) if p.is_file() => {
                    let text = std::fs::read_to_string(&p).map_err(|e| {
                        ConfigError(format!("cannot read config file {}: {e}", p.display()))
                    })?;
                    (Some(p), Some(text))
                }
                _ => (None, None),
            },
        };
        let mut parsed: ConfigFile = match (&path, file) {
            (Some(p), Some(text)) => {
                toml::from_str(&text).map_err(|e: toml::de::Error| parse_error(p, &text, &e))?
            }
            _ => ConfigFile::default(),
        };
        if let Some(p) = &path {
            refuse_unknown_keys(p, &parsed)?;
            refuse_values_of_the_wrong_type(p, &parsed)?;
        }
        let explicit_profile = explicit_profile
            .map(str::to_owned)
            .or_else(|| env("RECQ_PROFILE"));
        let profile_name = explicit_profile
            .clone()
            .unwrap_or_else(|| "default".to_owned());
        let profile = match parsed.profiles.remove(&profile_name) {
            Some(p) => p,
            None if explicit_profile.is_some() => {
                return Err(ConfigError(format!(
                    "profile `{profile_name}` is not in {}",
                    path.as_ref().map_or_else(
                        || "any config file (none was found)".to_owned(),
                        |p| p.display().to_string()
                    )
                )));
            }
            None => Profile::default(),
        };
        Ok(Self {
            path,
            profile_name,
            profile,
            env: Box::new(env),
        })
    }

    fn section(&self, vendor: &str) -> Option<&VendorSection> {
        match vendor {
            "zego" => self.profile.zego.as_ref(),
            "qingcloud" => self.profile.qingcloud.as_ref(),
            "volc" => self.profile.volc.as_ref(),
            "agora" => self.profile.agora.as_ref(),
            _ => None,
        }
    }

    /// A credential variable: the environment first, then the profile key it maps to.
    pub fn lookup(&self, var: &str) -> Option<String> {
        self.lookup_with_source(var).map(|(value, _)| value)
    }

    /// Like [`Settings::lookup`], with where the value came from (for error messages).
    pub fn lookup_with_source(&self, var: &str) -> Option<(String, Source)> {
        if let Some(v) = (self.env)(var) {
            return Some((v, Source::Env(var.to_owned())));
        }
        let c = CREDENTIAL_KEYS.iter().find(|c| c.var == var)?;
        let value = self.section(c.vendor)?.values.get(c.key)?;
        let value = match value {
            toml::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let source = Source::File {
            path: self.path.clone().unwrap_or_default(),
            section: format!("profiles.{}.{}", self.profile_name, c.vendor),
            key: c.key,
        };
        Some((value, source))
    }

    /// Where a missing credential could be set, for error messages: the required settings,
    /// then the optional ones marked as such.
    pub fn hint(&self, vendor: &str) -> String {
        let listed = |required: bool| -> Vec<String> {
            CREDENTIAL_KEYS
                .iter()
                .filter(|c| c.vendor == vendor && c.required == required)
                .map(|c| format!("{} or `{}`", c.var, c.key))
                .collect()
        };
        let optional = listed(false);
        let optional = if optional.is_empty() {
            String::new()
        } else {
            format!(" (optional: {})", optional.join(", "))
        };
        let file = self.path.as_ref().map_or_else(
            || {
                default_path().map_or_else(
                    || "a config file".to_owned(),
                    |p| format!("{} (not found)", p.display()),
                )
            },
            |p| p.display().to_string(),
        );
        format!(
            "set {} under [profiles.{}.{vendor}] in {file}{optional}",
            listed(true).join(", "),
            self.profile_name
        )
    }

    /// The vendor's endpoint and region settings from the profile.
    pub fn endpoint_and_region(&self, vendor: &str) -> (Option<String>, Option<String>) {
        self.section(vendor)
            .map(|s| (s.endpoint.clone(), s.region.clone()))
            .unwrap_or_default()
    }
}

/// `<config dir>/recq/config.toml` (`~/.config/recq/config.toml` on Linux).
pub fn default_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("recq").join("config.toml"))
}

/// The message for a config file that does not parse: the file, the line and
/// the column, never the file's content (`toml`'s own `Display` quotes the
/// offending line, which may hold a secret, and its message may quote a value).
fn parse_error(path: &std::path::Path, text: &str, error: &toml::de::Error) -> ConfigError {
    match error.span() {
        Some(span) => {
            // A byte offset; `get` so that an offset off a character boundary cannot panic.
            let before = text.get(..span.start).unwrap_or(text);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            // The key of the offending line, when it has a bare one (a key is a
            // name, never a secret); the value is never shown.
            let key = text
                .lines()
                .nth(line - 1)
                .and_then(|l| l.split_once('='))
                .map(|(k, _)| k.trim())
                .filter(|k| {
                    !k.is_empty()
                        && k.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                });
            let key = key.map_or_else(String::new, |k| format!(", key `{k}`"));
            ConfigError(format!(
                "config file {} is not valid TOML at line {line}, column {column}{key} (content not shown: it may hold a secret)",
                path.display()
            ))
        }
        None => ConfigError(format!(
            "config file {} is not valid TOML (content not shown: it may hold a secret)",
            path.display()
        )),
    }
}

/// Refuses a credential value that is not a TOML string (ZEGO's numeric `app_id` may also
/// be an integer, as the console shows it), naming the file, the section, the key and the
/// type found, never the value. Without this, a table or an array would be taken as its TOML
/// text, and an integer secret silently rewritten (`0x1F` is 31, `1_000` is 1000).
fn refuse_values_of_the_wrong_type(
    path: &std::path::Path,
    parsed: &ConfigFile,
) -> Result<(), ConfigError> {
    for (profile_name, profile) in &parsed.profiles {
        let sections = [
            ("zego", &profile.zego),
            ("qingcloud", &profile.qingcloud),
            ("volc", &profile.volc),
            ("agora", &profile.agora),
        ];
        for (vendor, section) in sections {
            let Some(section) = section else { continue };
            for (key, value) in &section.values {
                let integer_ok = vendor == "zego" && key == "app_id";
                let ok = match value {
                    toml::Value::String(_) => true,
                    toml::Value::Integer(_) => integer_ok,
                    _ => false,
                };
                if !ok {
                    let expected = if integer_ok {
                        "a string or an integer"
                    } else {
                        "a string (in quotes)"
                    };
                    return Err(ConfigError(format!(
                        "config file {}: key `{key}` in section [profiles.{profile_name}.{vendor}] must be {expected}, not {} {} (value not shown: it may be a secret)",
                        path.display(),
                        article(value.type_str()),
                        value.type_str()
                    )));
                }
            }
        }
    }
    Ok(())
}

/// `a` or `an` before a TOML type name.
fn article(type_name: &str) -> &'static str {
    if type_name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// Refuses a key a vendor section does not know (a typo such as `secret_typo`
/// would otherwise be ignored), naming the key, its section and the known keys.
fn refuse_unknown_keys(path: &std::path::Path, parsed: &ConfigFile) -> Result<(), ConfigError> {
    for (profile_name, profile) in &parsed.profiles {
        let sections = [
            ("zego", &profile.zego),
            ("qingcloud", &profile.qingcloud),
            ("volc", &profile.volc),
            ("agora", &profile.agora),
        ];
        for (vendor, section) in sections {
            let Some(section) = section else { continue };
            let known: Vec<&str> = CREDENTIAL_KEYS
                .iter()
                .filter(|c| c.vendor == vendor)
                .map(|c| c.key)
                .chain(["endpoint", "region"])
                .collect();
            if let Some(unknown) = section.values.keys().find(|k| !known.contains(&k.as_str())) {
                return Err(ConfigError(format!(
                    "config file {}: unknown key `{unknown}` in section [profiles.{profile_name}.{vendor}]; known keys: {}",
                    path.display(),
                    known.join(", ")
                )));
            }
        }
    }
    Ok(())
}
