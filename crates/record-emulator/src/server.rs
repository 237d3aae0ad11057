//! The HTTP side: one axum router per vendor listener, with the admin API under
//! `/_emulator/`, fault injection and request logging in front of the vendor handlers.

use crate::faults::FaultState;
use crate::limits::{NonceCache, RateWindows};
use crate::net::ConnHandle;
use crate::recording::{Recording, RecordingInfo};
use crate::scenario::{CredentialsConfig, RecordingSpec};
use crate::{EmulatorError, Fault, FaultPlan, vendors};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use record_facade::{Clock, Vendor};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

/// The largest request body read, in bytes.
const MAX_REQUEST_BODY: usize = 1024 * 1024;

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
            seq: AtomicU64::new(0),
        }
    }

    /// The clock's current time, ms.
    pub(crate) fn now(&self) -> i64 {
        self.clock.now().as_millis()
    }

    /// Creates a recording created `spec.start_offset_secs` after `base` (clock ms).
    pub(crate) fn create(
        &self,
        spec: &RecordingSpec,
        vendor: Vendor,
        base: i64,
    ) -> Result<RecordingInfo, EmulatorError> {
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
        let info = vendors::info(&rec, self.now());
        all.push(rec);
        Ok(info)
    }

    /// Applies `f` to one recording.
    pub(crate) fn update(
        &self,
        vendor: Vendor,
        id: &str,
        f: impl FnOnce(&mut Recording, i64) -> Result<(), EmulatorError>,
    ) -> Result<RecordingInfo, EmulatorError> {
        let now = self.now();
        let mut all = lock(&self.recordings);
        let rec = all
            .iter_mut()
            .find(|r| r.vendor == vendor && r.id == id)
            .ok_or_else(|| EmulatorError::NotFound(format!("{vendor} recording `{id}`")))?;
        f(rec, now)?;
        Ok(vendors::info(rec, now))
    }

    /// Every recording of `vendor`, in creation order.
    pub(crate) fn list(&self, vendor: Vendor) -> Vec<RecordingInfo> {
        let now = self.now();
        lock(&self.recordings)
            .iter()
            .filter(|r| r.vendor == vendor)
            .map(|r| vendors::info(r, now))
            .collect()
    }

    /// One recording.
    pub(crate) fn get(&self, vendor: Vendor, id: &str) -> Option<RecordingInfo> {
        let now = self.now();
        lock(&self.recordings)
            .iter()
            .find(|r| r.vendor == vendor && r.id == id)
            .map(|r| vendors::info(r, now))
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

/// A vendor request as received.
#[derive(Debug)]
pub(crate) struct Incoming {
    pub method: Method,
    /// The raw path, as received.
    pub path: String,
    /// The raw query string (without `?`), as received.
    pub query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// A vendor answer.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: StatusCode,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// A short description for the request log (an error code, `ok`).
    pub outcome: String,
}

impl Reply {
    /// A JSON answer.
    pub(crate) fn json<T: Serialize>(status: u16, value: &T, outcome: impl Into<String>) -> Self {
        let body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
        Self {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            headers: Vec::new(),
            content_type: "application/json; charset=utf-8",
            body,
            outcome: outcome.into(),
        }
    }

    /// Adds a header.
    pub(crate) fn with_header(mut self, name: HeaderName, value: &str) -> Self {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.push((name, v));
        }
        self
    }

    fn into_response(self) -> Response {
        let mut response = Response::new(Body::from(self.body));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        for (name, value) in self.headers {
            headers.insert(name, value);
        }
        response
    }

    /// The answer's headers (with its full `Content-Length`) and the first half of its
    /// body, then an error that makes the server abort the connection.
    fn into_truncated_response(self) -> Response {
        let full = self.body.len();
        let half = Bytes::from(self.body[..full / 2].to_vec());
        use futures::StreamExt as _;
        // The pause lets the server flush the headers and the first half before the error
        // makes it abort the connection.
        let stream = futures::stream::once(async move { Ok::<Bytes, std::io::Error>(half) }).chain(
            futures::stream::once(async {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionAborted,
                    "body truncated by fault injection",
                ))
            }),
        );
        let mut response = Response::new(Body::from_stream(stream));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(full));
        for (name, value) in self.headers {
            headers.insert(name, value);
        }
        response
    }
}

/// The state of one vendor listener.
#[derive(Clone, Debug)]
pub(crate) struct VendorCtx {
    pub shared: Arc<Shared>,
    pub vendor: Vendor,
}

/// The router of one vendor listener.
pub(crate) fn router(ctx: VendorCtx) -> Router {
    Router::new()
        .route("/_emulator/health", get(health))
        .route("/_emulator/recordings", get(admin_list).post(admin_create))
        .route("/_emulator/recordings/{id}", get(admin_get))
        .route("/_emulator/recordings/{id}/stop", post(admin_stop))
        .route("/_emulator/recordings/{id}/fail", post(admin_fail))
        .route(
            "/_emulator/faults",
            get(admin_faults_get)
                .put(admin_faults_put)
                .delete(admin_faults_delete),
        )
        .fallback(vendor_entry)
        .with_state(ctx)
}

fn admin_error(e: &EmulatorError) -> Response {
    let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
    (
        status,
        axum::Json(serde_json::json!({ "error": e.to_string() })),
    )
        .into_response()
}

fn admin_result(r: Result<RecordingInfo, EmulatorError>, ok: StatusCode) -> Response {
    match r {
        Ok(info) => (ok, axum::Json(info)).into_response(),
        Err(e) => admin_error(&e),
    }
}

async fn health(State(ctx): State<VendorCtx>) -> Response {
    axum::Json(serde_json::json!({
        "vendor": ctx.vendor.id(),
        "status": "ok",
        "now_ms": ctx.shared.now(),
        "speed": ctx.shared.speed,
    }))
    .into_response()
}

async fn admin_list(State(ctx): State<VendorCtx>) -> Response {
    axum::Json(ctx.shared.list(ctx.vendor)).into_response()
}

async fn admin_get(State(ctx): State<VendorCtx>, Path(id): Path<String>) -> Response {
    match ctx.shared.get(ctx.vendor, &id) {
        Some(info) => axum::Json(info).into_response(),
        None => admin_error(&EmulatorError::NotFound(format!(
            "{} recording `{id}`",
            ctx.vendor
        ))),
    }
}

async fn admin_create(State(ctx): State<VendorCtx>, body: Bytes) -> Response {
    let spec: RecordingSpec = if body.iter().all(u8::is_ascii_whitespace) {
        RecordingSpec::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(spec) => spec,
            Err(e) => return admin_error(&EmulatorError::InvalidRecording(e.to_string())),
        }
    };
    let r = ctx.shared.create(&spec, ctx.vendor, ctx.shared.now());
    if let Ok(info) = &r {
        tracing::info!(vendor = ctx.vendor.id(), id = %info.id, "admin: recording created");
    }
    admin_result(r, StatusCode::CREATED)
}

async fn admin_stop(State(ctx): State<VendorCtx>, Path(id): Path<String>) -> Response {
    tracing::info!(vendor = ctx.vendor.id(), %id, "admin: stop");
    admin_result(
        ctx.shared.update(ctx.vendor, &id, |r, now| r.stop(now)),
        StatusCode::OK,
    )
}

async fn admin_fail(State(ctx): State<VendorCtx>, Path(id): Path<String>) -> Response {
    tracing::info!(vendor = ctx.vendor.id(), %id, "admin: fail");
    admin_result(
        ctx.shared.update(ctx.vendor, &id, |r, now| r.fail(now)),
        StatusCode::OK,
    )
}

async fn admin_faults_get(State(ctx): State<VendorCtx>) -> Response {
    let faults = lock(&ctx.shared.faults);
    let body = match faults.get(&ctx.vendor) {
        Some(state) => serde_json::json!({
            "plan": state.plan(),
            "injected": state.injected(),
            "remaining_sequence": state.remaining_sequence(),
        }),
        None => serde_json::json!({
            "plan": FaultPlan::default(),
            "injected": 0,
            "remaining_sequence": 0,
        }),
    };
    axum::Json(body).into_response()
}

async fn admin_faults_put(State(ctx): State<VendorCtx>, body: Bytes) -> Response {
    let plan: FaultPlan = match serde_json::from_slice(&body) {
        Ok(plan) => plan,
        Err(e) => return admin_error(&EmulatorError::Config(e.to_string())),
    };
    if let Err(e) = plan.validate() {
        return admin_error(&e);
    }
    tracing::info!(vendor = ctx.vendor.id(), plan = %plan, share = plan.share, "admin: faults set");
    ctx.shared.set_faults(ctx.vendor, plan.clone());
    axum::Json(serde_json::json!({ "plan": plan })).into_response()
}

async fn admin_faults_delete(State(ctx): State<VendorCtx>) -> Response {
    ctx.shared.set_faults(ctx.vendor, FaultPlan::default());
    StatusCode::NO_CONTENT.into_response()
}

/// Every request that is not an admin request: faults, then the vendor's handler.
async fn vendor_entry(
    State(ctx): State<VendorCtx>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    request: Request,
) -> Response {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let vendor = ctx.vendor;
    let path = parts.uri.path().to_owned();
    let fault = ctx.shared.next_fault(vendor);
    let mut truncate = false;
    match fault {
        Some(Fault::Delay { ms }) => {
            tracing::info!(vendor = vendor.id(), %path, ms, "fault: delay");
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
        }
        Some(Fault::DropConnection) => {
            tracing::info!(vendor = vendor.id(), %path, peer = %conn.peer, "fault: dropped connection");
            conn.kill();
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        Some(Fault::TruncatedBody) => truncate = true,
        Some(
            f
            @ (Fault::ServerError { .. } | Fault::TooManyRequests { .. } | Fault::HtmlBody { .. }),
        ) => {
            tracing::info!(vendor = vendor.id(), %path, fault = %f, "fault injected");
            return fault_reply(vendor, f).into_response();
        }
        None => {}
    }
    let body = match axum::body::to_bytes(body, MAX_REQUEST_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response();
        }
    };
    let incoming = Incoming {
        method: parts.method,
        path,
        query: parts.uri.query().unwrap_or_default().to_owned(),
        headers: parts.headers,
        body,
    };
    let reply = vendors::handle(vendor, &ctx.shared, &incoming);
    tracing::info!(
        vendor = vendor.id(),
        method = %incoming.method,
        path = %incoming.path,
        status = reply.status.as_u16(),
        outcome = %reply.outcome,
        truncated = truncate,
        elapsed_us = started.elapsed().as_micros() as u64,
        "request"
    );
    if truncate {
        reply.into_truncated_response()
    } else {
        reply.into_response()
    }
}

/// The answer of an error fault.
fn fault_reply(vendor: Vendor, fault: Fault) -> Reply {
    match fault {
        Fault::TooManyRequests { retry_after_secs } => {
            // HTTP 429 as documented, even for ZEGO, whose own rate-limit answer is HTTP 200.
            let mut reply = vendors::rate_limited(vendor)
                .with_header(header::RETRY_AFTER, &retry_after_secs.to_string());
            reply.status = StatusCode::TOO_MANY_REQUESTS;
            reply
        }
        Fault::HtmlBody { status } => {
            let page = format!(
                "<html>\r\n<head><title>{status} Bad Gateway</title></head>\r\n<body>\r\n<center><h1>{status} Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
            );
            Reply {
                status: StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY),
                headers: Vec::new(),
                content_type: "text/html",
                body: page.into_bytes(),
                outcome: format!("fault html {status}"),
            }
        }
        Fault::ServerError { status } => {
            let code = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            Reply {
                status: code,
                headers: Vec::new(),
                content_type: "text/plain; charset=utf-8",
                body: format!(
                    "{} {}",
                    code.as_u16(),
                    code.canonical_reason().unwrap_or("Server Error")
                )
                .into_bytes(),
                outcome: format!("fault {status}"),
            }
        }
        // Not error answers; handled before.
        Fault::Delay { .. } | Fault::DropConnection | Fault::TruncatedBody => Reply {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            headers: Vec::new(),
            content_type: "text/plain; charset=utf-8",
            body: Vec::new(),
            outcome: "fault".to_owned(),
        },
    }
}
