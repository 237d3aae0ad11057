//! Recordings and their lifecycle, computed lazily from a timeline and the clock.
//!
//! Every recording has a creation instant on the emulator's clock and a timeline in
//! *emulated* milliseconds since that instant: emulated time runs `speed` times faster than
//! the clock. The phases are
//!
//! ```text
//! starting ──► recording ──► stopping ──► processing ──► completed
//!    │             │             │             │
//!    └─ failed     └─ failed     └──── failed ─┘
//! ```
//!
//! and nothing ticks in the background: each request computes the phase from
//! `(now - created) * speed`.

use crate::error::EmulatorError;
use crate::scenario::{Outcome, RecordingSpec};
use crate::util;
use record_facade::{RecordingState, TaskRef, UnixMillis, Vendor};
use serde::{Deserialize, Serialize};

/// Why a recording failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// It never started recording.
    Start,
    /// It crashed while recording (or while stopping).
    Crash,
    /// Merging or uploading the files failed.
    Upload,
}

/// Where a recording is in its lifecycle at one instant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Phase {
    /// Starting; `progress` runs from 0.0 to 1.0.
    Starting { progress: f64 },
    /// Recording; `recorded_ms` emulated milliseconds so far.
    Recording { recorded_ms: i64 },
    /// Stopping after `recorded_ms` of recording.
    Stopping { progress: f64, recorded_ms: i64 },
    /// Merging/uploading after `recorded_ms` of recording.
    Processing { progress: f64, recorded_ms: i64 },
    /// Done, `since_ms` emulated milliseconds ago.
    Completed { recorded_ms: i64, since_ms: i64 },
    /// Failed, `since_ms` emulated milliseconds ago.
    Failed {
        kind: FailureKind,
        recorded_ms: i64,
        since_ms: i64,
    },
}

impl Phase {
    /// The vendor-neutral state of the phase.
    pub(crate) fn state(self) -> RecordingState {
        match self {
            Phase::Starting { .. } => RecordingState::Starting,
            Phase::Recording { .. } => RecordingState::Recording,
            Phase::Stopping { .. } => RecordingState::Stopping,
            Phase::Processing { .. } => RecordingState::Processing,
            Phase::Completed { .. } => RecordingState::Completed,
            Phase::Failed { .. } => RecordingState::Failed,
        }
    }

    /// Emulated milliseconds recorded so far.
    pub(crate) fn recorded_ms(self) -> i64 {
        match self {
            Phase::Starting { .. } => 0,
            Phase::Recording { recorded_ms }
            | Phase::Stopping { recorded_ms, .. }
            | Phase::Processing { recorded_ms, .. }
            | Phase::Completed { recorded_ms, .. }
            | Phase::Failed { recorded_ms, .. } => recorded_ms,
        }
    }
}

/// Default length of the starting phase, emulated ms.
pub(crate) const DEFAULT_STARTING_MS: i64 = 2_000;
/// Default length of the stopping phase, emulated ms.
pub(crate) const DEFAULT_STOPPING_MS: i64 = 2_000;
/// Default length of the processing phase, emulated ms.
pub(crate) const DEFAULT_PROCESSING_MS: i64 = 6_000;
/// How long a crashed recording without a duration records before it crashes, emulated ms.
pub(crate) const CRASH_WITHOUT_DURATION_MS: i64 = 60_000;

/// A file size for `recorded_ms` of audio and video at about 1 Mbit/s.
pub(crate) fn size_of(recorded_ms: i64) -> u64 {
    u64::try_from(recorded_ms.max(0))
        .unwrap_or(0)
        .saturating_mul(125)
}

/// Where the emulator pretends files are stored.
pub(crate) const STORAGE_URL: &str = "https://storage.record-emulator.invalid";

/// One emulated recording.
#[derive(Debug, Clone)]
pub(crate) struct Recording {
    pub vendor: Vendor,
    pub id: String,
    pub room: String,
    pub app_id: String,
    pub resource_id: String,
    pub mode: String,
    pub file_list_mode: String,
    pub screenshot: bool,
    pub users: Vec<String>,
    /// Recorder uid (Agora `uid`), QingCloud `pid`.
    pub uid: String,
    /// Creation order, 1-based.
    pub seq: u64,
    /// Creation instant on the clock, ms.
    pub created_at: i64,
    pub speed: f64,
    pub starting_ms: i64,
    pub stopping_ms: i64,
    pub processing_ms: i64,
    /// Emulated offset at which recording stops by itself.
    pub planned_stop: Option<i64>,
    /// Emulated offset at which the admin API stopped it.
    pub api_stop: Option<i64>,
    pub stopped_by_api: bool,
    pub outcome: Outcome,
    /// A failure set through the admin API.
    pub admin_failure: Option<(i64, FailureKind)>,
    pub backup_storage: bool,
    /// Paused through the vendor's API (ZEGO PauseRecord) and not resumed since.
    pub paused: bool,
    /// The lifecycle calls the vendor received for this recording, in order (admin API).
    pub controls: Vec<ControlCall>,
}

/// One lifecycle call a recording received (pause, resume, a layout or whiteboard update,
/// a snapshot), as the admin API shows it so that tests can assert what the vendor got.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlCall {
    /// The vendor's name of the operation (`PauseRecord`, `UpdateLayout`, ...).
    pub action: String,
    /// When it arrived, on the emulator's clock.
    pub at: UnixMillis,
    /// The request body as received (these operations carry no secret).
    pub body: serde_json::Value,
}

/// Converts emulated seconds to ms, refusing negative and non-finite values.
fn secs_to_ms(what: &str, secs: f64) -> Result<i64, EmulatorError> {
    if !secs.is_finite() || secs < 0.0 {
        return Err(EmulatorError::InvalidRecording(format!(
            "{what} must be a non-negative number of seconds, got {secs}"
        )));
    }
    // Saturating: `as` clamps out-of-range floats.
    Ok((secs * 1000.0).round() as i64)
}

impl Recording {
    /// Builds a recording from a spec, created at `created_at` (clock ms).
    pub(crate) fn from_spec(
        spec: &RecordingSpec,
        vendor: Vendor,
        seq: u64,
        created_at: i64,
        speed: f64,
        zego_app_id: u32,
    ) -> Result<Self, EmulatorError> {
        let bad = |m: String| EmulatorError::InvalidRecording(m);
        let starting_ms = secs_to_ms(
            "starting_secs",
            spec.starting_secs
                .unwrap_or(DEFAULT_STARTING_MS as f64 / 1000.0),
        )?;
        let stopping_ms = secs_to_ms(
            "stopping_secs",
            spec.stopping_secs
                .unwrap_or(DEFAULT_STOPPING_MS as f64 / 1000.0),
        )?;
        let processing_ms = secs_to_ms(
            "processing_secs",
            spec.processing_secs
                .unwrap_or(DEFAULT_PROCESSING_MS as f64 / 1000.0),
        )?;
        let planned_stop = spec
            .duration_secs
            .map(|d| secs_to_ms("duration_secs", d))
            .transpose()?
            .map(|d| starting_ms.saturating_add(d));
        let users = if spec.users.is_empty() {
            // Agora uids are numbers (sent as strings); the others take any user id.
            vec![
                if vendor == Vendor::Agora {
                    "10001"
                } else {
                    "user1"
                }
                .to_owned(),
            ]
        } else {
            spec.users.clone()
        };
        if users.iter().any(String::is_empty) {
            return Err(bad("users must not be empty strings".to_owned()));
        }
        let room = spec.room.clone().unwrap_or_else(|| "room-1".to_owned());
        if room.is_empty() {
            return Err(bad("room must not be empty".to_owned()));
        }
        let (id, app_id, mode) = match vendor {
            Vendor::Zego => {
                let id = spec
                    .id
                    .clone()
                    .unwrap_or_else(|| util::random_string(16, util::ALNUM));
                if id.len() != 16 {
                    return Err(bad(format!(
                        "a ZEGO TaskId is 16 bytes long, `{id}` has {}",
                        id.len()
                    )));
                }
                let mode = spec.mode.clone().unwrap_or_else(|| "mixed".to_owned());
                if !matches!(mode.as_str(), "single" | "mixed") {
                    return Err(bad(format!("ZEGO mode is single or mixed, got `{mode}`")));
                }
                (id, zego_app_id.to_string(), mode)
            }
            Vendor::QingCloud => {
                let id = spec
                    .id
                    .clone()
                    .unwrap_or_else(|| 1000u64.saturating_add(seq).to_string());
                if id.parse::<i64>().is_err() {
                    return Err(bad(format!("a QingCloud id is an integer, got `{id}`")));
                }
                let mode = spec.mode.clone().unwrap_or_else(|| "mixed".to_owned());
                if !matches!(mode.as_str(), "single" | "mixed") {
                    return Err(bad(format!(
                        "QingCloud mode is single or mixed, got `{mode}`"
                    )));
                }
                let app = spec
                    .app_id
                    .clone()
                    .unwrap_or_else(|| "34723259bb8f4768bc7a9c7cbb126baa".to_owned());
                (id, app, mode)
            }
            Vendor::Volcengine => {
                let id = spec
                    .id
                    .clone()
                    .unwrap_or_else(|| format!("task-{}", util::random_string(12, util::HEX)));
                let app = spec
                    .app_id
                    .clone()
                    .unwrap_or_else(|| "661e0000000543cf".to_owned());
                (id, app, String::new())
            }
            Vendor::Agora => {
                let id = spec
                    .id
                    .clone()
                    .unwrap_or_else(|| util::random_string(32, util::HEX));
                let mode = spec.mode.clone().unwrap_or_else(|| "mix".to_owned());
                if !matches!(mode.as_str(), "individual" | "mix" | "web") {
                    return Err(bad(format!(
                        "Agora mode is individual, mix or web, got `{mode}`"
                    )));
                }
                let app = spec
                    .app_id
                    .clone()
                    .unwrap_or_else(|| "0123456789abcdef0123456789abcdef".to_owned());
                (id, app, mode)
            }
            other => return Err(bad(format!("the emulator does not serve {other}"))),
        };
        if id.is_empty() || app_id.is_empty() {
            return Err(bad("ids must not be empty".to_owned()));
        }
        let file_list_mode = match vendor {
            Vendor::Agora if mode == "individual" => "json".to_owned(),
            Vendor::Agora => spec
                .file_list_mode
                .clone()
                .unwrap_or_else(|| "json".to_owned()),
            _ => String::new(),
        };
        if vendor == Vendor::Agora && !matches!(file_list_mode.as_str(), "string" | "json") {
            return Err(bad(format!(
                "file_list_mode is string or json, got `{file_list_mode}`"
            )));
        }
        let resource_id = match vendor {
            Vendor::Agora => spec
                .resource_id
                .clone()
                .unwrap_or_else(|| util::random_string(64, util::ALNUM)),
            _ => String::new(),
        };
        Ok(Self {
            vendor,
            id,
            room,
            app_id,
            resource_id,
            mode,
            file_list_mode,
            screenshot: spec.screenshot,
            users,
            uid: 527_840u64.saturating_add(seq).to_string(),
            seq,
            created_at,
            speed,
            starting_ms,
            stopping_ms,
            processing_ms,
            planned_stop,
            api_stop: None,
            stopped_by_api: spec.stopped_by_api,
            outcome: spec.outcome,
            admin_failure: None,
            backup_storage: spec.backup_storage,
            paused: false,
            controls: Vec::new(),
        })
    }

    /// Emulated ms since creation at clock instant `now` (may be negative before creation).
    pub(crate) fn emulated(&self, now: i64) -> i64 {
        let real = now.saturating_sub(self.created_at) as f64;
        (real * self.speed) as i64
    }

    /// The clock instant (ms) of emulated offset `e`.
    pub(crate) fn real_at(&self, e: i64) -> i64 {
        self.created_at
            .saturating_add((e as f64 / self.speed).round() as i64)
    }

    /// Where recording stops (emulated offset), if it does.
    pub(crate) fn stop_at(&self) -> Option<i64> {
        match (self.planned_stop, self.api_stop) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether the stop was (or will be) one through the API.
    pub(crate) fn stop_is_api(&self) -> bool {
        match (self.planned_stop, self.api_stop) {
            (_, None) => self.stopped_by_api,
            (None, Some(_)) => true,
            (Some(p), Some(a)) => a <= p || self.stopped_by_api,
        }
    }

    /// The effective failure: set through the admin API, or planned by the outcome.
    pub(crate) fn failure(&self) -> Option<(i64, FailureKind)> {
        if let Some(f) = self.admin_failure {
            return Some(f);
        }
        match self.outcome {
            Outcome::Completed => None,
            Outcome::FailedToStart => Some((self.starting_ms, FailureKind::Start)),
            Outcome::Crashed => Some((
                self.stop_at()
                    .unwrap_or(self.starting_ms.saturating_add(CRASH_WITHOUT_DURATION_MS)),
                FailureKind::Crash,
            )),
            Outcome::UploadFailed => self.stop_at().map(|s| {
                (
                    s.saturating_add(self.stopping_ms)
                        .saturating_add(self.processing_ms),
                    FailureKind::Upload,
                )
            }),
        }
    }

    /// The phase at emulated offset `e`.
    pub(crate) fn phase_at(&self, e: i64) -> Phase {
        let stop = self.stop_at();
        let start = self.starting_ms;
        if let Some((at, kind)) = self.failure()
            && e >= at
        {
            let end = stop.map_or(at, |s| s.min(at));
            return Phase::Failed {
                kind,
                recorded_ms: end.saturating_sub(start).max(0),
                since_ms: e.saturating_sub(at),
            };
        }
        let progress = |t: i64, len: i64| {
            if len <= 0 {
                1.0
            } else {
                (t as f64 / len as f64).clamp(0.0, 1.0)
            }
        };
        if e < start && stop.is_none_or(|s| e < s) {
            return Phase::Starting {
                progress: progress(e, start),
            };
        }
        match stop {
            Some(s) if e >= s => {
                let recorded_ms = s.saturating_sub(start).max(0);
                let t = e.saturating_sub(s);
                if t < self.stopping_ms {
                    Phase::Stopping {
                        progress: progress(t, self.stopping_ms),
                        recorded_ms,
                    }
                } else if t < self.stopping_ms.saturating_add(self.processing_ms) {
                    Phase::Processing {
                        progress: progress(t - self.stopping_ms, self.processing_ms),
                        recorded_ms,
                    }
                } else {
                    Phase::Completed {
                        recorded_ms,
                        since_ms: t - self.stopping_ms - self.processing_ms,
                    }
                }
            }
            _ => Phase::Recording {
                recorded_ms: e.saturating_sub(start).max(0),
            },
        }
    }

    /// The phase at clock instant `now`.
    pub(crate) fn phase(&self, now: i64) -> Phase {
        self.phase_at(self.emulated(now))
    }

    /// Clock instant (ms) when recording began (the end of the starting phase).
    pub(crate) fn record_begin(&self) -> i64 {
        self.real_at(self.starting_ms)
    }

    /// Clock instant (ms) when recording ended (stop or failure), if it has at `now`.
    pub(crate) fn record_end(&self, now: i64) -> Option<i64> {
        let e = self.emulated(now);
        let stop = self.stop_at().filter(|s| *s <= e);
        let fail = self.failure().map(|f| f.0).filter(|f| *f <= e);
        let end = match (stop, fail) {
            (Some(s), Some(f)) => s.min(f),
            (s, f) => s.or(f)?,
        };
        Some(self.real_at(end.max(0)))
    }

    /// Stops the recording now (admin API).
    pub(crate) fn stop(&mut self, now: i64) -> Result<(), EmulatorError> {
        let e = self.emulated(now).max(0);
        match self.phase_at(e) {
            Phase::Starting { .. } | Phase::Recording { .. } => {
                self.api_stop = Some(e);
                Ok(())
            }
            other => Err(EmulatorError::Conflict(format!(
                "recording `{}` is already {} and cannot be stopped",
                self.id,
                other.state().as_str()
            ))),
        }
    }

    /// Pauses the recording now: only while it records and is not paused already.
    pub(crate) fn pause(&mut self, now: i64) -> Result<(), EmulatorError> {
        match self.phase(now) {
            Phase::Recording { .. } if !self.paused => {
                self.paused = true;
                Ok(())
            }
            other => Err(EmulatorError::Conflict(format!(
                "recording `{}` is {}{} and cannot be paused",
                self.id,
                other.state().as_str(),
                if self.paused { " (paused)" } else { "" }
            ))),
        }
    }

    /// Resumes the paused recording now.
    pub(crate) fn resume(&mut self, now: i64) -> Result<(), EmulatorError> {
        if self.paused && matches!(self.phase(now), Phase::Recording { .. }) {
            self.paused = false;
            return Ok(());
        }
        Err(EmulatorError::Conflict(format!(
            "recording `{}` is not paused",
            self.id
        )))
    }

    /// Whether the recording is paused at `now` (a pause ends with the recording phase).
    pub(crate) fn is_paused(&self, now: i64) -> bool {
        self.paused && matches!(self.phase(now), Phase::Recording { .. })
    }

    /// Makes the recording fail now (admin API): a start failure while starting, a crash
    /// while recording, an upload failure while stopping or processing.
    pub(crate) fn fail(&mut self, now: i64) -> Result<(), EmulatorError> {
        let e = self.emulated(now).max(0);
        let kind = match self.phase_at(e) {
            Phase::Starting { .. } => FailureKind::Start,
            Phase::Recording { .. } => FailureKind::Crash,
            Phase::Stopping { .. } | Phase::Processing { .. } => FailureKind::Upload,
            other => {
                return Err(EmulatorError::Conflict(format!(
                    "recording `{}` is already {} and cannot fail",
                    self.id,
                    other.state().as_str()
                )));
            }
        };
        self.admin_failure = Some((e, kind));
        Ok(())
    }
}

/// What the emulator tells about one recording (admin API and Rust methods).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordingInfo {
    /// The vendor.
    pub vendor: Vendor,
    /// The vendor's id: ZEGO `TaskId`, QingCloud `id`, Volcengine `TaskId`, Agora `sid`.
    pub id: String,
    /// ZEGO/Volcengine `RoomId`, QingCloud `channel`, Agora `cname`.
    pub room: String,
    /// Volcengine `AppId`, QingCloud `app_id`, Agora `appid`, ZEGO `AppId`.
    pub app_id: String,
    /// Agora `resourceid` (empty for the other vendors).
    pub resource_id: String,
    /// The mode (see [`RecordingSpec::mode`]); empty for Volcengine.
    pub mode: String,
    /// The recorded users.
    pub users: Vec<String>,
    /// Creation instant on the emulator's clock.
    pub created_at: UnixMillis,
    /// The vendor-neutral state now (Agora: `gone` once its query answers 404).
    pub state: RecordingState,
    /// The raw status the vendor reports now (`"404"` for a gone Agora session).
    pub vendor_status: String,
    /// Emulated milliseconds recorded so far.
    pub recorded_ms: i64,
    /// The lifecycle calls it received (pause, resume, layout updates, ...), in order.
    #[serde(default)]
    pub controls: Vec<ControlCall>,
}

impl RecordingInfo {
    /// The neutral [`TaskRef`] a client queries this recording by (`None` only for a
    /// vendor the emulator does not serve, which it never creates a recording for).
    pub fn task_ref(&self) -> Option<TaskRef> {
        match self.vendor {
            Vendor::Zego => Some(TaskRef::Zego {
                task_id: self.id.clone(),
            }),
            Vendor::QingCloud => Some(TaskRef::QingCloud {
                app_id: self.app_id.clone(),
                channel: self.room.clone(),
                record_id: Some(self.id.clone()),
            }),
            Vendor::Volcengine => Some(TaskRef::Volcengine {
                app_id: self.app_id.clone(),
                room_id: self.room.clone(),
                task_id: self.id.clone(),
            }),
            Vendor::Agora => Some(TaskRef::Agora {
                app_id: self.app_id.clone(),
                resource_id: self.resource_id.clone(),
                sid: self.id.clone(),
                mode: self.mode.clone(),
                cname: None,
                uid: None,
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(spec: &RecordingSpec) -> Result<Recording, EmulatorError> {
        Recording::from_spec(spec, Vendor::Zego, 1, 0, 1.0, 1)
    }

    #[test]
    fn phases_follow_the_timeline() -> Result<(), EmulatorError> {
        let r = rec(&RecordingSpec::new(Vendor::Zego).duration_secs(10.0))?;
        assert!(matches!(r.phase_at(0), Phase::Starting { .. }));
        assert!(matches!(
            r.phase_at(2_000),
            Phase::Recording { recorded_ms: 0 }
        ));
        assert!(matches!(
            r.phase_at(11_999),
            Phase::Recording { recorded_ms: 9_999 }
        ));
        assert!(matches!(
            r.phase_at(12_000),
            Phase::Stopping {
                recorded_ms: 10_000,
                ..
            }
        ));
        assert!(matches!(r.phase_at(14_000), Phase::Processing { .. }));
        assert!(matches!(
            r.phase_at(20_000),
            Phase::Completed { since_ms: 0, .. }
        ));
        let failing = rec(&RecordingSpec::new(Vendor::Zego)
            .duration_secs(10.0)
            .outcome(Outcome::UploadFailed))?;
        assert!(matches!(failing.phase_at(19_999), Phase::Processing { .. }));
        assert!(matches!(
            failing.phase_at(20_000),
            Phase::Failed {
                kind: FailureKind::Upload,
                ..
            }
        ));
        Ok(())
    }

    #[test]
    fn admin_stop_and_fail() -> Result<(), EmulatorError> {
        let mut r = rec(&RecordingSpec::new(Vendor::Zego))?;
        assert!(matches!(r.phase(100_000), Phase::Recording { .. }));
        r.stop(5_000)?;
        assert!(r.stop_is_api());
        assert!(matches!(
            r.phase(5_000),
            Phase::Stopping {
                recorded_ms: 3_000,
                ..
            }
        ));
        assert_eq!(r.record_end(5_000), Some(5_000));
        assert!(r.stop(6_000).is_err());
        r.fail(8_000)?;
        assert!(matches!(
            r.phase(8_000),
            Phase::Failed {
                kind: FailureKind::Upload,
                ..
            }
        ));
        assert!(r.fail(9_000).is_err());
        Ok(())
    }

    #[test]
    fn speed_scales_the_timeline() -> Result<(), EmulatorError> {
        let r = Recording::from_spec(
            &RecordingSpec::new(Vendor::Zego).duration_secs(3600.0),
            Vendor::Zego,
            1,
            0,
            360.0,
            1,
        )?;
        assert!(matches!(r.phase(5_000), Phase::Recording { .. }));
        assert!(matches!(r.phase(10_010), Phase::Stopping { .. }));
        assert!(matches!(r.phase(11_000), Phase::Completed { .. }));
        assert_eq!(r.real_at(360_000), 1_000);
        Ok(())
    }

    #[test]
    fn bad_specs_are_refused() {
        assert!(rec(&RecordingSpec::new(Vendor::Zego).id("short")).is_err());
        assert!(rec(&RecordingSpec::new(Vendor::Zego).duration_secs(-1.0)).is_err());
        assert!(rec(&RecordingSpec::new(Vendor::Zego).mode("web")).is_err());
    }
}
