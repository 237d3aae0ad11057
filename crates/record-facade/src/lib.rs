//! One dependency for every supported RTC cloud-recording vendor.
//!
//! Each vendor crate is re-exported as a module behind a cargo feature of the same name
//! (`zego`, `qingcloud`, `volc`, `agora`; all four by default, `full` for all). With one
//! feature on, the other vendor crates are not compiled at all. The shared types of
//! `record-core` (errors, time values, [`RecordingState`], ...) are re-exported at the root.
//!
//! ```
//! # #[cfg(feature = "zego")] {
//! use record_facade::zego::TaskStatus;
//! assert_eq!(TaskStatus::from_raw(2).base_state(), record_facade::RecordingState::Recording);
//! # }
//! ```

pub use record_core::*;

mod connect;
pub use connect::{ClientConfig, connect, connect_by_id};

/// ZEGO cloud recording (`zego-record`), behind the `zego` feature.
#[cfg(feature = "zego")]
pub use zego_record as zego;

/// QingCloud RTC cloud recording (`qingcloud-record`), behind the `qingcloud` feature.
#[cfg(feature = "qingcloud")]
pub use qingcloud_record as qingcloud;

/// Volcengine RTC cloud recording (`volc-record`), behind the `volc` feature.
#[cfg(feature = "volc")]
pub use volc_record as volc;

/// Agora / Shengwang cloud recording (`agora-record`), behind the `agora` feature.
#[cfg(feature = "agora")]
pub use agora_record as agora;

/// The vendors compiled into this build (those whose features are on).
pub const ENABLED_VENDORS: &[Vendor] = &[
    #[cfg(feature = "zego")]
    Vendor::Zego,
    #[cfg(feature = "qingcloud")]
    Vendor::QingCloud,
    #[cfg(feature = "volc")]
    Vendor::Volcengine,
    #[cfg(feature = "agora")]
    Vendor::Agora,
];
