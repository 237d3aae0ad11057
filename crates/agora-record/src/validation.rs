//! Hand-written request validation called by the generated builders.
//!
//! A builder calls `crate::validation::<request>(&request, clock)` after its declarative checks
//! when its spec entry sets `custom_validation = true`. The `query` request needs none: its
//! documented limits (four required path parameters, non-empty ids, `mode` one of
//! `individual`/`mix`/`web`) are all declarative and checked by the generated
//! [`QueryRequestBuilder::build`](crate::QueryRequestBuilder::build). Percent-encoding of the
//! path segments is done by [`QueryRequest::path`](crate::QueryRequest::path), so ids with
//! reserved characters are not rejected but encoded.
