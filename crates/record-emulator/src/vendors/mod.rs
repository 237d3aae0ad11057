//! The four vendors: authentication, limits, routing and answers built with the vendor
//! crates' own typed models.
//!
//! This module is the dispatch above the four handlers (`zego`, `qingcloud`, `volc`,
//! `agora`): the handlers import only leaf modules (`state`, `wire`, `recording`, `util`,
//! `error`), never this module nor each other.

pub(crate) mod agora;
pub(crate) mod qingcloud;
pub(crate) mod volc;
pub(crate) mod zego;

use crate::recording::{Recording, RecordingInfo};
use crate::state::Shared;
use crate::wire::{Incoming, Reply};
use record_facade::{RecordingState, UnixMillis, Vendor};

/// The answer for a vendor the emulator does not serve (the router mounts no such
/// vendor, so only a future `Vendor` variant could get here).
fn not_served(vendor: Vendor) -> Reply {
    Reply::json(
        404,
        &serde_json::json!({ "error": format!("the emulator does not serve {vendor}") }),
        "vendor not served",
    )
}

/// Answers one vendor request.
pub(crate) fn handle(vendor: Vendor, shared: &Shared, req: &Incoming) -> Reply {
    match vendor {
        Vendor::Zego => zego::handle(shared, req),
        Vendor::QingCloud => qingcloud::handle(shared, req),
        Vendor::Volcengine => volc::handle(shared, req),
        Vendor::Agora => agora::handle(shared, req),
        other => not_served(other),
    }
}

/// The vendor's own rate-limit answer (used by the 429 fault too).
pub(crate) fn rate_limited(vendor: Vendor) -> Reply {
    match vendor {
        Vendor::Zego => zego::rate_limited(),
        Vendor::QingCloud => qingcloud::rate_limited(),
        Vendor::Volcengine => volc::rate_limited(None),
        Vendor::Agora => agora::rate_limited(),
        other => not_served(other),
    }
}

/// What the admin API tells about a recording at `now`.
pub(crate) fn info(rec: &Recording, now: i64) -> RecordingInfo {
    let phase = rec.phase(now);
    let (state, vendor_status) = match rec.vendor {
        Vendor::Zego => {
            let state = if rec.is_paused(now) {
                RecordingState::Paused
            } else {
                phase.state()
            };
            (state, zego::status(rec, phase).raw().to_string())
        }
        Vendor::QingCloud => (
            phase.state(),
            qingcloud::status(rec, phase).0.raw().to_string(),
        ),
        Vendor::Volcengine => (phase.state(), volc::status(rec, phase).0.raw().to_string()),
        Vendor::Agora => agora::state_and_status(rec, phase),
        _ => (phase.state(), String::new()),
    };
    RecordingInfo {
        vendor: rec.vendor,
        id: rec.id.clone(),
        room: rec.room.clone(),
        app_id: rec.app_id.clone(),
        resource_id: rec.resource_id.clone(),
        mode: rec.mode.clone(),
        users: rec.users.clone(),
        created_at: UnixMillis(rec.created_at),
        state,
        vendor_status,
        recorded_ms: phase.recorded_ms(),
        controls: rec.controls.clone(),
    }
}
