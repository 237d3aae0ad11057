//! The HTTP machinery every vendor client shares: one pooled `reqwest::Client` (rustls),
//! timeouts, the rate limiter, retries with fresh signatures, and capped body reads.
//!
//! A vendor client gives [`Transport::execute`] two closures: one that builds and signs the
//! request for attempt `n` (so every attempt gets a new nonce and timestamp), and one that
//! turns the raw answer into its typed response or a classified [`Error`].

use crate::{
    Error, ErrorKind, RateLimiter, RetryPolicy, TransportCause, Vendor, parse_retry_after,
};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tracing::Instrument as _;

/// Timeouts of a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Time to establish a connection.
    pub connect: Duration,
    /// Time for one attempt, from sending to the last byte of the body.
    pub per_attempt: Duration,
    /// Time for the whole call, counted from the moment the first attempt may be sent (after
    /// any client-side rate-limit wait), retries and their rate-limit waits included.
    pub total: Duration,
}

impl Default for Timeouts {
    /// 5 s to connect, 10 s per attempt, 30 s in all.
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(5),
            per_attempt: Duration::from_secs(10),
            total: Duration::from_secs(30),
        }
    }
}

/// Settings of a [`Transport`].
#[derive(Debug, Clone)]
pub struct TransportConfig {
    /// Timeouts.
    pub timeouts: Timeouts,
    /// Retry policy.
    pub retry: RetryPolicy,
    /// Client-side rate limit in requests per second (`None`: no limit). With
    /// [`RateLimitScope::PerAction`] and [`TransportConfig::rate_limit_documented`], each
    /// action gets its own documented limit ([`Operation::rate_limit_per_sec`]) and this
    /// one serves only actions that document none.
    pub rate_limit_per_sec: Option<u32>,
    /// Whether the rate limit is the vendor's documented one (true until a caller sets one
    /// with the builder's `rate_limit`, which then holds for every action).
    pub rate_limit_documented: bool,
    /// Whether the limit holds for the client as a whole or separately for each action.
    pub rate_limit_scope: RateLimitScope,
    /// Larger response bodies are refused with an [`ErrorKind::Decode`] error.
    pub max_response_bytes: usize,
    /// The `User-Agent` header.
    pub user_agent: String,
}

impl TransportConfig {
    /// Default response size cap: 4 MiB.
    pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

    /// Defaults, with the vendor's documented rate limit.
    pub fn new(rate_limit_per_sec: Option<u32>) -> Self {
        Self {
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
            rate_limit_per_sec,
            rate_limit_documented: true,
            rate_limit_scope: RateLimitScope::Client,
            max_response_bytes: Self::DEFAULT_MAX_RESPONSE_BYTES,
            user_agent: concat!("rtc-record/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

/// What a client-side rate limit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RateLimitScope {
    /// One budget for every call of the client (Volcengine: 60/s per account; Agora: 10/s).
    #[default]
    Client,
    /// One budget per action (ZEGO: 10/s for each of `DescribeRecordStatus` and
    /// `DescribeTasks`).
    PerAction,
}

/// A response as received: status, headers and the (capped) body.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    pub headers: reqwest::header::HeaderMap,
    /// The body.
    pub body: Vec<u8>,
}

/// What a call is, for errors, tracing and its rate limit.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// The vendor.
    pub vendor: Vendor,
    /// The vendor's action name.
    pub action: &'static str,
    /// The action's documented rate limit, in requests per second (ZEGO: 10/s for the
    /// queries, 50/s for StopRecord), used with [`RateLimitScope::PerAction`].
    pub rate_limit_per_sec: Option<u32>,
    /// Whether the action may be repeated: decides which failures are retried.
    pub idempotency: crate::Idempotency,
}

/// What the classifier of an answer knows about the call it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    /// This attempt's number (1 for the first).
    pub number: u32,
    /// Whether an earlier attempt of the same call may have reached the vendor (it timed
    /// out, its connection was reset, or it got a 5xx or an unreadable answer): a vendor
    /// answer that the work is already done ("already started", "already stopped") then
    /// most likely reports that earlier attempt's own work.
    pub earlier_may_have_arrived: bool,
}

impl Attempt {
    /// The first attempt of a call.
    pub const FIRST: Self = Self {
        number: 1,
        earlier_may_have_arrived: false,
    };
}

/// Whether the request of a failed attempt may have reached the vendor: anything but a
/// connection that was never made and an explicit refusal (a rate-limit answer, or a
/// 4xx answer the vendor gives before doing any work).
pub fn may_have_arrived(err: &Error) -> bool {
    if err
        .transport_cause()
        .is_some_and(TransportCause::request_not_sent)
    {
        return false;
    }
    matches!(
        err.kind(),
        ErrorKind::Timeout | ErrorKind::Transport | ErrorKind::Server | ErrorKind::Decode
    )
}

/// The shared HTTP machinery of one client. Cloning shares the connection pool and the
/// rate limiter.
#[derive(Debug, Clone)]
pub struct Transport {
    http: reqwest::Client,
    config: TransportConfig,
    limiters: Limiters,
}

/// The rate limiters of a transport, shared by its clones.
#[derive(Debug, Clone)]
enum Limiters {
    None,
    Client(RateLimiter),
    PerAction {
        /// The limit of an action that documents none, or of every action when the caller
        /// set one (`None`: no limit).
        per_second: Option<u32>,
        /// Whether each action's documented limit applies.
        documented: bool,
        by_action: Arc<std::sync::Mutex<HashMap<&'static str, Option<RateLimiter>>>>,
    },
}

impl Limiters {
    fn new(config: &TransportConfig) -> Self {
        let per_second = config.rate_limit_per_sec.filter(|n| *n > 0);
        match config.rate_limit_scope {
            RateLimitScope::Client => per_second
                .and_then(RateLimiter::per_second)
                .map_or(Self::None, Self::Client),
            RateLimitScope::PerAction if per_second.is_none() && !config.rate_limit_documented => {
                Self::None
            }
            RateLimitScope::PerAction => Self::PerAction {
                per_second,
                documented: config.rate_limit_documented,
                by_action: Arc::default(),
            },
        }
    }

    fn for_op(&self, op: &Operation) -> Option<RateLimiter> {
        match self {
            Self::None => None,
            Self::Client(l) => Some(l.clone()),
            Self::PerAction {
                per_second,
                documented,
                by_action,
            } => {
                // A poisoned lock only means another thread panicked while inserting; the
                // map itself is still consistent.
                let mut map = by_action
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                if let Some(l) = map.get(op.action) {
                    return l.clone();
                }
                let limit = if *documented {
                    op.rate_limit_per_sec.or(*per_second)
                } else {
                    *per_second
                };
                let l = limit.filter(|n| *n > 0).and_then(RateLimiter::per_second);
                map.insert(op.action, l.clone());
                l
            }
        }
    }
}

impl Transport {
    /// Builds the transport (one `reqwest::Client` with rustls, reused for every call).
    ///
    /// # Errors
    /// [`ErrorKind::Transport`] when the TLS backend cannot be initialised.
    pub fn new(config: TransportConfig) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.timeouts.connect)
            .user_agent(config.user_agent.clone())
            .build()
            .map_err(|e| {
                Error::new(ErrorKind::Transport, "cannot build the HTTP client").with_source(e)
            })?;
        let limiters = Limiters::new(&config);
        Ok(Self {
            http,
            config,
            limiters,
        })
    }

    /// The underlying `reqwest::Client`, for building requests.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The configuration.
    pub fn config(&self) -> &TransportConfig {
        &self.config
    }

    /// Runs one call: waits for the rate limiter, builds and signs attempt `n` with `build`,
    /// sends it, reads the body (refusing more than the cap), and hands it to `decode` with
    /// what is known of the earlier attempts. Errors that [`Error::is_retryable`] are
    /// retried per the policy, honouring `Retry-After`, within the total timeout; for an
    /// operation that is not idempotent only those whose request certainly did not arrive
    /// ([`may_have_arrived`] is false), any other being returned marked
    /// [`Error::is_outcome_unknown`]. The returned error carries the number of attempts
    /// made.
    ///
    /// # Errors
    /// The last attempt's error.
    pub async fn execute<T>(
        &self,
        op: Operation,
        build: impl Fn(u32) -> Result<reqwest::Request, Error>,
        decode: impl Fn(RawResponse, Attempt) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let total = self.config.timeouts.total;
        let limiter = self.limiters.for_op(&op);
        // The total timeout starts once the first attempt has its rate-limit slot: queueing
        // behind other callers of the same client delays a call but never fails it.
        if let Some(l) = &limiter {
            l.acquire().await;
        }
        let started = tokio::time::Instant::now();
        let mut attempt: u32 = 0;
        let mut earlier_may_have_arrived = false;
        loop {
            attempt += 1;
            let context = Attempt {
                number: attempt,
                earlier_may_have_arrived,
            };
            let span = tracing::debug_span!(
                "request",
                vendor = op.vendor.id(),
                action = op.action,
                attempt,
                http_status = tracing::field::Empty,
                request_id = tracing::field::Empty,
                elapsed_ms = tracing::field::Empty,
            );
            let outcome = async {
                if attempt > 1
                    && let Some(l) = &limiter
                {
                    l.acquire().await;
                }
                let remaining = total.saturating_sub(started.elapsed());
                let budget = remaining.min(self.config.timeouts.per_attempt);
                let request = build(attempt)?;
                let attempt_started = tokio::time::Instant::now();
                let result = tokio::time::timeout(budget, self.send(request)).await;
                let span = tracing::Span::current();
                span.record("elapsed_ms", attempt_started.elapsed().as_millis() as u64);
                let raw = match result {
                    Ok(r) => r?,
                    Err(_) => {
                        return Err(Error::new(
                            ErrorKind::Timeout,
                            format!(
                                "timed out after {} with no complete answer",
                                seconds(budget)
                            ),
                        )
                        .with_transport_cause(TransportCause::TimedOut));
                    }
                };
                span.record("http_status", raw.status);
                let status = raw.status;
                decode(raw, context).map_err(|e| {
                    if e.http_status().is_none() {
                        e.with_http_status(status)
                    } else {
                        e
                    }
                })
            }
            .instrument(span.clone())
            .await;
            let err = match outcome {
                Ok(v) => {
                    tracing::debug!(parent: &span, "succeeded");
                    return Ok(v);
                }
                Err(e) => e
                    .with_vendor(op.vendor)
                    .with_action(op.action)
                    .with_attempts(attempt),
            };
            if let Some(id) = err.request_id() {
                span.record("request_id", id);
            }
            tracing::debug!(parent: &span, kind = err.kind().as_str(), retryable = err.is_retryable(), "attempt failed");
            let arrived = may_have_arrived(&err);
            if op.idempotency == crate::Idempotency::NotIdempotent && arrived {
                // Repeating it could do the work twice (a second recording started).
                return Err(err.with_outcome_unknown());
            }
            earlier_may_have_arrived |= arrived;
            if !err.is_retryable() {
                return Err(err);
            }
            let wait = self
                .config
                .retry
                .backoff(attempt, err.retry_after(), rand::random::<f64>());
            if !self
                .config
                .retry
                .may_retry(attempt, started.elapsed(), wait)
                || started.elapsed().saturating_add(wait) >= total
            {
                return Err(err);
            }
            tokio::time::sleep(wait).await;
        }
    }

    async fn send(&self, request: reqwest::Request) -> Result<RawResponse, Error> {
        let mut response = self.http.execute(request).await.map_err(transport_error)?;
        let status = response.status().as_u16();
        // Taken, not cloned: the body is read through `chunk`, which needs no headers.
        let headers = std::mem::take(response.headers_mut());
        let cap = self.config.max_response_bytes;
        let too_large = || {
            Error::new(
                ErrorKind::Decode,
                format!("response body larger than the {cap}-byte cap"),
            )
            .with_http_status(status)
            .with_retryable(false)
        };
        let declared = response.content_length();
        if declared.is_some_and(|n| n > cap as u64) {
            return Err(too_large());
        }
        // One allocation for a declared length (at most 64 KiB up front, so that a length
        // the server does not send costs no more than that).
        let mut body = Vec::with_capacity(
            declared
                .and_then(|n| usize::try_from(n).ok())
                .map_or(0, |n| n.min(PREALLOCATED_BODY_BYTES)),
        );
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| transport_error(e).with_http_status(status))?
        {
            if body.len() + chunk.len() > cap {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(RawResponse {
            status,
            headers,
            body,
        })
    }
}

/// The most [`Transport`] reserves for a body before reading it, from its `Content-Length`.
const PREALLOCATED_BODY_BYTES: usize = 64 * 1024;

/// A duration as seconds for messages: `10 s`, `0.25 s`.
fn seconds(d: Duration) -> String {
    // Rounded to the millisecond: the budget left of a total timeout is never round.
    let ms = d.as_micros().saturating_add(500) / 1000;
    let (whole, frac) = (ms / 1000, ms % 1000);
    if frac == 0 {
        format!("{whole} s")
    } else {
        let frac = format!("{frac:03}");
        format!("{whole}.{} s", frac.trim_end_matches('0'))
    }
}

/// Turns a reqwest failure into a transport error whose message says what happened and
/// where (`connection refused by 127.0.0.1:9`); the reqwest error stays as `source()`.
fn transport_error(e: reqwest::Error) -> Error {
    let cause = transport_cause(&e);
    let kind = match cause {
        TransportCause::TimedOut | TransportCause::ConnectTimedOut => ErrorKind::Timeout,
        _ => ErrorKind::Transport,
    };
    let place = e.url().map(|u| {
        let host = u.host_str().unwrap_or("?");
        match u.port_or_known_default() {
            Some(port) if host.contains(':') => format!("[{host}]:{port}"),
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        }
    });
    let message = match (cause, place) {
        (TransportCause::ConnectionRefused, Some(p)) => format!("connection refused by {p}"),
        (TransportCause::DnsLookupFailed, Some(p)) => {
            format!(
                "DNS lookup failed for {}",
                p.rsplit_once(':').map_or(p.as_str(), |(h, _)| h)
            )
        }
        (TransportCause::ConnectionReset, Some(p)) => {
            format!("connection to {p} reset before the whole answer arrived")
        }
        (c, Some(p)) => format!("{c} ({p})"),
        (c, None) => c.as_str().to_owned(),
    };
    Error::new(kind, message)
        .with_transport_cause(cause)
        .with_source(e)
}

/// Reads what happened from the error chain: I/O error kinds first, then the connector's
/// own descriptions (hyper-util names DNS failures `dns error`; rustls failures mention TLS
/// or the certificate).
fn transport_cause(e: &reqwest::Error) -> TransportCause {
    use std::error::Error as _;
    let connect = e.is_connect();
    let mut texts = Vec::new();
    let mut next: Option<&(dyn std::error::Error + 'static)> = e.source();
    while let Some(err) = next {
        // An `io::Error` wrapping another (hyper-util wraps rustls' `InvalidData` in an
        // `Other`) hides it from `source()`: look through `get_ref` as well.
        let mut io_err = err.downcast_ref::<std::io::Error>();
        while let Some(inner) = io_err
            .filter(|io| io.kind() == std::io::ErrorKind::Other)
            .and_then(|io| io.get_ref())
            .and_then(|inner| inner.downcast_ref::<std::io::Error>())
        {
            io_err = Some(inner);
        }
        if let Some(io) = io_err {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return TransportCause::ConnectionRefused,
                std::io::ErrorKind::ConnectionReset
                | std::io::ErrorKind::ConnectionAborted
                | std::io::ErrorKind::BrokenPipe
                | std::io::ErrorKind::UnexpectedEof => return TransportCause::ConnectionReset,
                std::io::ErrorKind::TimedOut if connect => return TransportCause::ConnectTimedOut,
                std::io::ErrorKind::TimedOut => return TransportCause::TimedOut,
                // While connecting, only the TLS layer reports bytes it cannot read (rustls
                // wraps its errors so: "received corrupt message", a bad certificate, …).
                std::io::ErrorKind::InvalidData if connect => {
                    return TransportCause::TlsHandshakeFailed;
                }
                _ => {}
            }
        }
        texts.push(err.to_string().to_ascii_lowercase());
        next = err.source();
    }
    let any = |needle: &str| texts.iter().any(|t| t.contains(needle));
    if any("dns error") || any("failed to lookup address") || any("name or service not known") {
        TransportCause::DnsLookupFailed
    } else if any("certificate") || any("tls") || any("handshake") {
        TransportCause::TlsHandshakeFailed
    } else if e.is_timeout() {
        if connect {
            TransportCause::ConnectTimedOut
        } else {
            TransportCause::TimedOut
        }
    } else if any("connection closed") || any("reset") || any("incomplete message") {
        TransportCause::ConnectionReset
    } else {
        TransportCause::Other
    }
}

/// The `Retry-After` delay of a response, if it sent a valid one.
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, SystemTime::now()))
}
