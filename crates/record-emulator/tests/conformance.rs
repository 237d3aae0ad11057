//! The emulator conformance suite: every behaviour of the vendor-neutral layer
//! ([`RecordingQuery`](record_facade::RecordingQuery), [`Waiter`](record_facade::Waiter),
//! the typed errors) written once, as a function over a per-vendor [`harness::Harness`], and
//! run against all four real vendor clients pointed at the in-process emulator, in the
//! manner of Apache OpenDAL's behaviour tests.
//!
//! Each behaviour asks the client's [`Capabilities`](record_facade::Capabilities) what the
//! vendor supports. Where a capability is absent, the behaviour asserts the documented
//! answer instead (`list` on a vendor that cannot list yields the typed unsupported error, a
//! vendor without a documented rate limit is not throttled, a vendor without a query horizon
//! still answers for old recordings, a vendor whose 404 does not mean "gone" keeps answering
//! for ended recordings), so the gating is tested too, never silently skipped.
//!
//! The tests are generated per vendor by [`conformance!`]: a failure names the vendor
//! module and the behaviour (`zego::list_paginates`). Nothing reaches beyond 127.0.0.1.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "conformance/auth.rs"]
mod auth;
#[path = "conformance/faults.rs"]
mod faults;
#[path = "conformance/get.rs"]
mod get;
#[path = "conformance/harness.rs"]
mod harness;
#[path = "conformance/lifecycle.rs"]
mod lifecycle;
#[path = "conformance/limits.rs"]
mod limits;
#[path = "conformance/list.rs"]
mod list;
#[path = "conformance/wait.rs"]
mod wait;

/// Generates one module per vendor, each with one `#[tokio::test]` per behaviour.
macro_rules! conformance {
    ($($module:ident => $vendor:expr),* $(,)?) => {$(
        mod $module {
            use record_emulator::Vendor;

            const VENDOR: Vendor = $vendor;

            #[tokio::test]
            async fn get_by_id_in_every_phase() {
                crate::get::every_phase(VENDOR).await;
            }

            #[tokio::test]
            async fn get_refuses_malformed_and_foreign_tasks() {
                crate::get::malformed_and_foreign_tasks(VENDOR).await;
            }

            #[tokio::test]
            async fn list_paginates() {
                crate::list::paginates(VENDOR).await;
            }

            #[tokio::test]
            async fn wait_until_completed() {
                crate::wait::until_completed(VENDOR).await;
            }

            #[tokio::test]
            async fn wait_until_failed() {
                crate::wait::until_failed(VENDOR).await;
            }

            #[tokio::test]
            async fn wait_for_a_forgotten_recording() {
                crate::wait::forgotten(VENDOR).await;
            }

            #[tokio::test]
            async fn auth_wrong_credentials() {
                crate::auth::wrong_credentials(VENDOR).await;
            }

            #[tokio::test]
            async fn auth_clock_skew() {
                crate::auth::clock_skew(VENDOR).await;
            }

            #[tokio::test]
            async fn auth_nonce_reuse() {
                crate::auth::nonce_reuse(VENDOR).await;
            }

            #[tokio::test]
            async fn limit_rate() {
                crate::limits::rate(VENDOR).await;
            }

            #[tokio::test]
            async fn limit_query_window() {
                crate::limits::query_window(VENDOR).await;
            }

            #[tokio::test]
            async fn limit_page_size() {
                crate::limits::page_size(VENDOR).await;
            }

            #[tokio::test]
            async fn limit_ended_recordings() {
                crate::limits::ended_recordings(VENDOR).await;
            }

            #[tokio::test]
            async fn faults_then_success() {
                crate::faults::sequence_then_success(VENDOR).await;
            }

            #[tokio::test]
            async fn lifecycle_start_control_stop() {
                crate::lifecycle::start_control_stop(VENDOR).await;
            }

            #[tokio::test]
            async fn faults_without_retries() {
                crate::faults::without_retries(VENDOR).await;
            }
        }
    )*};
}

conformance! {
    zego => Vendor::Zego,
    qingcloud => Vendor::QingCloud,
    volc => Vendor::Volcengine,
    agora => Vendor::Agora,
}
