//! The state every listener shares: configuration, recordings, fault plans, rate windows
//! and nonces. It imports only the leaf modules below it (recordings, faults, limits,
//! scenario, errors), never the vendor handlers or the router: what a vendor reports about
//! a recording is passed in by the caller as a `view` function.

use crate::error::EmulatorError;
use crate::faults::{Fault, FaultPlan, FaultState};
use crate::limits::{NonceCache, RateWindows};
use crate::recording::Recording;
use crate::scenario::{CredentialsConfig, RecordingSpec};
use record_facade::{Clock, Vendor};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

/// Locks a mutex, ignoring poisoning (the data stays consistent: no code panics while
/// holding these locks).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Everything the listeners share.
pub(crate) struct Shared {
    pub clock: Arc<dyn Clock>,
    pub speed: f64,
    pub credentials: CredentialsConfig,
    pub rate_limits: bool,
    pub recordings: Mutex<Vec<Recording>>,
    pub faults: Mutex<HashMap<Vendor, FaultState>>,
    pub rates: Mutex<RateWindows>,
    pub nonces: Mutex<NonceCache>,
    /// Every vendor request answered, in order (faults included).
    pub seen: Mutex<Vec<crate::wire::SeenRequest>>,
    seq: AtomicU64,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("clock", &self.clock)
            .field("speed", &self.speed)
            .field("credentials", &self.credentials)
            .field("rate_limits", &self.rate_limits)
            .finish_non_exhaustive()
    }
}

impl Shared {
    pub(crate) fn new(
        clock: Arc<dyn Clock>,
        speed: f64,
        credentials: CredentialsConfig,
        rate_limits: bool,
    ) -> Self {
        Self {
            clock,
            speed,
            credentials,
            rate_limits,
            recordings: Mutex::new(Vec::new()),
            faults: Mutex::new(HashMap::new()),
            rates: Mutex::new(RateWindows::default()),
            nonces: Mutex::new(NonceCache::default()),
            seen: Mutex::new(Vec::new()),
            seq: AtomicU64::new(0),
        }
    }

    /// Logs one vendor request answered with `status`.
    pub(crate) fn saw(
        &self,
        vendor: Vendor,
        method: &axum::http::Method,
        path: &str,
        query: &str,
        status: u16,
    ) {
        let seen = crate::wire::SeenRequest {
            vendor,
            method: method.as_str().to_owned(),
            path: path.to_owned(),
            action: crate::wire::SeenRequest::action_of(path, query),
            status,
        };
        lock(&self.seen).push(seen);
    }

    /// The clock's current time, ms.
    pub(crate) fn now(&self) -> i64 {
        self.clock.now().as_millis()
    }

    /// Creates a recording created `spec.start_offset_secs` after `base` (clock ms) and
    /// returns `view` of it at the clock's current time.
    pub(crate) fn create<R>(
        &self,
        spec: &RecordingSpec,
        vendor: Vendor,
        base: i64,
        view: impl FnOnce(&Recording, i64) -> R,
    ) -> Result<R, EmulatorError> {
        if let Some(v) = spec.vendor
            && v != vendor
        {
            return Err(EmulatorError::InvalidRecording(format!(
                "the spec is for {v}, not {vendor}"
            )));
        }
        if !spec.start_offset_secs.is_finite() {
            return Err(EmulatorError::InvalidRecording(
                "start_offset_secs must be a finite number".to_owned(),
            ));
        }
        let created_at = base.saturating_add((spec.start_offset_secs * 1000.0).round() as i64);
        let seq = self.seq.fetch_add(1, Ordering::SeqCst).wrapping_add(1);
        let rec = Recording::from_spec(
            spec,
            vendor,
            seq,
            created_at,
            self.speed,
            self.credentials.zego.app_id,
        )?;
        let mut all = lock(&self.recordings);
        if all.iter().any(|r| r.vendor == vendor && r.id == rec.id) {
            return Err(EmulatorError::Duplicate(format!(
                "{vendor} recording `{}` exists already",
                rec.id
            )));
        }
        let viewed = view(&rec, self.now());
        all.push(rec);
        Ok(viewed)
    }

    /// Applies `f` to one recording, then returns `view` of it, both at the same instant.
    pub(crate) fn update<R>(
        &self,
        vendor: Vendor,
        id: &str,
        f: impl FnOnce(&mut Recording, i64) -> Result<(), EmulatorError>,
        view: impl FnOnce(&Recording, i64) -> R,
    ) -> Result<R, EmulatorError> {
        let now = self.now();
        let mut all = lock(&self.recordings);
        let rec = all
            .iter_mut()
            .find(|r| r.vendor == vendor && r.id == id)
            .ok_or_else(|| EmulatorError::NotFound(format!("{vendor} recording `{id}`")))?;
        f(rec, now)?;
        Ok(view(rec, now))
    }

    /// `view` of every recording of `vendor`, in creation order.
    pub(crate) fn list<R>(&self, vendor: Vendor, view: impl Fn(&Recording, i64) -> R) -> Vec<R> {
        let now = self.now();
        lock(&self.recordings)
            .iter()
            .filter(|r| r.vendor == vendor)
            .map(|r| view(r, now))
            .collect()
    }

    /// `view` of one recording.
    pub(crate) fn get<R>(
        &self,
        vendor: Vendor,
        id: &str,
        view: impl FnOnce(&Recording, i64) -> R,
    ) -> Option<R> {
        let now = self.now();
        lock(&self.recordings)
            .iter()
            .find(|r| r.vendor == vendor && r.id == id)
            .map(|r| view(r, now))
    }

    /// Copies of the recordings of `vendor` (so handlers never hold the lock while
    /// serializing).
    pub(crate) fn snapshot(&self, vendor: Vendor) -> Vec<Recording> {
        lock(&self.recordings)
            .iter()
            .filter(|r| r.vendor == vendor)
            .cloned()
            .collect()
    }

    /// Sets (or, with an empty plan, clears) the fault plan of `vendor`.
    pub(crate) fn set_faults(&self, vendor: Vendor, plan: FaultPlan) {
        let mut faults = lock(&self.faults);
        if plan.is_empty() {
            faults.remove(&vendor);
        } else {
            faults.insert(vendor, FaultState::new(plan));
        }
    }

    /// The fault for the next request to `vendor`.
    pub(crate) fn next_fault(&self, vendor: Vendor) -> Option<Fault> {
        lock(&self.faults)
            .get_mut(&vendor)
            .and_then(FaultState::next_fault)
    }

    /// Admits one request under the rate-limit `key`; always `true` when rate limits are
    /// off.
    pub(crate) fn admit(&self, key: &str, per_second: u32) -> bool {
        !self.rate_limits || lock(&self.rates).admit(key, per_second, Instant::now())
    }
}
