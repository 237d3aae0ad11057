//! The HTTP side: one axum router per vendor listener, with the admin API under
//! `/_emulator/`, fault injection and request logging in front of the vendor handlers.
//! The top of the request path: it calls down into [`vendors`], nothing below calls it.

use crate::error::EmulatorError;
use crate::faults::{Fault, FaultPlan};
use crate::net::ConnHandle;
use crate::recording::RecordingInfo;
use crate::scenario::RecordingSpec;
use crate::state::{Shared, lock};
use crate::vendors;
use crate::wire::{Incoming, Reply};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use record_facade::Vendor;
use std::sync::Arc;
use std::time::Instant;

/// The largest request body read, in bytes.
const MAX_REQUEST_BODY: usize = 1024 * 1024;

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
    axum::Json(ctx.shared.list(ctx.vendor, vendors::info)).into_response()
}

async fn admin_get(State(ctx): State<VendorCtx>, Path(id): Path<String>) -> Response {
    match ctx.shared.get(ctx.vendor, &id, vendors::info) {
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
    let r = ctx
        .shared
        .create(&spec, ctx.vendor, ctx.shared.now(), vendors::info);
    if let Ok(info) = &r {
        tracing::info!(vendor = ctx.vendor.id(), id = %info.id, "admin: recording created");
    }
    admin_result(r, StatusCode::CREATED)
}

async fn admin_stop(State(ctx): State<VendorCtx>, Path(id): Path<String>) -> Response {
    tracing::info!(vendor = ctx.vendor.id(), %id, "admin: stop");
    admin_result(
        ctx.shared
            .update(ctx.vendor, &id, |r, now| r.stop(now), vendors::info),
        StatusCode::OK,
    )
}

async fn admin_fail(State(ctx): State<VendorCtx>, Path(id): Path<String>) -> Response {
    tracing::info!(vendor = ctx.vendor.id(), %id, "admin: fail");
    admin_result(
        ctx.shared
            .update(ctx.vendor, &id, |r, now| r.fail(now), vendors::info),
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
    let mut delay_ms = None;
    match fault {
        Some(Fault::Delay { ms }) => delay_ms = Some(ms),
        Some(Fault::DropConnection) => {
            ctx.shared.saw(
                vendor,
                &parts.method,
                &path,
                parts.uri.query().unwrap_or_default(),
                0,
            );
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
            let reply = fault_reply(vendor, f);
            ctx.shared.saw(
                vendor,
                &parts.method,
                &path,
                parts.uri.query().unwrap_or_default(),
                reply.status.as_u16(),
            );
            return reply.into_response();
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
    ctx.shared.saw(
        vendor,
        &incoming.method,
        &incoming.path,
        &incoming.query,
        reply.status.as_u16(),
    );
    if let Some(ms) = delay_ms {
        // The work is done (a task started stays started even if the caller gives up):
        // only the answer is late, as when a real server is slow.
        tracing::info!(vendor = vendor.id(), path = %incoming.path, ms, "fault: delay");
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    }
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
