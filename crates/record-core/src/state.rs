//! The vendor-neutral state of a recording.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a recording is in its life, the same for every vendor.
///
/// Each vendor crate maps its documented status codes to these states (the mapping lives
/// in the vendor's spec and is generated as `base_state()` on the status enums).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RecordingState {
    /// Accepted and starting; nothing recorded yet.
    Starting,
    /// Recording.
    Recording,
    /// Paused by the application.
    Paused,
    /// Stop requested; the recorder is shutting down.
    Stopping,
    /// Stopped; files are being merged or uploaded.
    Processing,
    /// Finished; the files are where they will stay.
    Completed,
    /// Ended abnormally or the files could not be delivered.
    Failed,
    /// The vendor no longer knows the task (e.g. Agora's 404 after the session ended).
    Gone,
    /// The vendor reported a value this SDK does not know.
    Unknown,
}

impl RecordingState {
    /// All states.
    pub const ALL: [RecordingState; 9] = [
        Self::Starting,
        Self::Recording,
        Self::Paused,
        Self::Stopping,
        Self::Processing,
        Self::Completed,
        Self::Failed,
        Self::Gone,
        Self::Unknown,
    ];

    /// True for states a recording never leaves: `Completed`, `Failed`, `Gone`.
    pub const fn is_terminal(self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Gone)
    }

    /// The snake_case name (`"recording"`), the same as its serialized form.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Starting => "starting",
            Self::Recording => "recording",
            Self::Paused => "paused",
            Self::Stopping => "stopping",
            Self::Processing => "processing",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::Gone => "gone",
            Self::Unknown => "unknown",
        }
    }

    /// Parses [`RecordingState::as_str`].
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl fmt::Display for RecordingState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_states() {
        let terminal: Vec<_> = RecordingState::ALL
            .into_iter()
            .filter(|s| s.is_terminal())
            .collect();
        assert_eq!(
            terminal,
            [
                RecordingState::Completed,
                RecordingState::Failed,
                RecordingState::Gone
            ]
        );
    }

    #[test]
    fn serde_is_snake_case() -> Result<(), serde_json::Error> {
        for s in RecordingState::ALL {
            let json = serde_json::to_string(&s)?;
            assert_eq!(json, format!("\"{}\"", s.as_str()));
            assert_eq!(serde_json::from_str::<RecordingState>(&json)?, s);
            assert_eq!(RecordingState::from_name(s.as_str()), Some(s));
        }
        Ok(())
    }
}
