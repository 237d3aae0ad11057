//! The per-vendor harness of the conformance suite: an in-process emulator on 127.0.0.1, the
//! vendor's real client pointed at it (as `Arc<dyn RecordingClient>`: query and control), a shared
//! [`FixedClock`], recordings created through the emulator's admin API and turned into the
//! [`TaskRef`] that `get` takes, a request counter, and the few vendor facts that
//! [`Capabilities`](record_facade::Capabilities) does not carry (how each vendor maps the
//! emulator's lifecycle phases, which times it reports, its signature validity).

use futures::future::BoxFuture;
use record_emulator::{Emulator, Fault, FaultPlan, RecordingInfo, RecordingSpec, Vendor};
use record_facade::{
    Clock as _, DurationMillis, ErrorKind, FixedClock, RecordingClient, RecordingState,
    RetryPolicy, Sleeper, TaskRef, UnixMillis, agora, qingcloud, volc, zego,
};
use std::sync::Arc;
use std::time::Duration;

/// 2024-06-19T07:13:06Z: a whole second, so that QingCloud's second-precision local times
/// compare exactly.
pub const T0: UnixMillis = UnixMillis(1_718_781_186_000);

/// How many `delay:0` faults pad a counting plan (see [`Harness::count_requests`]).
const COUNTER_PAD: usize = 256;

/// The lifecycle phases of an emulated recording (the emulator's crate docs, "Lifecycles").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Starting (2 s by default).
    Starting,
    /// Recording.
    Recording,
    /// Stopping (2 s by default).
    Stopping,
    /// Merging/uploading (6 s by default).
    Processing,
    /// Done.
    Completed,
    /// Failed (here: crashed while recording, or the upload failed).
    Failed,
}

impl Phase {
    /// The neutral state the emulator's admin API reports for the phase.
    pub fn emulator_state(self) -> RecordingState {
        match self {
            Phase::Starting => RecordingState::Starting,
            Phase::Recording => RecordingState::Recording,
            Phase::Stopping => RecordingState::Stopping,
            Phase::Processing => RecordingState::Processing,
            Phase::Completed => RecordingState::Completed,
            Phase::Failed => RecordingState::Failed,
        }
    }
}

/// The timeline of one recording, clock instants.
#[derive(Debug, Clone, Copy)]
pub struct Timeline {
    /// Created (the start of the starting phase).
    pub created: UnixMillis,
    /// The end of the starting phase.
    pub began: UnixMillis,
    /// Recording stopped (or crashed).
    pub stopped: UnixMillis,
    /// The end of the stopping phase.
    pub stopping_done: UnixMillis,
    /// The end of the processing phase.
    pub processing_done: UnixMillis,
}

impl Timeline {
    /// The timeline of a recording created at `created` with the default phase lengths
    /// (2 s starting, 2 s stopping, 6 s processing) that records `secs` seconds (speed 1).
    pub fn default_phases(created: UnixMillis, secs: i64) -> Self {
        let at = |ms: i64| created.saturating_add(DurationMillis(ms));
        Self {
            created,
            began: at(2_000),
            stopped: at(2_000 + secs * 1000),
            stopping_done: at(4_000 + secs * 1000),
            processing_done: at(10_000 + secs * 1000),
        }
    }
}

/// Which credentials a client signs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Creds {
    /// The emulator's.
    #[default]
    Right,
    /// The right key id (AppId, access key id, Customer ID) with a wrong secret.
    WrongSecret,
    /// An unknown key id (with a plausible secret).
    WrongKeyId,
}

/// How a test wants its client.
#[derive(Debug, Clone, Default)]
pub struct Opts {
    /// The retry policy; `None`: retries disabled.
    pub retry: Option<RetryPolicy>,
    /// Keep the vendor's documented client-side rate limit (default: turned off, so that
    /// lifecycle tests are not slowed by it).
    pub vendor_rate_limit: bool,
    /// The client's clock; `None`: the harness's shared clock.
    pub clock: Option<Arc<FixedClock>>,
    /// Which credentials.
    pub creds: Creds,
    /// ZEGO only: every attempt uses this `SignatureNonce` (the builder's `nonce_source`
    /// testing hook).
    pub zego_nonce: Option<String>,
    /// The per-attempt timeout (default: the vendor client's).
    pub attempt_timeout: Option<Duration>,
}

/// One vendor's emulator, clock and client.
pub struct Harness {
    /// The vendor.
    pub vendor: Vendor,
    /// The clock shared by the emulator and the clients.
    pub clock: Arc<FixedClock>,
    /// The emulator.
    pub emu: Emulator,
    /// The vendor's client (retries off, client rate limiter off) behind the neutral trait.
    pub client: Arc<dyn RecordingClient>,
}

impl std::fmt::Debug for Harness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Harness")
            .field("vendor", &self.vendor)
            .field("emu", &self.emu)
            .finish_non_exhaustive()
    }
}

impl Harness {
    /// An emulator with its rate limits off.
    pub async fn start(vendor: Vendor) -> Self {
        Self::start_with(vendor, false).await
    }

    /// An emulator enforcing the documented rate limits (on real time) or not.
    pub async fn start_with(vendor: Vendor, rate_limits: bool) -> Self {
        let clock = Arc::new(FixedClock::new(T0));
        let emu = Emulator::builder()
            .clock(clock.clone())
            .rate_limits(rate_limits)
            .start()
            .await
            .expect("the emulator starts on 127.0.0.1");
        let client = build_client(vendor, &emu, &clock, &Opts::default());
        Self {
            vendor,
            clock,
            emu,
            client,
        }
    }

    /// The vendor's real client, built through its own builder, with `opts`.
    pub fn client_with(&self, opts: &Opts) -> Arc<dyn RecordingClient> {
        build_client(self.vendor, &self.emu, &self.clock, opts)
    }

    /// A spec for this vendor with every field at the emulator's defaults (ids generated
    /// in the vendor's shape, room `room-1`, the vendor's default app).
    pub fn spec(&self) -> RecordingSpec {
        RecordingSpec::new(self.vendor)
    }

    /// Creates a recording through the emulator's admin API and returns it with the
    /// [`TaskRef`] that names it to the vendor's client.
    pub fn create(&self, spec: RecordingSpec) -> (RecordingInfo, TaskRef) {
        let info = self
            .emu
            .create_recording(spec)
            .expect("the emulator accepts the spec");
        let task = info.task_ref().expect("the emulator serves this vendor");
        (info, task)
    }

    /// Starts a recording through the vendor's own start API, signed by its typed client
    /// (retries off, no client rate limit), and returns its [`TaskRef`]; `None` for a
    /// vendor whose start this SDK does not send (QingCloud publishes none).
    pub async fn start_via_api(&self) -> Option<TaskRef> {
        match self.vendor {
            Vendor::Zego => {
                let client = zego::Client::builder(self.emu.zego_credentials())
                    .base_url(self.emu.base_url(self.vendor))
                    .clock(self.clock.clone())
                    .disable_retries()
                    .rate_limit(None)
                    .build()
                    .unwrap();
                let body = serde_json::json!({
                    "RoomId": "room-conformance",
                    "RecordInputParams": {
                        "RecordMode": 2, "StreamType": 3,
                        "MixConfig": {
                            "MixMode": 2, "MixOutputStreamId": "mix-1",
                            "MixOutputVideoConfig": {"Width": 640, "Height": 360, "Fps": 15, "Bitrate": 600000}
                        }
                    },
                    "RecordOutputParams": {"OutputFileFormat": "mp4"},
                    "StorageParams": {"Vendor": 2, "Region": "oss-cn-shanghai", "Bucket": "b",
                                      "AccessKeyId": "id", "AccessKeySecret": "conformance-secret"}
                });
                let request = zego::StartRecordRequest::from_json(
                    body.to_string().as_bytes(),
                    record_facade::UnknownFields::Refuse,
                )
                .unwrap();
                Some(
                    client
                        .start_record(&request)
                        .await
                        .unwrap()
                        .task_ref()
                        .unwrap(),
                )
            }
            _ => None,
        }
    }

    /// A layout in the vendor's own fields for [`RecordingClient::update_layout`], and the
    /// vendor's name of the operation the emulator then records; `None` for a vendor
    /// without one.
    pub fn layout(&self) -> Option<(serde_json::Value, &'static str)> {
        match self.vendor {
            Vendor::Zego => Some((
                serde_json::json!({"MixMode": 1, "MixInputList": [
                    {"StreamId": "a", "Top": 0, "Left": 0, "Bottom": 360, "Right": 320, "Layer": 1},
                    {"StreamId": "b", "Top": 0, "Left": 320, "Bottom": 360, "Right": 640, "Layer": 1}
                ]}),
                "UpdateLayout",
            )),
            _ => None,
        }
    }

    /// What the emulator's admin API says about a recording now.
    pub fn info(&self, info: &RecordingInfo) -> RecordingInfo {
        self.emu
            .recording(self.vendor, &info.id)
            .expect("the recording exists")
    }

    /// Moves the shared clock forward.
    pub fn advance_ms(&self, ms: i64) {
        self.clock.advance(DurationMillis(ms));
    }

    /// The shared clock's time.
    pub fn now(&self) -> UnixMillis {
        self.clock.now()
    }

    /// Sets the vendor's fault plan to `faults` followed by many `delay:0` faults, which
    /// answer normally: from now on every vendor request (admin requests never are) takes
    /// one entry of the sequence, so [`Harness::requests_seen`] counts exactly the
    /// requests the emulator received.
    pub fn count_requests(&self, faults: impl IntoIterator<Item = Fault>) {
        let mut sequence: Vec<Fault> = faults.into_iter().collect();
        sequence.extend(std::iter::repeat_n(Fault::Delay { ms: 0 }, COUNTER_PAD));
        self.emu
            .set_faults(self.vendor, FaultPlan::sequence(sequence))
            .unwrap();
    }

    /// How many vendor requests the emulator received since [`Harness::count_requests`],
    /// read through the admin API (`GET /_emulator/faults`).
    pub async fn requests_seen(&self) -> u64 {
        let url = format!("{}/_emulator/faults", self.emu.base_url(self.vendor));
        let body = reqwest::get(&url).await.unwrap().bytes().await.unwrap();
        let state: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let remaining = state["remaining_sequence"].as_u64().unwrap();
        assert!(remaining > 0, "the counter ran out of padding: {state}");
        state["injected"].as_u64().unwrap()
    }

    /// The neutral state this vendor's client reports for a recording in `phase`, as the
    /// vendor documents its statuses (README, "Recording states") and the emulator reports
    /// them (crate docs, "Lifecycles"):
    ///
    /// * ZEGO reports stopping as `Status` 3 with files still recording: `processing`;
    /// * Volcengine reports stopping and processing as 2 (running): `recording`;
    /// * Agora reports processing as 7 (all components stopped): `stopping`;
    /// * failed is `failed` everywhere (QingCloud only once the crash handling failed, 32).
    pub fn expected_state(&self, phase: Phase) -> RecordingState {
        use RecordingState as S;
        match (self.vendor, phase) {
            (Vendor::Zego, Phase::Stopping) => S::Processing,
            (Vendor::Volcengine, Phase::Stopping | Phase::Processing) => S::Recording,
            (Vendor::Agora, Phase::Processing) => S::Stopping,
            (_, p) => p.emulator_state(),
        }
    }

    /// The states a waiter reports, in order, for a recording going through `phases`:
    /// [`Harness::expected_state`] of each, without repeats.
    pub fn expected_changes(&self, phases: &[Phase]) -> Vec<RecordingState> {
        let mut states: Vec<RecordingState> =
            phases.iter().map(|p| self.expected_state(*p)).collect();
        states.dedup();
        states
    }

    /// `started_at` and `ended_at` as this vendor reports them for a recording on
    /// `timeline` in `phase`:
    ///
    /// * ZEGO: `RecordBeginTimestamp` (the creation) and, once `Status` is 3 or 4,
    ///   `RecordEndTimestamp` (the stop);
    /// * QingCloud: `created`, and `updated` (when the terminal status was entered) once
    ///   terminal;
    /// * Volcengine: `StartTime` (the creation) and, once ended or failed, `EndTime` (the
    ///   stop);
    /// * Agora: the earliest `sliceStartTime` (the end of the starting phase) once started;
    ///   never an end (the query API has none).
    pub fn expected_times(
        &self,
        phase: Phase,
        t: &Timeline,
    ) -> (Option<UnixMillis>, Option<UnixMillis>) {
        let terminal = matches!(phase, Phase::Completed | Phase::Failed);
        match self.vendor {
            Vendor::Zego => (
                Some(t.created),
                (!matches!(phase, Phase::Starting | Phase::Recording)).then_some(t.stopped),
            ),
            Vendor::QingCloud => (
                Some(t.created),
                match phase {
                    Phase::Completed => Some(t.processing_done),
                    // Crashed: 30 at the crash, 32 one stopping phase later.
                    Phase::Failed => Some(t.stopping_done),
                    _ => None,
                },
            ),
            Vendor::Volcengine => (Some(t.created), terminal.then_some(t.stopped)),
            Vendor::Agora => ((phase != Phase::Starting).then_some(t.began), None),
            other => panic!("not a vendor this suite covers: {other:?}"),
        }
    }

    /// How many files this vendor's client reports for a completed default recording (one
    /// user, the default mode): ZEGO one mixed file, QingCloud its one storage entry,
    /// Volcengine one file, Agora `mix`/`json` an M3U8 and an MP4 entry.
    pub fn expected_completed_files(&self) -> usize {
        match self.vendor {
            Vendor::Agora => 2,
            _ => 1,
        }
    }

    /// Whether this vendor's client reports files while the recording is still starting
    /// (QingCloud always reports its storage entry; the others have none yet).
    pub fn files_while_starting(&self) -> bool {
        self.vendor == Vendor::QingCloud
    }

    /// How far a signed request's time may be from the server's clock (ZEGO ±10 min,
    /// QingCloud `time_stamp` 15 min, Volcengine `X-Date` 15 min); `None` for Agora, whose
    /// HTTP Basic authentication signs no time.
    pub fn signature_validity(&self) -> Option<Duration> {
        match self.vendor {
            Vendor::Zego => Some(Duration::from_secs(600)),
            Vendor::QingCloud | Vendor::Volcengine => Some(Duration::from_secs(900)),
            Vendor::Agora => None,
            other => panic!("not a vendor this suite covers: {other:?}"),
        }
    }

    /// The vendor code of each authentication failure: (wrong secret, unknown key id,
    /// signed time out of range).
    pub fn auth_codes(&self) -> (&'static str, &'static str, Option<&'static str>) {
        match self.vendor {
            Vendor::Zego => ("100000005", "100000010", Some("100000004")),
            Vendor::QingCloud => (
                "SignatureMismatch",
                "InvalidAccessKeyId",
                Some("InvalidTimeStamp"),
            ),
            Vendor::Volcengine => (
                "SignatureDoesNotMatch",
                "InvalidAccessKey",
                Some("InvalidTimestamp"),
            ),
            Vendor::Agora => (
                "Invalid authentication credentials",
                "Invalid authentication credentials",
                None,
            ),
            other => panic!("not a vendor this suite covers: {other:?}"),
        }
    }

    /// The parameter a refused `ListFilter::page_size` names: ZEGO renames its builder's
    /// `PageSize` error after the filter field (`page_size`); QingCloud passes its
    /// builder's error through, naming its own `limit` (an inconsistency between the two
    /// clients, reported; the suite pins the current behaviour).
    pub fn page_size_parameter(&self) -> &'static str {
        match self.vendor {
            Vendor::QingCloud => "limit",
            _ => "page_size",
        }
    }

    /// Task references that break one of the vendor's documented id rules, each refused by
    /// the client before anything is sent, with the parameter it names.
    pub fn malformed_tasks(&self, good: &TaskRef) -> Vec<(TaskRef, &'static str)> {
        match good.clone() {
            TaskRef::Zego { .. } => vec![
                // ZEGO's TaskId is exactly 16 bytes.
                (
                    TaskRef::Zego {
                        task_id: "X3CgNeE4I1qAAAB".into(),
                    },
                    "TaskId",
                ),
                (
                    TaskRef::Zego {
                        task_id: "X3CgNeE4I1qAAABNx".into(),
                    },
                    "TaskId",
                ),
            ],
            TaskRef::QingCloud {
                app_id, channel, ..
            } => vec![
                // `recinfos[].id` is an integer.
                (
                    TaskRef::QingCloud {
                        app_id: app_id.clone(),
                        channel: channel.clone(),
                        record_id: Some("abc".into()),
                    },
                    "record_id",
                ),
                (
                    TaskRef::QingCloud {
                        app_id,
                        channel: String::new(),
                        record_id: None,
                    },
                    "channel",
                ),
            ],
            TaskRef::Volcengine {
                app_id, room_id, ..
            } => vec![(
                TaskRef::Volcengine {
                    app_id,
                    room_id,
                    task_id: String::new(),
                },
                "TaskId",
            )],
            TaskRef::Agora {
                app_id,
                resource_id,
                sid,
                ..
            } => vec![(
                TaskRef::Agora {
                    app_id,
                    resource_id,
                    sid,
                    mode: "bogus".into(),
                    cname: None,
                    uid: None,
                },
                "mode",
            )],
            other => panic!("not a vendor this suite covers: {other:?}"),
        }
    }

    /// A well-formed task reference next to `good` (same app, room, resource and mode)
    /// that the vendor does not know.
    pub fn unknown_task(&self, good: &TaskRef) -> TaskRef {
        match good.clone() {
            TaskRef::Zego { .. } => TaskRef::Zego {
                task_id: "UNKNOWNTASK00000".into(),
            },
            TaskRef::QingCloud {
                app_id, channel, ..
            } => TaskRef::QingCloud {
                app_id,
                channel,
                record_id: Some("999999".into()),
            },
            TaskRef::Volcengine {
                app_id, room_id, ..
            } => TaskRef::Volcengine {
                app_id,
                room_id,
                task_id: "unknown-task".into(),
            },
            TaskRef::Agora {
                app_id,
                resource_id,
                mode,
                ..
            } => TaskRef::Agora {
                app_id,
                resource_id,
                sid: "unknownsid".into(),
                mode,
                cname: None,
                uid: None,
            },
            other => panic!("not a vendor this suite covers: {other:?}"),
        }
    }

    /// A task reference of another vendor.
    pub fn foreign_task(&self) -> TaskRef {
        match self.vendor {
            Vendor::Zego => TaskRef::Volcengine {
                app_id: "a".into(),
                room_id: "r".into(),
                task_id: "t".into(),
            },
            _ => TaskRef::Zego {
                task_id: "X3CgNeE4I1qAAABN".into(),
            },
        }
    }
}

/// Builds `vendor`'s real client, pointed at `emu`, with `opts`.
pub fn build_client(
    vendor: Vendor,
    emu: &Emulator,
    shared_clock: &Arc<FixedClock>,
    opts: &Opts,
) -> Arc<dyn RecordingClient> {
    let clock = opts.clock.clone().unwrap_or_else(|| shared_clock.clone());
    let cfg = emu.credentials_config();
    macro_rules! configure {
        ($builder:expr) => {{
            let mut b = $builder.base_url(emu.base_url(vendor)).clock(clock);
            b = match opts.retry {
                Some(policy) => b.retry_policy(policy),
                None => b.disable_retries(),
            };
            if !opts.vendor_rate_limit {
                b = b.rate_limit(None);
            }
            if let Some(t) = opts.attempt_timeout {
                b = b.attempt_timeout(t);
            }
            b
        }};
    }
    match vendor {
        Vendor::Zego => {
            let creds = match opts.creds {
                Creds::Right => emu.zego_credentials(),
                Creds::WrongSecret => {
                    zego::Credentials::new(cfg.zego.app_id, "0123456789abcdef0123456789abcdef")
                        .unwrap()
                }
                Creds::WrongKeyId => zego::Credentials::new(
                    cfg.zego.app_id.wrapping_add(1),
                    cfg.zego.server_secret.expose(),
                )
                .unwrap(),
            };
            let mut b = configure!(zego::Client::builder(creds));
            if let Some(nonce) = opts.zego_nonce.clone() {
                b = b.nonce_source(move || nonce.clone());
            }
            Arc::new(b.build().unwrap())
        }
        Vendor::QingCloud => {
            let c = &cfg.qingcloud;
            let creds = match opts.creds {
                Creds::Right => emu.qingcloud_credentials(),
                Creds::WrongSecret => {
                    qingcloud::Credentials::new(c.access_key_id.clone(), "wrong-secret-key")
                        .unwrap()
                }
                Creds::WrongKeyId => qingcloud::Credentials::new(
                    "QYUNKNOWNACCESSKEY00",
                    c.secret_access_key.expose(),
                )
                .unwrap(),
            };
            Arc::new(
                configure!(qingcloud::Client::builder(creds))
                    .build()
                    .unwrap(),
            )
        }
        Vendor::Volcengine => {
            let c = &cfg.volc;
            let creds = match opts.creds {
                Creds::Right => emu.volc_credentials(),
                Creds::WrongSecret => {
                    volc::Credentials::new(c.access_key_id.clone(), "d3Jvbmctc2VjcmV0LWtleQ==")
                        .unwrap()
                }
                Creds::WrongKeyId => {
                    volc::Credentials::new("AKLTdW5rbm93bi1rZXk", c.secret_access_key.expose())
                        .unwrap()
                }
            };
            Arc::new(configure!(volc::Client::builder(creds)).build().unwrap())
        }
        Vendor::Agora => {
            let c = &cfg.agora;
            let creds = match opts.creds {
                Creds::Right => emu.agora_credentials(),
                Creds::WrongSecret => {
                    agora::Credentials::new(c.customer_id.clone(), "wrong-customer-secret").unwrap()
                }
                Creds::WrongKeyId => {
                    agora::Credentials::new("unknown-customer-id", c.customer_secret.expose())
                        .unwrap()
                }
            };
            Arc::new(configure!(agora::Client::builder(creds)).build().unwrap())
        }
        other => panic!("not a vendor this suite covers: {other:?}"),
    }
}

/// The vendor's own id of a task: ZEGO/Volcengine `TaskId`, QingCloud record id, Agora sid.
pub fn id_of(task: &TaskRef) -> String {
    match task {
        TaskRef::Zego { task_id } | TaskRef::Volcengine { task_id, .. } => task_id.clone(),
        TaskRef::QingCloud { record_id, .. } => record_id.clone().unwrap_or_default(),
        TaskRef::Agora { sid, .. } => sid.clone(),
        other => panic!("not a vendor this suite covers: {other:?}"),
    }
}

/// Asserts `e` is the typed "unsupported" answer of `vendor`
/// ([`record_facade::unsupported`]): an `unsupported` error about the `filter`, naming
/// the vendor.
pub fn assert_unsupported(e: &record_facade::Error, vendor: Vendor) {
    let reference = record_facade::unsupported(vendor, "x");
    assert_eq!(e.kind(), reference.kind(), "{e}");
    assert_eq!(e.kind(), ErrorKind::Unsupported, "{e}");
    assert_eq!(e.parameter(), reference.parameter(), "{e}");
    assert_eq!(e.vendor(), Some(vendor), "{e}");
    assert!(e.message().contains("does not support"), "{e}");
    assert_eq!(e.attempts(), 0, "nothing was sent: {e}");
}

/// A retry policy with quick backoffs, for the fault tests.
pub fn quick_retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        max_elapsed: Duration::from_secs(20),
    }
}

/// A [`Sleeper`] that sleeps by advancing the shared [`FixedClock`]: no real waiting, and
/// the emulator's recordings move on exactly as far as the waiter slept.
#[derive(Debug)]
pub struct ClockSleeper {
    clock: Arc<FixedClock>,
    origin: UnixMillis,
}

impl ClockSleeper {
    /// A sleeper whose origin is the clock's current time.
    pub fn new(clock: Arc<FixedClock>) -> Self {
        let origin = clock.now();
        Self { clock, origin }
    }
}

impl Sleeper for ClockSleeper {
    fn elapsed(&self) -> Duration {
        let ms = self.clock.now().since(self.origin).as_millis();
        Duration::from_millis(u64::try_from(ms).unwrap_or(0))
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        self.clock.advance(DurationMillis::from_std(duration));
        Box::pin(std::future::ready(()))
    }
}
