//! The scenario: credentials, recordings, fault plans and settings, from TOML or JSON.
//!
//! The format is documented in the [crate docs](crate#scenario-format); an example lives in
//! `fixtures/emulator/scenario.toml`.

use crate::error::EmulatorError;
use crate::faults::FaultPlan;
use record_facade::Vendor;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// A secret value (a server secret, a secret access key): kept as given, never shown by
/// `Debug` (which prints `"[redacted]"`).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret in clear. Do not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"[redacted]\"")
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

/// The ZEGO credentials the emulator accepts (`[credentials.zego]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ZegoCredentialsConfig {
    /// The `AppId` (default [`ZegoCredentialsConfig::DEFAULT_APP_ID`]).
    pub app_id: u32,
    /// The `ServerSecret` (default [`ZegoCredentialsConfig::DEFAULT_SERVER_SECRET`]).
    pub server_secret: Secret,
}

impl ZegoCredentialsConfig {
    /// The default `AppId`.
    pub const DEFAULT_APP_ID: u32 = 1_234_567_890;
    /// The default `ServerSecret`.
    pub const DEFAULT_SERVER_SECRET: &'static str = "3a5f0c9e7b2d4816a0c3e5f7b9d1f2e4";
}

impl Default for ZegoCredentialsConfig {
    fn default() -> Self {
        Self {
            app_id: Self::DEFAULT_APP_ID,
            server_secret: Secret::new(Self::DEFAULT_SERVER_SECRET),
        }
    }
}

/// The QingCloud RTC API key pair the emulator accepts (`[credentials.qingcloud]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QingCloudCredentialsConfig {
    /// `access_key_id` (default [`QingCloudCredentialsConfig::DEFAULT_ACCESS_KEY_ID`]).
    pub access_key_id: String,
    /// The secret access key (default
    /// [`QingCloudCredentialsConfig::DEFAULT_SECRET_ACCESS_KEY`]).
    pub secret_access_key: Secret,
}

impl QingCloudCredentialsConfig {
    /// The default access key id.
    pub const DEFAULT_ACCESS_KEY_ID: &'static str = "QYEMULATORACCESSKEY0";
    /// The default secret access key.
    pub const DEFAULT_SECRET_ACCESS_KEY: &'static str = "emulator-qingcloud-secret-access-key";
}

impl Default for QingCloudCredentialsConfig {
    fn default() -> Self {
        Self {
            access_key_id: Self::DEFAULT_ACCESS_KEY_ID.to_owned(),
            secret_access_key: Secret::new(Self::DEFAULT_SECRET_ACCESS_KEY),
        }
    }
}

/// The Volcengine access key the emulator accepts (`[credentials.volc]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VolcCredentialsConfig {
    /// The access key id (default [`VolcCredentialsConfig::DEFAULT_ACCESS_KEY_ID`]).
    pub access_key_id: String,
    /// The secret access key (default [`VolcCredentialsConfig::DEFAULT_SECRET_ACCESS_KEY`]).
    pub secret_access_key: Secret,
}

impl VolcCredentialsConfig {
    /// The default access key id.
    pub const DEFAULT_ACCESS_KEY_ID: &'static str = "AKLTZW11bGF0b3ItYWNjZXNzLWtleS1pZA";
    /// The default secret access key.
    pub const DEFAULT_SECRET_ACCESS_KEY: &'static str = "ZW11bGF0b3Itdm9sYy1zZWNyZXQta2V5LTAwMDE=";
}

impl Default for VolcCredentialsConfig {
    fn default() -> Self {
        Self {
            access_key_id: Self::DEFAULT_ACCESS_KEY_ID.to_owned(),
            secret_access_key: Secret::new(Self::DEFAULT_SECRET_ACCESS_KEY),
        }
    }
}

/// The Agora RESTful API key the emulator accepts (`[credentials.agora]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AgoraCredentialsConfig {
    /// The Customer ID (default [`AgoraCredentialsConfig::DEFAULT_CUSTOMER_ID`]).
    pub customer_id: String,
    /// The Customer Secret (default [`AgoraCredentialsConfig::DEFAULT_CUSTOMER_SECRET`]).
    pub customer_secret: Secret,
}

impl AgoraCredentialsConfig {
    /// The default Customer ID.
    pub const DEFAULT_CUSTOMER_ID: &'static str = "emulator-customer-id";
    /// The default Customer Secret.
    pub const DEFAULT_CUSTOMER_SECRET: &'static str = "emulator-customer-secret";
}

impl Default for AgoraCredentialsConfig {
    fn default() -> Self {
        Self {
            customer_id: Self::DEFAULT_CUSTOMER_ID.to_owned(),
            customer_secret: Secret::new(Self::DEFAULT_CUSTOMER_SECRET),
        }
    }
}

/// The credentials of every vendor (`[credentials]`); each table defaults to the documented
/// defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CredentialsConfig {
    /// ZEGO.
    pub zego: ZegoCredentialsConfig,
    /// QingCloud RTC.
    pub qingcloud: QingCloudCredentialsConfig,
    /// Volcengine RTC.
    pub volc: VolcCredentialsConfig,
    /// Agora.
    pub agora: AgoraCredentialsConfig,
}

/// How a recording ends.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Recorded, stopped, processed and uploaded: completed.
    #[default]
    Completed,
    /// Fails at the end of its starting phase.
    FailedToStart,
    /// Crashes while recording, when it would have stopped (after `duration_secs`, or after
    /// 60 s of recording when no duration is set).
    Crashed,
    /// Records and stops normally, then the upload fails at the end of processing.
    UploadFailed,
}

/// One recording of a scenario, or the body of the admin API's create call.
///
/// Everything is optional except the vendor (implied by the listener in the admin API);
/// missing ids are generated in each vendor's documented shape.
///
/// ```
/// use record_emulator::{Outcome, RecordingSpec, Vendor};
/// let spec = RecordingSpec::new(Vendor::Zego)
///     .id("X3CgNeE4I1qAAABN")
///     .room("room-1")
///     .duration_secs(3600.0)
///     .outcome(Outcome::Completed);
/// assert_eq!(spec.vendor, Some(Vendor::Zego));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RecordingSpec {
    /// The vendor (`zego`, `qingcloud`, `volc`, `agora`).
    pub vendor: Option<Vendor>,
    /// The vendor's id of the recording: ZEGO `TaskId` (16 bytes), QingCloud `id` (an
    /// integer), Volcengine `TaskId`, Agora `sid`. Generated when absent.
    pub id: Option<String>,
    /// The room: ZEGO/Volcengine `RoomId`, QingCloud `channel`, Agora `cname`
    /// (default `room-1`).
    pub room: Option<String>,
    /// The application: Volcengine `AppId`, QingCloud `app_id`, Agora `appid` (defaults per
    /// vendor). ZEGO recordings belong to the emulator's ZEGO `AppId`.
    pub app_id: Option<String>,
    /// Agora `resourceid` (generated when absent).
    pub resource_id: Option<String>,
    /// The recording mode: Agora `individual`, `mix` (default) or `web`; ZEGO `single` or
    /// `mixed` (default); QingCloud `single` or `mixed` (default, `is_mix` 1).
    pub mode: Option<String>,
    /// Agora mix mode: `string` (HLS only, `fileList` is the M3U8 name) or `json`
    /// (default: HLS and MP4, `fileList` is an array). Individual mode is always `json`.
    pub file_list_mode: Option<String>,
    /// Agora individual mode: `screenshot = true` gives the snapshot shape (no `fileList`).
    pub screenshot: bool,
    /// The users whose streams are recorded (default `["user1"]`; Agora: `["10001"]`, uids
    /// being numbers).
    pub users: Vec<String>,
    /// When the recording was created, in seconds relative to the emulator's start (for a
    /// scenario) or to now (for the admin API); negative is in the past. Clock seconds,
    /// not scaled by the speed factor.
    pub start_offset_secs: f64,
    /// How long it records (emulated seconds) before it stops by itself; absent: until it
    /// is stopped through the admin API.
    pub duration_secs: Option<f64>,
    /// Length of the starting phase (emulated seconds, default 2).
    pub starting_secs: Option<f64>,
    /// Length of the stopping phase (emulated seconds, default 2).
    pub stopping_secs: Option<f64>,
    /// Length of the processing (merging/uploading) phase (emulated seconds, default 6).
    pub processing_secs: Option<f64>,
    /// How it ends (default `completed`).
    pub outcome: Outcome,
    /// Whether the planned stop after `duration_secs` counts as a stop through the API
    /// (Volcengine `StopByAPI`, QingCloud status 4) rather than an automatic one
    /// (`IdleTimeOut`, status 5). An admin stop always counts as one.
    pub stopped_by_api: bool,
    /// ZEGO: the files end in ZEGO's backup storage (file status 4) instead of the
    /// customer's (3).
    pub backup_storage: bool,
}

impl RecordingSpec {
    /// A spec for `vendor` with every other field at its default.
    pub fn new(vendor: Vendor) -> Self {
        Self {
            vendor: Some(vendor),
            ..Self::default()
        }
    }

    /// Sets the vendor's id of the recording.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Sets the room (channel, cname).
    pub fn room(mut self, room: impl Into<String>) -> Self {
        self.room = Some(room.into());
        self
    }

    /// Sets the application id.
    pub fn app_id(mut self, app_id: impl Into<String>) -> Self {
        self.app_id = Some(app_id.into());
        self
    }

    /// Sets the Agora resource id.
    pub fn resource_id(mut self, resource_id: impl Into<String>) -> Self {
        self.resource_id = Some(resource_id.into());
        self
    }

    /// Sets the mode.
    pub fn mode(mut self, mode: impl Into<String>) -> Self {
        self.mode = Some(mode.into());
        self
    }

    /// Sets the Agora `fileListMode` (`string` or `json`).
    pub fn file_list_mode(mut self, file_list_mode: impl Into<String>) -> Self {
        self.file_list_mode = Some(file_list_mode.into());
        self
    }

    /// Sets the recorded users.
    pub fn users<I, S>(mut self, users: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.users = users.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the creation time relative to now (seconds; negative is in the past).
    pub fn start_offset_secs(mut self, secs: f64) -> Self {
        self.start_offset_secs = secs;
        self
    }

    /// Sets how long it records before it stops by itself (emulated seconds).
    pub fn duration_secs(mut self, secs: f64) -> Self {
        self.duration_secs = Some(secs);
        self
    }

    /// Sets the lengths of the starting, stopping and processing phases (emulated seconds).
    pub fn phases(mut self, starting: f64, stopping: f64, processing: f64) -> Self {
        self.starting_secs = Some(starting);
        self.stopping_secs = Some(stopping);
        self.processing_secs = Some(processing);
        self
    }

    /// Sets how it ends.
    pub fn outcome(mut self, outcome: Outcome) -> Self {
        self.outcome = outcome;
        self
    }
}

/// A scenario: what the emulator knows when it starts.
///
/// Read from TOML ([`Scenario::from_toml_str`]) or JSON ([`Scenario::from_json_str`]), or
/// from a file by its extension ([`Scenario::from_path`]); the format is in the
/// [crate docs](crate#scenario-format).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    /// The time speed factor (default 1.0); the builder's `.speed()` overrides it.
    pub speed: Option<f64>,
    /// Whether the documented rate limits are enforced (default true).
    pub rate_limits: bool,
    /// The credentials the emulator accepts.
    pub credentials: CredentialsConfig,
    /// Fault plans per vendor.
    pub faults: BTreeMap<Vendor, FaultPlan>,
    /// The recordings that exist at start.
    pub recordings: Vec<RecordingSpec>,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            speed: None,
            rate_limits: true,
            credentials: CredentialsConfig::default(),
            faults: BTreeMap::new(),
            recordings: Vec::new(),
        }
    }
}

/// The example scenario (`fixtures/emulator/scenario.toml`): recordings in every state for
/// each vendor, with the default credentials.
pub const EXAMPLE_SCENARIO_TOML: &str = include_str!("../../../fixtures/emulator/scenario.toml");

impl Scenario {
    /// The example scenario ([`EXAMPLE_SCENARIO_TOML`]), e.g. for a demo.
    ///
    /// ```
    /// let scenario = record_emulator::Scenario::example()?;
    /// assert!(scenario.recordings.len() >= 4);
    /// # Ok::<(), record_emulator::EmulatorError>(())
    /// ```
    ///
    /// # Errors
    /// Never in practice: the file is parsed by the crate's tests.
    pub fn example() -> Result<Self, EmulatorError> {
        Self::from_toml_str(EXAMPLE_SCENARIO_TOML)
    }

    /// Parses a TOML scenario.
    ///
    /// # Errors
    /// [`EmulatorError::Scenario`] naming what is wrong.
    pub fn from_toml_str(text: &str) -> Result<Self, EmulatorError> {
        let scenario: Self =
            toml::from_str(text).map_err(|e| EmulatorError::Scenario(e.to_string()))?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// Parses a JSON scenario.
    ///
    /// # Errors
    /// [`EmulatorError::Scenario`] naming what is wrong.
    pub fn from_json_str(text: &str) -> Result<Self, EmulatorError> {
        let scenario: Self =
            serde_json::from_str(text).map_err(|e| EmulatorError::Scenario(e.to_string()))?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// Reads a scenario file: JSON when its name ends in `.json`, TOML otherwise.
    ///
    /// # Errors
    /// [`EmulatorError::Scenario`] when it cannot be read or parsed.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, EmulatorError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|e| EmulatorError::Scenario(format!("{}: {e}", path.display())))?;
        let parsed = if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            Self::from_json_str(&text)
        } else {
            Self::from_toml_str(&text)
        };
        parsed.map_err(|e| match e {
            EmulatorError::Scenario(m) => {
                EmulatorError::Scenario(format!("{}: {m}", path.display()))
            }
            other => other,
        })
    }

    /// Checks what serde cannot: a positive speed, probabilities, vendors on recordings.
    ///
    /// # Errors
    /// [`EmulatorError::Scenario`].
    pub fn validate(&self) -> Result<(), EmulatorError> {
        if let Some(speed) = self.speed
            && !(speed.is_finite() && speed > 0.0)
        {
            return Err(EmulatorError::Scenario(format!(
                "speed must be a positive number, got {speed}"
            )));
        }
        for (vendor, plan) in &self.faults {
            plan.validate()
                .map_err(|e| EmulatorError::Scenario(format!("faults.{}: {e}", vendor.id())))?;
        }
        for (i, r) in self.recordings.iter().enumerate() {
            if r.vendor.is_none() {
                return Err(EmulatorError::Scenario(format!(
                    "recordings[{i}]: `vendor` is required (zego, qingcloud, volc or agora)"
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted() {
        let c = CredentialsConfig::default();
        let shown = format!("{c:?}");
        assert!(!shown.contains(ZegoCredentialsConfig::DEFAULT_SERVER_SECRET));
        assert!(!shown.contains(AgoraCredentialsConfig::DEFAULT_CUSTOMER_SECRET));
        assert!(shown.contains("[redacted]"));
    }

    #[test]
    fn parses_toml_and_rejects_unknown_keys() -> Result<(), EmulatorError> {
        let s = Scenario::from_toml_str(
            r#"
            speed = 2.0
            [credentials.zego]
            app_id = 42
            server_secret = "s"
            [faults.volc]
            sequence = ["503", "drop"]
            [[recordings]]
            vendor = "agora"
            mode = "web"
            duration_secs = 60
            outcome = "crashed"
            "#,
        )?;
        assert_eq!(s.speed, Some(2.0));
        assert_eq!(s.credentials.zego.app_id, 42);
        assert_eq!(
            s.faults.get(&Vendor::Volcengine).map(|p| p.sequence.len()),
            Some(2)
        );
        assert_eq!(s.recordings[0].outcome, Outcome::Crashed);
        assert!(Scenario::from_toml_str("bogus = 1").is_err());
        assert!(Scenario::from_toml_str("[[recordings]]\nroom = \"r\"").is_err());
        assert!(Scenario::from_toml_str("speed = 0.0").is_err());
        Ok(())
    }
}
