//! The vendor-neutral control interface: [`RecordingControl`] (stop, pause, resume, update
//! the layout of a running recording), what each vendor allows ([`ControlCapabilities`]),
//! and how a stop is reported ([`StopOutcome`], [`StopAnswer`], [`Stopped`]).
//!
//! Starting stays vendor-typed (the vendors' start configurations have nothing in common),
//! but every vendor crate's start returns the [`TaskRef`] of the new recording, so the rest
//! of a workflow can be neutral.

use crate::transport::{Attempt, RawResponse};
use crate::{Error, ErrorKind, RawResponseData, Recording, TaskRef, Vendor};
use std::fmt;
use std::sync::Arc;

/// Which lifecycle operations a vendor offers through this SDK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ControlCapabilities {
    /// The vendor crate can start a recording (vendor-typed: see its client).
    pub start: bool,
    /// [`RecordingControl::stop`].
    pub stop: bool,
    /// [`RecordingControl::pause`] (ZEGO: mixed-stream tasks only).
    pub pause: bool,
    /// [`RecordingControl::resume`].
    pub resume: bool,
    /// [`RecordingControl::update_layout`] (Agora: mix mode only).
    pub update_layout: bool,
}

impl ControlCapabilities {
    /// None of them (QingCloud publishes no start or stop API).
    pub const NONE: Self = Self {
        start: false,
        stop: false,
        pause: false,
        resume: false,
        update_layout: false,
    };
}

/// What a stop found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum StopOutcome {
    /// This call stopped the recording (also when a retry found the work of its own earlier
    /// attempt, whose answer was lost, already done).
    Stopped,
    /// The vendor reported that the recording had already stopped before this call (ZEGO
    /// `300001001`, Agora `404`/`49`, Volcengine's equivalent): stopping is idempotent for
    /// the caller, but this is reported distinctly so that real errors are not hidden.
    AlreadyStopped,
}

impl StopOutcome {
    /// `stopped` or `already_stopped`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Stopped => "stopped",
            Self::AlreadyStopped => "already_stopped",
        }
    }

    /// The outcome of an answer saying the recording had already stopped, given what is
    /// known of the earlier attempts: after an attempt that may have arrived, the stop found
    /// is most likely that attempt's own.
    pub const fn of_already_stopped(attempt: Attempt) -> Self {
        if attempt.earlier_may_have_arrived {
            Self::Stopped
        } else {
            Self::AlreadyStopped
        }
    }
}

impl fmt::Display for StopOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A vendor client's typed answer to a stop: the outcome and the vendor's answer (for an
/// "already stopped" answer, the vendor's own error body, its code kept).
#[derive(Debug, Clone, PartialEq)]
pub struct StopAnswer<T> {
    /// What the stop found.
    pub outcome: StopOutcome,
    /// The vendor's answer.
    pub response: T,
}

/// How a vendor classifies the answer to its stop operation: like
/// [`Decode`](crate::service::Decode), but the vendor's "already stopped" answer is an
/// outcome, not an error. Every `T: DecodeStop` makes `StopAnswer<T>` decodable.
pub trait DecodeStop: Sized {
    /// Classifies `raw`, the answer to `attempt` of a stop.
    ///
    /// # Errors
    /// Any answer other than a stop or an "already stopped".
    fn decode_stop(raw: &RawResponse, attempt: Attempt) -> Result<StopAnswer<Self>, Error>;
}

impl<T: DecodeStop> crate::service::Decode for StopAnswer<T> {
    fn decode(raw: &RawResponse, attempt: Attempt) -> Result<Self, Error> {
        T::decode_stop(raw, attempt)
    }
}

/// The neutral report of a stop.
#[derive(Clone)]
pub struct Stopped {
    /// What the stop found.
    pub outcome: StopOutcome,
    /// The recording stopped.
    pub task: TaskRef,
    /// The vendor's request id, when it gives one.
    pub request_id: Option<String>,
    /// The vendor's code for an "already stopped" answer.
    pub vendor_code: Option<String>,
    /// The recording as the stop answer describes it, when it does (Agora's stop answer
    /// carries the files and the upload status).
    pub recording: Option<Recording>,
    /// The typed vendor answer.
    pub raw: Arc<dyn RawResponseData>,
}

impl fmt::Debug for Stopped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stopped")
            .field("outcome", &self.outcome)
            .field("task", &self.task)
            .field("request_id", &self.request_id)
            .field("vendor_code", &self.vendor_code)
            .field("recording", &self.recording)
            .field("raw", &self.raw)
            .finish()
    }
}

/// The neutral report of a pause, resume or layout update: the task and the vendor's answer.
#[derive(Clone)]
pub struct Controlled {
    /// The recording acted on.
    pub task: TaskRef,
    /// The vendor's request id, when it gives one.
    pub request_id: Option<String>,
    /// The typed vendor answer.
    pub raw: Arc<dyn RawResponseData>,
}

impl fmt::Debug for Controlled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Controlled")
            .field("task", &self.task)
            .field("request_id", &self.request_id)
            .field("raw", &self.raw)
            .finish()
    }
}

/// The error for a lifecycle operation a vendor does not offer: an
/// [`ErrorKind::Unsupported`] error naming the operation; nothing is sent.
pub fn unsupported_operation(vendor: Vendor, operation: &'static str) -> Error {
    Error::new(
        ErrorKind::Unsupported,
        format!("{vendor} does not support {operation} through this SDK"),
    )
    .with_vendor(vendor)
    .with_action(operation)
}

/// Control of running recordings, the same for every vendor. Object safe: the facade's
/// `connect` hands out a [`RecordingClient`] (query and control). An operation the
/// vendor's [`ControlCapabilities`] does not list answers [`ErrorKind::Unsupported`]
/// without sending anything.
#[async_trait::async_trait]
pub trait RecordingControl: crate::RecordingQuery {
    /// What this vendor allows (by default nothing: every operation below then answers
    /// [`ErrorKind::Unsupported`]).
    fn control_capabilities(&self) -> ControlCapabilities {
        ControlCapabilities::NONE
    }

    /// Stops the recording `task` names.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`] for a task of another vendor or one missing what the
    /// vendor needs (Agora: `cname` and `uid`); [`ErrorKind::Unsupported`] when the vendor
    /// has no stop (the default); otherwise the client's errors.
    async fn stop(&self, task: &TaskRef) -> Result<Stopped, Error> {
        let _ = task;
        Err(unsupported_operation(self.vendor(), "stop"))
    }

    /// Pauses the recording `task` names.
    ///
    /// # Errors
    /// As [`RecordingControl::stop`].
    async fn pause(&self, task: &TaskRef) -> Result<Controlled, Error> {
        let _ = task;
        Err(unsupported_operation(self.vendor(), "pause"))
    }

    /// Resumes the paused recording `task` names.
    ///
    /// # Errors
    /// As [`RecordingControl::stop`].
    async fn resume(&self, task: &TaskRef) -> Result<Controlled, Error> {
        let _ = task;
        Err(unsupported_operation(self.vendor(), "resume"))
    }

    /// Changes the layout of the running mixed recording `task` names; `layout` holds the
    /// vendor's own layout fields (ZEGO `UpdateLayout`'s body, Agora `updateLayout`'s
    /// `clientRequest`), checked against the vendor's model before anything is sent.
    ///
    /// # Errors
    /// As [`RecordingControl::stop`], and [`ErrorKind::InvalidRequest`] naming the JSON
    /// path of a field the model refuses.
    async fn update_layout(
        &self,
        task: &TaskRef,
        layout: &serde_json::Value,
    ) -> Result<Controlled, Error> {
        let _ = (task, layout);
        Err(unsupported_operation(self.vendor(), "updating the layout"))
    }
}

/// A client that queries and controls recordings: what the facade's `connect` returns
/// (every [`RecordingControl`] is one).
pub trait RecordingClient: RecordingControl {}

impl<T: RecordingControl + ?Sized> RecordingClient for T {}
