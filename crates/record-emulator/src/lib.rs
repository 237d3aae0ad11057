//! A local emulator of the four vendors' cloud-recording query APIs: ZEGO, QingCloud RTC,
//! Volcengine RTC and Agora, for tests and demos without a vendor account.
//!
//! It serves each vendor's real method and path on its own listener, so a client pointed at
//! [`Emulator::base_url`] works unchanged:
//!
//! | vendor | served |
//! |---|---|
//! | ZEGO | `POST /?Action=DescribeRecordStatus`, `POST /?Action=DescribeTasks` |
//! | QingCloud RTC | `GET /v1/cloudRecord` |
//! | Volcengine RTC | `GET /?Action=GetRecordTask&Version=2023-11-01` |
//! | Agora | `GET /v1/apps/{appid}/cloud_recording/resourceid/{resourceid}/sid/{sid}/mode/{mode}/query` |
//!
//! It checks authentication as each vendor does, recomputing the signature from the
//! request as received (ZEGO MD5 `SignatureVersion` 2.0 with ±10 min and single-use nonces,
//! QingCloud RTC HMAC-SHA256 with a 15 min `time_stamp`, Volcengine V4 over exactly the
//! headers listed in `SignedHeaders`, Agora HTTP Basic), enforces the documented limits with
//! the vendors' own errors, moves recordings through each vendor's lifecycle as time passes,
//! and injects faults on demand. Every answer body is built from the vendor crates' own
//! typed response models, so it cannot drift from what the clients decode.
//!
//! # Example
//!
//! ```
//! use std::sync::Arc;
//! use record_emulator::{Emulator, RecordingSpec, Vendor};
//! use record_facade::{DurationMillis, FixedClock, RecordingState, UnixMillis, zego};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // A clock shared by the emulator and the client makes the test deterministic.
//! let clock = Arc::new(FixedClock::new(UnixMillis(1_700_000_000_000)));
//! let emu = Emulator::builder().clock(clock.clone()).start().await?;
//!
//! // Script a recording through the Rust admin API (or POST /_emulator/recordings).
//! let rec = emu.create_recording(RecordingSpec::new(Vendor::Zego).id("X3CgNeE4I1qAAABN"))?;
//!
//! // The real client, with its normal signing, pointed at the emulator.
//! let client = zego::Client::builder(emu.zego_credentials())
//!     .base_url(emu.base_url(Vendor::Zego))
//!     .clock(clock.clone())
//!     .build()?;
//! let request = zego::DescribeRecordStatusRequest::builder().task_id(&rec.id).build()?;
//! let status = |r: zego::DescribeRecordStatusResponse| r.data.and_then(|d| d.status);
//! assert_eq!(
//!     status(client.describe_record_status(&request).await?),
//!     Some(zego::TaskStatus::Initializing)
//! );
//!
//! // Time passes: starting (2 s) → recording; stop; stopping (2 s) → processing (6 s) → done.
//! clock.advance(DurationMillis(3_000));
//! assert_eq!(
//!     status(client.describe_record_status(&request).await?),
//!     Some(zego::TaskStatus::Recording)
//! );
//! emu.stop(Vendor::Zego, &rec.id)?;
//! clock.advance(DurationMillis(10_000));
//! assert_eq!(emu.recording(Vendor::Zego, &rec.id).map(|r| r.state), Some(RecordingState::Completed));
//! let data = client.describe_record_status(&request).await?.data.ok_or("no Data")?;
//! assert_eq!(data.status, Some(zego::TaskStatus::Ended));
//! assert_eq!(data.record_files.map(|f| f.len()), Some(1));
//! # Ok(())
//! # }
//! ```
//!
//! # Time
//!
//! The emulator reads an injectable [`Clock`](record_facade::Clock)
//! ([`EmulatorBuilder::clock`], the system clock by default) for everything: signature
//! validity, query windows and lifecycles. Nothing ticks in the background: each request
//! computes a recording's state from its timeline and the clock. The speed factor
//! ([`EmulatorBuilder::speed`]) makes lifecycles run faster than the clock: at speed 360 a
//! one-hour recording stops after ten clock seconds. Instants in answers (begin/end
//! timestamps, `created`, `sliceStartTime`) are clock instants; durations and sizes are in
//! emulated time (that one-hour recording reports `Duration` 3 600 000 ms).
//!
//! # Lifecycles
//!
//! Each recording goes through starting (2 s by default) → recording (`duration_secs`, or
//! until stopped) → stopping (2 s) → processing, i.e. merging/uploading (6 s) → completed,
//! or failed (see [`Outcome`] and [`Emulator::fail`]); phase lengths are emulated seconds
//! and can be set per recording. What each vendor reports:
//!
//! | phase | ZEGO `Status` (files) | QingCloud `status` | Volcengine `Status` | Agora `status` |
//! |---|---|---|---|---|
//! | starting | 1, no files | 1 | 1 | 0 → 4 |
//! | recording | 2 (files 1) | 2 | 2, `RecordFileList` [] | 5, `fileList` |
//! | stopping | 3 (files 1) | 4 (API stop) / 5 (auto) | 2 | 6 |
//! | processing | 3 (files 2) | 3 → (6 → 7 single-stream) → 8 → 9 | 2 | 7 |
//! | completed | 3 (files 3, or 4 with `backup_storage`) | 10 | 3, `StopByAPI`/`IdleTimeOut`, files | 8, then HTTP 404 after 5 s |
//! | failed to start | 4, no files | 30 → 32 | 3, `StartTaskFailed` | 20, then 404 |
//! | crashed | 4 | 30 → 32 | 4, `UnknownStopReason` | 20, then 404 |
//! | upload failed | 3 (files 5) | 53 / 51 / 52 (by step) | 4 | 20, then 404 |
//!
//! Agora files follow the mode: `mix` with `file_list_mode = "string"` (HLS only: the M3U8
//! name), `mix` with `"json"` (HLS + MP4 entries), `individual` (one entry per uid, or no
//! `fileList` with `screenshot = true`), `web` (`extensionServiceState` with the
//! `web_recorder_service` payload).
//!
//! # Limits
//!
//! | vendor | limit | answer |
//! |---|---|---|
//! | ZEGO | 10 requests/s per action | `Code` 300000003 |
//! | ZEGO | `DescribeRecordStatus`: tasks started within 3 days | `Code` 300001000 |
//! | ZEGO | `DescribeTasks`: `StartTime` ≥ now − 3 days, `EndTime` > `StartTime`, span ≤ 3 days; `PageSize` 1..=50; `Status` 2 or 3 | `Code` 300000004 |
//! | ZEGO | `TaskId` exactly 16 bytes | `Code` 300000004 |
//! | QingCloud | `from_hour`/`to_hour` 0..=24 (24 h), `from_hour ≥ to_hour`, `limit` 1..=100 | HTTP 400 `{"code":"InvalidParameter"}` |
//! | Volcengine | 60 requests/s per account | HTTP 429 `FlowLimitExceeded` |
//! | Volcengine | tasks started within 72 hours | `InvalidParameter.ErrorActiveTaskNotFound` |
//! | Agora | 10 requests/s | HTTP 429 `{"message":"API rate limit exceeded"}` |
//! | Agora | only while the session runs | HTTP 404 |
//!
//! Rate limits count real (monotonic) time, not the injectable clock, and can be turned off
//! ([`EmulatorBuilder::rate_limits`], `rate_limits = false`). Each vendor module documents
//! its authentication checks and errors: see the `vendors` source files, and the
//! [`faults`] module for fault injection.
//!
//! # Admin API
//!
//! Every listener also serves, as JSON and without authentication:
//!
//! | request | effect |
//! |---|---|
//! | `GET /_emulator/health` | `{"vendor", "status": "ok", "now_ms", "speed"}` |
//! | `GET /_emulator/recordings` | the vendor's recordings ([`RecordingInfo`]) |
//! | `POST /_emulator/recordings` | create one; body: a [`RecordingSpec`] (vendor implied), answer 201 |
//! | `GET /_emulator/recordings/{id}` | one recording |
//! | `POST /_emulator/recordings/{id}/stop` | [`Emulator::stop`] |
//! | `POST /_emulator/recordings/{id}/fail` | [`Emulator::fail`] |
//! | `GET` / `PUT` / `DELETE /_emulator/faults` | read, set (body: a [`FaultPlan`]) or clear the vendor's faults |
//!
//! Errors are `{"error": "..."}` with 400 (bad spec), 404 (no such recording) or 409
//! (duplicate id, recording already ended).
//!
//! # Scenario format
//!
//! A scenario is TOML (or the same structure in JSON); every key is optional and unknown
//! keys are errors. `fixtures/emulator/scenario.toml` is a complete example, built in as
//! [`Scenario::example`] (recordings in every state for each vendor).
//!
//! ```toml
//! speed = 1.0          # time speed factor (the builder's .speed() and --speed win)
//! rate_limits = true   # enforce the documented rate limits
//!
//! [credentials.zego]        # defaults: ZegoCredentialsConfig::DEFAULT_*
//! app_id = 1234567890
//! server_secret = "3a5f0c9e7b2d4816a0c3e5f7b9d1f2e4"
//! [credentials.qingcloud]   # access_key_id, secret_access_key
//! [credentials.volc]        # access_key_id, secret_access_key
//! [credentials.agora]       # customer_id, customer_secret
//!
//! [faults.volc]             # per vendor: zego, qingcloud, volc, agora
//! sequence = ["503", "429:1", "html", "truncate", "drop"]
//! share = 0.0               # then this share of requests gets one of `kinds`
//! kinds = ["503", "drop"]
//! seed = 7
//!
//! [[recordings]]
//! vendor = "zego"                 # required: zego, qingcloud, volc, agora
//! id = "X3CgNeE4I1qAAABN"         # ZEGO TaskId (16 bytes), QingCloud id (integer), Volcengine TaskId, Agora sid
//! room = "room-1"                 # RoomId / channel / cname
//! app_id = "..."                  # Volcengine AppId, QingCloud app_id, Agora appid
//! resource_id = "..."             # Agora resourceid
//! mode = "mixed"                  # ZEGO/QingCloud: single | mixed; Agora: individual | mix | web
//! file_list_mode = "json"         # Agora mix: string | json
//! screenshot = false              # Agora individual: snapshot job (no fileList)
//! users = ["user1", "user2"]      # recorded users (Agora: uids)
//! start_offset_secs = -600.0      # created 10 min before the emulator started (clock seconds)
//! duration_secs = 3600.0          # records this long (emulated), or until stopped
//! starting_secs = 2.0             # phase lengths (emulated seconds)
//! stopping_secs = 2.0
//! processing_secs = 6.0
//! outcome = "completed"           # completed | failed_to_start | crashed | upload_failed
//! stopped_by_api = false          # the planned stop counts as a StopRecord call
//! backup_storage = false          # ZEGO: files end in ZEGO's backup storage (status 4)
//! ```
//!
//! Missing ids are generated in each vendor's shape. Without a `[credentials.*]` table the
//! defaults apply: [`ZegoCredentialsConfig`], [`QingCloudCredentialsConfig`],
//! [`VolcCredentialsConfig`], [`AgoraCredentialsConfig`] (`DEFAULT_*` constants);
//! [`Emulator::credentials_env`] gives them as the environment variables the vendor crates'
//! `Credentials::from_env` read.
//!
//! # Binary
//!
//! `record-emulator` serves the same from the command line; `record-emulator --help` lists
//! its flags (address and ports, scenario file, speed, fault settings). It prints each
//! vendor's base URL and the credential variables to export, and logs every request with
//! `tracing` (never a secret or a signature).
//!
//! # Source layout
//!
//! The modules form layers; each imports only from layers below it (never from its own
//! layer's siblings above it, never upwards):
//!
//! 1. leaves: `error`, `util`, `net`, `limits`, `wire` (the request and answer types);
//! 2. `faults` (errors), `scenario` (errors, faults), `recording` (errors, util, scenario);
//! 3. `state`: the shared state (recordings, faults, rate windows, nonces);
//! 4. the vendor handlers `vendors::{zego, qingcloud, volc, agora}`: state, wire,
//!    recording, util, errors, and the vendor crates' specs for every limit;
//! 5. `vendors`: the dispatch to the four handlers and the admin view of a recording;
//! 6. `server`: the routers, admin API and fault injection, above the vendor dispatch;
//! 7. `emulator`: the public [`Emulator`], which starts the servers.

mod emulator;
mod error;
pub mod faults;
mod limits;
mod net;
mod recording;
mod scenario;
mod server;
mod state;
mod util;
mod vendors;
mod wire;

pub use emulator::{Emulator, EmulatorBuilder};
pub use error::EmulatorError;
pub use faults::{Fault, FaultPlan};
pub use record_facade::{RecordingState, Vendor};
pub use recording::{ControlCall, FailureKind, RecordingInfo};
pub use scenario::{
    AgoraCredentialsConfig, CredentialsConfig, EXAMPLE_SCENARIO_TOML, Outcome,
    QingCloudCredentialsConfig, RecordingSpec, Scenario, Secret, VolcCredentialsConfig,
    ZegoCredentialsConfig,
};
pub use wire::SeenRequest;

/// The README's Rust examples, compiled and run as doctests here so they cannot rot: this
/// crate depends on the facade (every vendor) and can run the emulator examples too.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
