//! Hand-written accessors on the generated response models: the vendor-neutral recording
//! state (with the web recorder's pause refinement) and lookups in the extension services.

use crate::{ExtensionServiceState, QueryResponse, ServerResponse, ServiceName};
use record_core::RecordingState;

impl ServerResponse {
    /// The vendor-neutral state of the recording.
    ///
    /// This is [`ServerStatus::base_state`](crate::ServerStatus::base_state) of `status`, refined
    /// to [`RecordingState::Paused`] when the status says "in progress" (5) but a web recorder
    /// (`web_recorder_service`) reports `onhold: true`. A missing status is
    /// [`RecordingState::Unknown`].
    ///
    /// ```
    /// use agora_record::QueryResponse;
    /// use record_core::RecordingState;
    /// let body = r#"{"serverResponse": {"status": 5, "extensionServiceState": [
    ///     {"serviceName": "web_recorder_service", "payload": {"onhold": true, "state": "inProgress"}}]}}"#;
    /// let resp: QueryResponse = serde_json::from_str(body)?;
    /// assert_eq!(resp.recording_state(), RecordingState::Paused);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn recording_state(&self) -> RecordingState {
        let Some(status) = self.status else {
            return RecordingState::Unknown;
        };
        match status.base_state() {
            RecordingState::Recording if self.is_web_recorder_on_hold() => RecordingState::Paused,
            state => state,
        }
    }

    /// True when a web recorder (`web_recorder_service`) reports `onhold: true`, i.e. the web
    /// page recording is paused.
    pub fn is_web_recorder_on_hold(&self) -> bool {
        self.extension_service(&ServiceName::WebRecorder)
            .and_then(|s| s.payload.as_ref())
            .and_then(|p| p.onhold)
            .unwrap_or(false)
    }

    /// The first extension service called `name` (web mode), if the answer lists one.
    pub fn extension_service(&self, name: &ServiceName) -> Option<&ExtensionServiceState> {
        self.extension_service_state
            .as_deref()
            .unwrap_or_default()
            .iter()
            .find(|s| s.service_name.as_ref() == Some(name))
    }
}

impl QueryResponse {
    /// The vendor-neutral state of the recording; see [`ServerResponse::recording_state`].
    pub fn recording_state(&self) -> RecordingState {
        self.server_response.recording_state()
    }
}
