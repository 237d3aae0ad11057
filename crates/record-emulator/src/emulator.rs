//! [`Emulator`] and its builder.

use crate::error::EmulatorError;
use crate::faults::FaultPlan;
use crate::net::{ConnHandle, KillableListener};
use crate::recording::RecordingInfo;
use crate::scenario::{CredentialsConfig, RecordingSpec, Scenario};
use crate::server::{self, VendorCtx};
use crate::state::Shared;
use crate::vendors;
use record_facade::{Clock, SystemClock, Vendor, agora, qingcloud, volc, zego};
use std::collections::BTreeMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Builder of an [`Emulator`]: [`Emulator::builder`], the setters, then
/// [`EmulatorBuilder::start`].
#[must_use]
pub struct EmulatorBuilder {
    scenario: Option<Scenario>,
    scenario_file: Option<PathBuf>,
    scenario_toml: Option<String>,
    speed: Option<f64>,
    faults: Vec<(Vendor, FaultPlan)>,
    clock: Option<Arc<dyn Clock>>,
    ip: IpAddr,
    ports: BTreeMap<Vendor, u16>,
    base_port: Option<u16>,
    rate_limits: Option<bool>,
    credentials: Option<CredentialsConfig>,
}

impl fmt::Debug for EmulatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorBuilder")
            .field("scenario", &self.scenario)
            .field("scenario_file", &self.scenario_file)
            .field("speed", &self.speed)
            .field("faults", &self.faults)
            .field("clock", &self.clock)
            .field("ip", &self.ip)
            .field("ports", &self.ports)
            .field("base_port", &self.base_port)
            .field("rate_limits", &self.rate_limits)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            scenario: None,
            scenario_file: None,
            scenario_toml: None,
            speed: None,
            faults: Vec::new(),
            clock: None,
            ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
            ports: BTreeMap::new(),
            base_port: None,
            rate_limits: None,
            credentials: None,
        }
    }
}

impl EmulatorBuilder {
    /// Starts from this scenario (replacing any scenario set before).
    pub fn scenario(mut self, scenario: Scenario) -> Self {
        self.scenario = Some(scenario);
        self.scenario_file = None;
        self.scenario_toml = None;
        self
    }

    /// Starts from the scenario in this file (TOML, or JSON for `.json`), read by
    /// [`EmulatorBuilder::start`].
    pub fn scenario_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.scenario_file = Some(path.into());
        self.scenario = None;
        self.scenario_toml = None;
        self
    }

    /// Starts from this TOML scenario, parsed by [`EmulatorBuilder::start`].
    pub fn scenario_toml(mut self, toml: impl Into<String>) -> Self {
        self.scenario_toml = Some(toml.into());
        self.scenario = None;
        self.scenario_file = None;
        self
    }

    /// The time speed factor: recordings move through their lifecycle `speed` times faster
    /// than the clock (default: the scenario's, else 1.0). Must be positive.
    pub fn speed(mut self, speed: f64) -> Self {
        self.speed = Some(speed);
        self
    }

    /// The fault plan of one vendor (overrides the scenario's).
    pub fn faults(mut self, vendor: Vendor, plan: FaultPlan) -> Self {
        self.faults.push((vendor, plan));
        self
    }

    /// The clock (default: the system clock). Share a `record_core::FixedClock` with the
    /// clients under test to make lifecycles and signatures deterministic.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// The address to listen on (default 127.0.0.1).
    pub fn bind_ip(mut self, ip: IpAddr) -> Self {
        self.ip = ip;
        self
    }

    /// A fixed port for one vendor (default: an ephemeral port).
    pub fn port(mut self, vendor: Vendor, port: u16) -> Self {
        self.ports.insert(vendor, port);
        self
    }

    /// Fixed ports for every vendor: `base` for ZEGO, `base + 1` QingCloud, `base + 2`
    /// Volcengine, `base + 3` Agora (a [`EmulatorBuilder::port`] wins).
    pub fn base_port(mut self, base: u16) -> Self {
        self.base_port = Some(base);
        self
    }

    /// Whether the documented rate limits are enforced (default: the scenario's, else on).
    pub fn rate_limits(mut self, enforce: bool) -> Self {
        self.rate_limits = Some(enforce);
        self
    }

    /// The credentials the emulator accepts (overrides the scenario's).
    pub fn credentials(mut self, credentials: CredentialsConfig) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Binds one listener per vendor, creates the scenario's recordings and starts serving.
    /// Must be called within a tokio runtime.
    ///
    /// # Errors
    /// [`EmulatorError::Scenario`] or [`EmulatorError::Config`] for a bad scenario or
    /// setting (including credentials a vendor crate refuses),
    /// [`EmulatorError::InvalidRecording`]/[`EmulatorError::Duplicate`] for a bad
    /// recording, [`EmulatorError::Io`] when a port cannot be bound.
    pub async fn start(self) -> Result<Emulator, EmulatorError> {
        let mut scenario = match (self.scenario, self.scenario_file, self.scenario_toml) {
            (Some(s), _, _) => {
                s.validate()?;
                s
            }
            (None, Some(path), _) => Scenario::from_path(path)?,
            (None, None, Some(text)) => Scenario::from_toml_str(&text)?,
            (None, None, None) => Scenario::default(),
        };
        if let Some(c) = self.credentials {
            scenario.credentials = c;
        }
        let speed = self.speed.or(scenario.speed).unwrap_or(1.0);
        if !(speed.is_finite() && speed > 0.0) {
            return Err(EmulatorError::Config(format!(
                "speed must be a positive number, got {speed}"
            )));
        }
        let clients = ClientCredentials::from_config(&scenario.credentials)?;
        let clock = self.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let rate_limits = self.rate_limits.unwrap_or(scenario.rate_limits);
        let shared = Arc::new(Shared::new(
            clock,
            speed,
            scenario.credentials.clone(),
            rate_limits,
        ));
        let mut plans = scenario.faults.clone();
        for (vendor, plan) in self.faults {
            plan.validate()?;
            plans.insert(vendor, plan);
        }
        for (vendor, plan) in plans {
            shared.set_faults(vendor, plan);
        }
        let base = shared.now();
        for (i, spec) in scenario.recordings.iter().enumerate() {
            let vendor = spec.vendor.ok_or_else(|| {
                EmulatorError::Scenario(format!("recordings[{i}]: `vendor` is required"))
            })?;
            shared
                .create(spec, vendor, base, |_, _| ())
                .map_err(|e| match e {
                    EmulatorError::InvalidRecording(m) => {
                        EmulatorError::InvalidRecording(format!("recordings[{i}]: {m}"))
                    }
                    other => other,
                })?;
        }
        let (stop_tx, stop_rx) = watch::channel(false);
        let mut addrs = BTreeMap::new();
        let mut tasks = Vec::new();
        for (i, vendor) in Vendor::ALL.into_iter().enumerate() {
            let port = match (self.ports.get(&vendor), self.base_port) {
                (Some(p), _) => *p,
                (None, Some(b)) => b.checked_add(i as u16).ok_or_else(|| {
                    EmulatorError::Config(format!("base port {b} + {i} is out of range"))
                })?,
                (None, None) => 0,
            };
            let listener = tokio::net::TcpListener::bind(SocketAddr::new(self.ip, port)).await?;
            let addr = listener.local_addr()?;
            addrs.insert(vendor, addr);
            let app = server::router(VendorCtx {
                shared: shared.clone(),
                vendor,
            })
            .into_make_service_with_connect_info::<ConnHandle>();
            let mut rx = stop_rx.clone();
            tasks.push(tokio::spawn(async move {
                let signal = async move {
                    // An error means the sender is gone: stop as well.
                    let _ = rx.wait_for(|stop| *stop).await;
                };
                if let Err(e) = axum::serve(KillableListener::new(listener), app)
                    .with_graceful_shutdown(signal)
                    .await
                {
                    tracing::error!(vendor = vendor.id(), error = %e, "listener failed");
                }
            }));
            tracing::info!(vendor = vendor.id(), %addr, "listening");
        }
        Ok(Emulator {
            shared,
            addrs,
            clients,
            stop: stop_tx,
            tasks,
        })
    }
}

/// The vendor crates' credentials for the emulator's configured keys.
#[derive(Clone)]
struct ClientCredentials {
    zego: zego::Credentials,
    qingcloud: qingcloud::Credentials,
    volc: volc::Credentials,
    agora: agora::Credentials,
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("zego", &self.zego)
            .field("qingcloud", &self.qingcloud)
            .field("volc", &self.volc)
            .field("agora", &self.agora)
            .finish()
    }
}

impl ClientCredentials {
    fn from_config(c: &CredentialsConfig) -> Result<Self, EmulatorError> {
        let bad = |vendor: &str, e: record_facade::Error| {
            EmulatorError::Config(format!("{vendor} credentials: {}", e.message()))
        };
        Ok(Self {
            zego: zego::Credentials::new(c.zego.app_id, c.zego.server_secret.expose())
                .map_err(|e| bad("zego", e))?,
            qingcloud: qingcloud::Credentials::new(
                c.qingcloud.access_key_id.clone(),
                c.qingcloud.secret_access_key.expose(),
            )
            .map_err(|e| bad("qingcloud", e))?,
            volc: volc::Credentials::new(
                c.volc.access_key_id.clone(),
                c.volc.secret_access_key.expose(),
            )
            .map_err(|e| bad("volc", e))?,
            agora: agora::Credentials::new(
                c.agora.customer_id.clone(),
                c.agora.customer_secret.expose(),
            )
            .map_err(|e| bad("agora", e))?,
        })
    }
}

/// A running emulator: one HTTP listener per vendor on 127.0.0.1 (ephemeral ports by
/// default). Dropping it stops the listeners (gracefully: requests in flight finish);
/// [`Emulator::shutdown`] also waits for them.
pub struct Emulator {
    shared: Arc<Shared>,
    addrs: BTreeMap<Vendor, SocketAddr>,
    clients: ClientCredentials,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field("addrs", &self.addrs)
            .field("speed", &self.shared.speed)
            .field("clock", &self.shared.clock)
            .field("credentials", &self.shared.credentials)
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// A builder with the defaults: no recordings, default credentials, speed 1, no faults,
    /// rate limits on, the system clock, ephemeral ports on 127.0.0.1.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// The socket address of a vendor's listener.
    pub fn addr(&self, vendor: Vendor) -> SocketAddr {
        self.addrs
            .get(&vendor)
            .copied()
            .unwrap_or_else(|| SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0))
    }

    /// The base URL of a vendor's listener (`http://127.0.0.1:PORT`), for the vendor
    /// client's `.base_url(..)`.
    pub fn base_url(&self, vendor: Vendor) -> String {
        format!("http://{}", self.addr(vendor))
    }

    /// The time speed factor.
    pub fn speed(&self) -> f64 {
        self.shared.speed
    }

    /// The emulator's clock.
    pub fn clock(&self) -> Arc<dyn Clock> {
        self.shared.clock.clone()
    }

    /// The credentials the emulator accepts (secrets redacted in `Debug`).
    pub fn credentials_config(&self) -> &CredentialsConfig {
        &self.shared.credentials
    }

    /// The ZEGO credentials the emulator accepts.
    pub fn zego_credentials(&self) -> zego::Credentials {
        self.clients.zego.clone()
    }

    /// The QingCloud RTC credentials the emulator accepts.
    pub fn qingcloud_credentials(&self) -> qingcloud::Credentials {
        self.clients.qingcloud.clone()
    }

    /// The Volcengine credentials the emulator accepts.
    pub fn volc_credentials(&self) -> volc::Credentials {
        self.clients.volc.clone()
    }

    /// The Agora credentials the emulator accepts.
    pub fn agora_credentials(&self) -> agora::Credentials {
        self.clients.agora.clone()
    }

    /// The environment variables each vendor crate's `Credentials::from_env` reads, with
    /// the values the emulator accepts (secrets included: do not log them); none for a
    /// vendor the emulator does not serve.
    pub fn credentials_env(&self, vendor: Vendor) -> Vec<(&'static str, String)> {
        let c = &self.shared.credentials;
        match vendor {
            Vendor::Zego => vec![
                (zego::credentials::APP_ID_ENV, c.zego.app_id.to_string()),
                (
                    zego::credentials::SERVER_SECRET_ENV,
                    c.zego.server_secret.expose().to_owned(),
                ),
            ],
            Vendor::QingCloud => vec![
                (
                    qingcloud::credentials::ACCESS_KEY_ID_ENV,
                    c.qingcloud.access_key_id.clone(),
                ),
                (
                    qingcloud::credentials::SECRET_ACCESS_KEY_ENV,
                    c.qingcloud.secret_access_key.expose().to_owned(),
                ),
            ],
            Vendor::Volcengine => vec![
                (
                    volc::credentials::ACCESS_KEY_ENV,
                    c.volc.access_key_id.clone(),
                ),
                (
                    volc::credentials::SECRET_KEY_ENV,
                    c.volc.secret_access_key.expose().to_owned(),
                ),
            ],
            Vendor::Agora => vec![
                (
                    agora::credentials::CUSTOMER_ID_ENV,
                    c.agora.customer_id.clone(),
                ),
                (
                    agora::credentials::CUSTOMER_SECRET_ENV,
                    c.agora.customer_secret.expose().to_owned(),
                ),
            ],
            // A vendor the emulator does not serve has no credentials here.
            _ => Vec::new(),
        }
    }

    /// An environment lookup (variable name → value) that knows every vendor's credential
    /// variables ([`Emulator::credentials_env`]), for `Credentials::from_lookup` or any
    /// code that takes such a closure instead of reading the process environment.
    pub fn env_lookup(&self) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
        let vars: Vec<(&'static str, String)> = Vendor::ALL
            .into_iter()
            .flat_map(|v| self.credentials_env(v))
            .collect();
        move |name: &str| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.clone())
        }
    }

    /// Creates a recording now (the spec's `start_offset_secs` is relative to now). The
    /// spec must name its vendor.
    ///
    /// # Errors
    /// [`EmulatorError::InvalidRecording`] for a spec without vendor or breaking a vendor
    /// rule, [`EmulatorError::Duplicate`] when the id exists.
    pub fn create_recording(&self, spec: RecordingSpec) -> Result<RecordingInfo, EmulatorError> {
        let vendor = spec.vendor.ok_or_else(|| {
            EmulatorError::InvalidRecording("the spec names no vendor".to_owned())
        })?;
        self.shared
            .create(&spec, vendor, self.shared.now(), vendors::info)
    }

    /// Stops a recording now (it moves on to stopping, processing, completed).
    ///
    /// # Errors
    /// [`EmulatorError::NotFound`], or [`EmulatorError::Conflict`] when it is no longer
    /// starting or recording.
    pub fn stop(&self, vendor: Vendor, id: &str) -> Result<RecordingInfo, EmulatorError> {
        self.shared
            .update(vendor, id, |r, now| r.stop(now), vendors::info)
    }

    /// Makes a recording fail now: a start failure while starting, a crash while
    /// recording, an upload failure while stopping or processing.
    ///
    /// # Errors
    /// [`EmulatorError::NotFound`], or [`EmulatorError::Conflict`] when it has ended.
    pub fn fail(&self, vendor: Vendor, id: &str) -> Result<RecordingInfo, EmulatorError> {
        self.shared
            .update(vendor, id, |r, now| r.fail(now), vendors::info)
    }

    /// Every recording of a vendor, in creation order, as of now.
    pub fn list(&self, vendor: Vendor) -> Vec<RecordingInfo> {
        self.shared.list(vendor, vendors::info)
    }

    /// Every request `vendor` was sent so far and answered (faults included; admin
    /// requests not), in order: e.g. how many `StartRecord` calls arrived.
    pub fn requests(&self, vendor: Vendor) -> Vec<crate::wire::SeenRequest> {
        crate::state::lock(&self.shared.seen)
            .iter()
            .filter(|r| r.vendor == vendor)
            .cloned()
            .collect()
    }

    /// How many requests of `action` (the vendor's name: `StartRecord`, `start`, ...)
    /// `vendor` was sent so far.
    pub fn request_count(&self, vendor: Vendor, action: &str) -> usize {
        crate::state::lock(&self.shared.seen)
            .iter()
            .filter(|r| r.vendor == vendor && r.action == action)
            .count()
    }

    /// One recording as of now.
    pub fn recording(&self, vendor: Vendor, id: &str) -> Option<RecordingInfo> {
        self.shared.get(vendor, id, vendors::info)
    }

    /// Replaces the fault plan of a vendor (an empty plan clears it).
    ///
    /// # Errors
    /// [`EmulatorError::Config`] when the share is not a probability.
    pub fn set_faults(&self, vendor: Vendor, plan: FaultPlan) -> Result<(), EmulatorError> {
        plan.validate()?;
        self.shared.set_faults(vendor, plan);
        Ok(())
    }

    /// Stops the listeners and waits until they have finished.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for task in std::mem::take(&mut self.tasks) {
            let _ = task.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        // The serve tasks see the signal, finish the requests in flight and end.
        let _ = self.stop.send(true);
    }
}
