//! The emulator's own error type.

use std::fmt;

/// What can go wrong when configuring, starting or scripting the emulator.
#[derive(Debug)]
#[non_exhaustive]
pub enum EmulatorError {
    /// A bad setting (speed, fault text, address).
    Config(String),
    /// A scenario that cannot be read or parsed.
    Scenario(String),
    /// A recording spec that breaks a vendor's rules (e.g. a ZEGO `TaskId` that is not
    /// 16 bytes long).
    InvalidRecording(String),
    /// A recording with the same vendor and id already exists.
    Duplicate(String),
    /// No recording with that vendor and id.
    NotFound(String),
    /// The recording is in a state that does not allow the operation (e.g. stopping a
    /// completed recording).
    Conflict(String),
    /// The vendor is not served by this emulator (its listener could not be bound).
    Io(std::io::Error),
}

impl fmt::Display for EmulatorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EmulatorError::Config(m) => write!(f, "invalid emulator setting: {m}"),
            EmulatorError::Scenario(m) => write!(f, "invalid scenario: {m}"),
            EmulatorError::InvalidRecording(m) => write!(f, "invalid recording: {m}"),
            EmulatorError::Duplicate(m) => write!(f, "duplicate recording: {m}"),
            EmulatorError::NotFound(m) => write!(f, "no such recording: {m}"),
            EmulatorError::Conflict(m) => write!(f, "conflict: {m}"),
            EmulatorError::Io(e) => write!(f, "I/O error: {e}"),
        }
    }
}

impl std::error::Error for EmulatorError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EmulatorError::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<std::io::Error> for EmulatorError {
    fn from(e: std::io::Error) -> Self {
        EmulatorError::Io(e)
    }
}

impl EmulatorError {
    /// The HTTP status the admin API answers this error with.
    pub fn http_status(&self) -> u16 {
        match self {
            EmulatorError::Config(_)
            | EmulatorError::Scenario(_)
            | EmulatorError::InvalidRecording(_) => 400,
            EmulatorError::NotFound(_) => 404,
            EmulatorError::Duplicate(_) | EmulatorError::Conflict(_) => 409,
            EmulatorError::Io(_) => 500,
        }
    }
}
