//! A local emulator of the four vendors' cloud-recording query APIs.
