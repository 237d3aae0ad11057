//! The one client every vendor crate is built on (issue 13): the vendor supplies a small
//! [`Protocol`] (its signer, hosts, rate limit and redacted headers) and, per operation, how
//! its request maps onto HTTP ([`Encode`]) and how its answer is classified ([`Decode`]);
//! [`Service`] owns the rest: endpoint and host resolution, the [`Transport`] (timeouts,
//! retries, rate limiting, body cap, tracing), re-signing every attempt at the clock's
//! current time, the dry-run [`Service::prepare`], and a `Debug` without secrets.
//! [`ServiceBuilder`] has the one set of builder methods every vendor client shares.
//!
//! A vendor crate's `Client` is a thin newtype around `Service<ItsProtocol>`
//! ([`Protocol::Client`]) whose methods name the vendor's operations; its `ClientBuilder`
//! is `ServiceBuilder<ItsProtocol>`.

use crate::client::{ClientSettings, Endpoint, PreparedRequest};
use crate::transport::{
    Attempt, Operation, RateLimitScope, RawResponse, Transport, TransportConfig,
};
use crate::{Clock, EndpointInfo, Error, ErrorKind, RetryPolicy, SystemClock, UnixMillis, Vendor};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// One operation's request before signing: what [`Encode`] gives and a [`Signer`]
/// completes, kept structured so that no signer has to parse back what an encoder wrote.
/// Each attempt signs its own (the first the one encoded up front, a retry a new encoding).
#[derive(Debug, Clone)]
pub struct HttpRequest {
    /// The method.
    pub method: reqwest::Method,
    /// The URL without its query: the base URL joined with the endpoint's path.
    pub url: reqwest::Url,
    /// The query parameters in order, not encoded yet (a signer encodes them its own way
    /// into [`HttpRequest::query_string`]; otherwise they are sent form-encoded).
    pub query: Vec<(&'static str, String)>,
    /// The final, encoded query string, when the signer wrote one (it replaces `query`).
    pub query_string: Option<String>,
    /// The headers, in order.
    pub headers: reqwest::header::HeaderMap,
    /// The body, if any.
    pub body: Option<bytes::Bytes>,
}

impl HttpRequest {
    /// A request with no query, headers or body.
    pub fn new(method: reqwest::Method, url: reqwest::Url) -> Self {
        Self {
            method,
            url,
            query: Vec::new(),
            query_string: None,
            headers: reqwest::header::HeaderMap::new(),
            body: None,
        }
    }

    /// `body` serialized as JSON, with `Content-Type: application/json`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`] when the body cannot be serialized.
    pub fn with_json<B: serde::Serialize>(mut self, body: &B) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(body).map_err(|e| {
            Error::new(
                ErrorKind::InvalidRequest,
                "the request body cannot be serialized as JSON",
            )
            .with_source(e)
        })?;
        self.headers.insert(
            reqwest::header::CONTENT_TYPE,
            reqwest::header::HeaderValue::from_static("application/json"),
        );
        self.body = Some(bytes::Bytes::from(bytes));
        Ok(self)
    }

    /// The `reqwest::Request` to send.
    pub fn into_reqwest(self) -> reqwest::Request {
        let mut url = self.url;
        match self.query_string {
            Some(q) => url.set_query(Some(&q).filter(|q| !q.is_empty()).map(String::as_str)),
            None if !self.query.is_empty() => {
                url.query_pairs_mut()
                    .extend_pairs(self.query.iter().map(|(k, v)| (*k, v.as_str())));
            }
            None => {}
        }
        let mut request = reqwest::Request::new(self.method, url);
        *request.headers_mut() = self.headers;
        if let Some(body) = self.body {
            *request.body_mut() = Some(reqwest::Body::from(body));
        }
        request
    }
}

/// Signs one attempt's request at a given time (the shape of reqsign's signers): writes
/// the vendor's query string or adds its headers. Called again for every attempt, so a
/// retry carries a fresh nonce and timestamp.
pub trait Signer: Send + Sync {
    /// Signs `request`, an attempt of `endpoint`, at `now`.
    ///
    /// # Errors
    /// An error when the request cannot be signed (it is not sent).
    fn sign(
        &self,
        request: &mut HttpRequest,
        endpoint: &EndpointInfo,
        now: UnixMillis,
    ) -> Result<(), Error>;
}

/// What a vendor crate supplies to [`Service`]: the facts of its spec the client needs and
/// its signer (holding the credentials), bound to the base URL when the client is built.
pub trait Protocol: fmt::Debug + Sized + 'static {
    /// The vendor.
    const VENDOR: Vendor;
    /// The documented default host (`https://…`).
    const DEFAULT_HOST: &'static str;
    /// The documented hosts as `(name, url, description)`.
    const HOSTS: &'static [(&'static str, &'static str, &'static str)];
    /// The documented rate limit, in requests per second.
    const RATE_LIMIT_PER_SEC: Option<u32>;
    /// Whether the rate limit counts per client or per action.
    const RATE_LIMIT_SCOPE: RateLimitScope;
    /// Headers whose values [`Service::prepare`] hides (an HTTP Basic `Authorization` is
    /// hidden whatever this says).
    const REDACTED_HEADERS: &'static [&'static str];
    /// The signer a built client uses: the protocol bound to its base URL (most vendors:
    /// the protocol itself).
    type Bound: Signer + fmt::Debug + 'static;
    /// The vendor crate's client type, built from the service.
    type Client: From<Service<Self>>;

    /// Binds the protocol to the base URL the client will use (a signer that covers the
    /// host, or whose region follows it, learns it here).
    ///
    /// # Errors
    /// An error that makes [`ServiceBuilder::build`] fail (an invalid signing region).
    fn bind(self, base_url: &reqwest::Url) -> Result<Self::Bound, Error>;
}

/// How one operation's request maps onto HTTP (generated per request type from the
/// vendor's spec).
pub trait Encode {
    /// The operation.
    const ENDPOINT: EndpointInfo;

    /// The unsigned request for `base` (method, URL, query, headers, body), built once per
    /// call; each attempt signs a copy of it.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`] when the request cannot be encoded.
    fn encode(&self, base: &reqwest::Url) -> Result<HttpRequest, Error>;
}

/// How one operation's answer is classified into its typed success or an [`Error`] (the
/// vendor crate implements it per response type, with its envelope rules).
pub trait Decode: Sized {
    /// Classifies `raw`, the answer to `attempt` of the call (a stop that finds the task
    /// already stopped means something else after an earlier attempt that may have
    /// arrived).
    ///
    /// # Errors
    /// The vendor's error, the HTTP status's, or a decode error.
    fn decode(raw: &RawResponse, attempt: Attempt) -> Result<Self, Error>;
}

/// A vendor client: a protocol, a base URL, a transport and a clock. Cloning is cheap and
/// shares the connection pool, the rate limiters, the clock and the credentials.
pub struct Service<P: Protocol> {
    inner: Arc<Inner<P::Bound>>,
}

impl<P: Protocol> Clone for Service<P> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

struct Inner<S> {
    protocol: S,
    base_url: reqwest::Url,
    transport: Transport,
    clock: Arc<dyn Clock>,
}

impl<P: Protocol> Service<P> {
    /// The bound protocol (the signer and its credentials).
    pub fn protocol(&self) -> &P::Bound {
        &self.inner.protocol
    }

    /// The base URL requests go to (the documented host chosen by name, the default host,
    /// or the URL given to [`ServiceBuilder::base_url`]), without a trailing `/` in its
    /// path.
    pub fn base_url(&self) -> &reqwest::Url {
        &self.inner.base_url
    }

    /// The transport settings (timeouts, retry policy, rate limit, body cap, user agent).
    pub fn transport_config(&self) -> &TransportConfig {
        self.inner.transport.config()
    }

    /// The clock every attempt is signed with.
    pub fn clock(&self) -> &dyn Clock {
        &*self.inner.clock
    }

    /// Sends one operation: encodes the request once, signs every attempt afresh at the
    /// clock's current time, and classifies the answer.
    ///
    /// # Errors
    /// The encoder's, the signer's, the transport's or the classifier's error, with the
    /// vendor, the action and the number of attempts.
    pub async fn call<R: Encode, T: Decode>(&self, request: &R) -> Result<T, Error> {
        let endpoint = &R::ENDPOINT;
        let action = action_of(endpoint);
        // Encoded once up front (an encoding error sends nothing); the first attempt signs
        // that request itself, a retry encodes it again (no copy on the common path).
        let first = std::sync::Mutex::new(Some(self.encode(request)?));
        let op = Operation {
            vendor: P::VENDOR,
            action,
            rate_limit_per_sec: endpoint.rate_limit_per_sec,
            idempotency: endpoint.idempotency,
        };
        self.inner
            .transport
            .execute(
                op,
                |_attempt| {
                    let unsigned = first
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .take();
                    let unsigned = match unsigned {
                        Some(unsigned) => unsigned,
                        None => self.encode(request)?,
                    };
                    self.signed(unsigned, endpoint)
                },
                |raw, attempt| T::decode(&raw, attempt),
            )
            .await
    }

    /// The exact request [`Service::call`] would send on its first attempt, for dry runs:
    /// built and signed by the same code (so it reads the clock and, where the vendor uses
    /// one, draws a nonce); headers in [`Protocol::REDACTED_HEADERS`] and HTTP Basic
    /// credentials hidden, and every [`SecretValue`](crate::body::SecretValue) of the body
    /// (storage keys) shown as [`PreparedRequest::REDACTED`] (the signature is the real
    /// body's). Nothing is sent.
    ///
    /// # Errors
    /// As the encoder and the signer of [`Service::call`].
    pub fn prepare<R: Encode>(&self, request: &R) -> Result<PreparedRequest, Error> {
        let signed = self.signed_request(request)?;
        let mut prepared = PreparedRequest::from_request(&signed, P::REDACTED_HEADERS);
        if prepared.body.is_some() {
            // The signature covers the real body; the body shown has its secrets (storage
            // keys) replaced, as everywhere else a request is shown.
            let shown = crate::body::with_secrets_redacted(|| self.encode(request))?;
            prepared.body = shown.body.map(|b| String::from_utf8_lossy(&b).into_owned());
        }
        Ok(prepared)
    }

    /// The signed request of a first attempt of `request`, as [`Service::call`] would send
    /// it now, unredacted (secret-bearing headers are marked sensitive, so the request's
    /// `Debug` hides them); for tests and tools. Nothing is sent.
    ///
    /// # Errors
    /// As the encoder and the signer of [`Service::call`].
    pub fn signed_request<R: Encode>(&self, request: &R) -> Result<reqwest::Request, Error> {
        let endpoint = &R::ENDPOINT;
        let unsigned = self.encode(request)?;
        self.signed(unsigned, endpoint)
            .map_err(|e| e.with_vendor(P::VENDOR).with_action(action_of(endpoint)))
    }

    fn encode<R: Encode>(&self, request: &R) -> Result<HttpRequest, Error> {
        request.encode(&self.inner.base_url).map_err(|e| {
            e.with_vendor(P::VENDOR)
                .with_action(action_of(&R::ENDPOINT))
        })
    }

    /// `request` signed now, as a request to send.
    fn signed(
        &self,
        mut request: HttpRequest,
        endpoint: &EndpointInfo,
    ) -> Result<reqwest::Request, Error> {
        self.inner
            .protocol
            .sign(&mut request, endpoint, self.inner.clock.now())?;
        Ok(request.into_reqwest())
    }
}

/// The action name of an endpoint (its `Action` value, else its name).
fn action_of(endpoint: &EndpointInfo) -> &'static str {
    endpoint.action.unwrap_or(endpoint.name)
}

impl<P: Protocol> fmt::Debug for Service<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Client")
            .field("vendor", &P::VENDOR)
            .field("base_url", &inner.base_url.as_str())
            .field("protocol", &inner.protocol)
            .field("transport", inner.transport.config())
            .field("clock", &inner.clock)
            .finish_non_exhaustive()
    }
}

/// Builder of a vendor client: the protocol (credentials inside), then the settings every
/// vendor shares, then [`ServiceBuilder::build`].
#[must_use]
pub struct ServiceBuilder<P> {
    protocol: P,
    settings: ClientSettings,
    clock: Arc<dyn Clock>,
}

impl<P: Protocol> ServiceBuilder<P> {
    /// A builder with the vendor's defaults: its default host, its documented rate limit
    /// (and scope), 5 s connect / 10 s per attempt / 30 s total timeouts, 3 attempts, a
    /// 4 MiB response cap and the system clock.
    pub fn new(protocol: P) -> Self {
        Self {
            protocol,
            settings: ClientSettings::new(P::RATE_LIMIT_PER_SEC, P::RATE_LIMIT_SCOPE),
            clock: Arc::new(SystemClock),
        }
    }

    /// The protocol, for the vendor crate's own builder options.
    pub fn protocol_mut(&mut self) -> &mut P {
        &mut self.protocol
    }

    /// Sends requests to one of the vendor's documented hosts, by its name
    /// ([`Protocol::HOSTS`]; an unknown name fails at `build()`).
    pub fn host(mut self, name: impl Into<String>) -> Self {
        self.settings.endpoint = Endpoint::Named(name.into());
        self
    }

    /// Sends requests to any base URL, such as a proxy or a local emulator on
    /// `http://127.0.0.1:PORT` (checked at `build()`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.settings.endpoint = Endpoint::Url(url.into());
        self
    }

    /// Sets all three timeouts.
    pub fn timeouts(mut self, timeouts: crate::transport::Timeouts) -> Self {
        self.settings.transport.timeouts = timeouts;
        self
    }

    /// Time to establish a connection (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.settings.transport.timeouts.connect = timeout;
        self
    }

    /// Time for one attempt, from sending to the end of the body (default 10 s).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.settings.transport.timeouts.per_attempt = timeout;
        self
    }

    /// Time for a whole call, retries included (default 30 s).
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.settings.transport.timeouts.total = timeout;
        self
    }

    /// Sets the retry policy (default: 3 attempts, full-jitter backoff from 200 ms).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.settings.transport.retry = policy;
        self
    }

    /// Turns retries off: every call makes exactly one attempt.
    pub fn disable_retries(mut self) -> Self {
        self.settings.transport.retry = RetryPolicy::disabled();
        self
    }

    /// Client-side rate limit in requests per second, shared by every clone of the client
    /// (for a vendor that limits each action apart, such as ZEGO, it holds for each action);
    /// `None` (or 0) turns it off. The default is the vendor's documented limit, each
    /// action's own where they differ.
    pub fn rate_limit(mut self, per_second: Option<u32>) -> Self {
        self.settings.transport.rate_limit_per_sec = per_second;
        self.settings.transport.rate_limit_documented = false;
        self
    }

    /// Largest response body accepted, in bytes (default 4 MiB); larger answers fail with a
    /// decode error instead of being buffered.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.settings.transport.max_response_bytes = bytes;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.settings.transport.user_agent = user_agent.into();
        self
    }

    /// The clock whose current time signs every attempt (default: the system clock).
    /// Tests inject a [`crate::FixedClock`].
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`] (parameter `base_url`) for a host name that
    /// [`Protocol::HOSTS`] does not list or a base URL that is not an absolute
    /// `http`/`https` URL without query, fragment or credentials; the error of
    /// [`Protocol::bind`]; [`ErrorKind::Transport`] when the HTTP client cannot be
    /// initialised.
    pub fn build(self) -> Result<P::Client, Error> {
        let base_url = self
            .settings
            .resolve_base_url(P::VENDOR, P::DEFAULT_HOST, P::HOSTS)?;
        let protocol = self
            .protocol
            .bind(&base_url)
            .map_err(|e| e.with_vendor(P::VENDOR))?;
        let transport =
            Transport::new(self.settings.transport).map_err(|e| e.with_vendor(P::VENDOR))?;
        Ok(P::Client::from(Service {
            inner: Arc::new(Inner {
                protocol,
                base_url,
                transport,
                clock: self.clock,
            }),
        }))
    }
}

impl<P: Protocol> fmt::Debug for ServiceBuilder<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("vendor", &P::VENDOR)
            .field("protocol", &self.protocol)
            .field("settings", &self.settings)
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}

/// Where a protocol that signs with a fresh nonce per attempt (ZEGO's `SignatureNonce`)
/// draws it from.
pub type NonceSource = Arc<dyn Fn() -> String + Send + Sync>;

/// A protocol whose signature includes a nonce drawn for every attempt.
pub trait UsesNonce {
    /// Replaces where nonces come from.
    fn set_nonce_source(&mut self, source: NonceSource);
}

impl<P: Protocol + UsesNonce> ServiceBuilder<P> {
    /// **Testing hook**: where each attempt's nonce comes from (default: the vendor's
    /// random nonce). Vendors want a new random nonce for every request; replace it only to
    /// make requests deterministic in tests.
    pub fn nonce_source(mut self, source: impl Fn() -> String + Send + Sync + 'static) -> Self {
        self.protocol.set_nonce_source(Arc::new(source));
        self
    }
}

/// A protocol whose signature covers a region (Volcengine's credential scope).
pub trait SigningRegion {
    /// Overrides the region the protocol would derive from the host.
    fn set_region(&mut self, region: String);
}

impl<P: Protocol + SigningRegion> ServiceBuilder<P> {
    /// The signing region of the credential scope, overriding the default, which follows
    /// the host. An invalid region (empty, with `/` or spaces) fails at
    /// [`ServiceBuilder::build`].
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.protocol.set_region(region.into());
        self
    }
}
