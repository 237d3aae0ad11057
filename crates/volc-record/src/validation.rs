//! Hand-written request checks that the spec cannot express declaratively.
//!
//! `GetRecordTaskRequest` needs none: its only documented limits (AppId, RoomId and TaskId
//! are required and must not be empty) are declared in `api-spec.toml` and checked by the
//! generated `build()`. There is deliberately no character-set check: BytePlus documents
//! ids as `a-zA-Z0-9@._-`, but the Volcengine page does not, its own example AppId
//! (`661e****543cf`) contains `*`, and the request signer percent-encodes any value. The
//! spec therefore sets no `custom_validation`, and this module holds no functions; it is
//! where such checks go should the vendor document more limits.
