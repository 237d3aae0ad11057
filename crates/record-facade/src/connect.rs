//! Building any vendor's client from configuration, behind `Box<dyn RecordingClient>` (query and control), so an
//! application can switch vendors by changing a setting.

use record_core::service::{Protocol, ServiceBuilder};
use record_core::transport::Timeouts;
use record_core::{Error, RecordingClient, RetryPolicy, Vendor};

/// How to build a client, the same for every vendor. Credentials are looked up by the
/// vendor's documented environment-variable names (see [`connect`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientConfig {
    /// A documented host, by name (ZEGO `sha`, Volcengine `ap-singapore-1`, …).
    pub host: Option<String>,
    /// Any base URL (proxy, local emulator); wins over `host`.
    pub base_url: Option<String>,
    /// Timeouts (the defaults when `None`).
    pub timeouts: Option<Timeouts>,
    /// Retry policy (the default when `None`).
    pub retry: Option<RetryPolicy>,
    /// Client-side rate limit: `None` keeps the vendor's documented one, `Some(None)`
    /// turns it off, `Some(Some(n))` sets `n` per second.
    pub rate_limit: Option<Option<u32>>,
    /// `User-Agent` (the SDK's when `None`).
    pub user_agent: Option<String>,
}

impl ClientConfig {
    /// Applies these settings to any vendor's builder (every vendor client is built by the
    /// same [`ServiceBuilder`]).
    pub fn apply<P: Protocol>(&self, mut builder: ServiceBuilder<P>) -> ServiceBuilder<P> {
        if let Some(h) = &self.host {
            builder = builder.host(h.clone());
        }
        if let Some(u) = &self.base_url {
            builder = builder.base_url(u.clone());
        }
        if let Some(t) = self.timeouts {
            builder = builder.timeouts(t);
        }
        if let Some(r) = self.retry {
            builder = builder.retry_policy(r);
        }
        if let Some(r) = self.rate_limit {
            builder = builder.rate_limit(r);
        }
        if let Some(u) = &self.user_agent {
            builder = builder.user_agent(u.clone());
        }
        builder
    }
}

/// Builds the client of `vendor` from `config`, reading its credentials with `lookup` by
/// the vendor's environment-variable names (`ZEGO_APP_ID`, `ZEGO_SERVER_SECRET`;
/// `QINGCLOUD_ACCESS_KEY_ID`, `QINGCLOUD_SECRET_ACCESS_KEY`; `VOLC_ACCESSKEY`,
/// `VOLC_SECRETKEY`, `VOLC_SESSION_TOKEN`; `AGORA_CUSTOMER_ID`, `AGORA_CUSTOMER_SECRET`).
/// Pass `|name| std::env::var(name).ok()` to read the environment.
///
/// ```
/// # #[cfg(feature = "zego")] {
/// use record_facade::{ClientConfig, Vendor, connect};
/// let vars = |name: &str| match name {
///     "ZEGO_APP_ID" => Some("1234567890".to_owned()),
///     "ZEGO_SERVER_SECRET" => Some("0123456789abcdef0123456789abcdef".to_owned()),
///     _ => None,
/// };
/// let config = ClientConfig { base_url: Some("http://127.0.0.1:8080".into()), ..Default::default() };
/// let client = connect(Vendor::Zego, &config, vars).unwrap();
/// assert_eq!(client.vendor(), Vendor::Zego);
/// assert!(client.capabilities().list);
/// # }
/// ```
///
/// # Errors
/// [`ErrorKind::InvalidConfiguration`](record_core::ErrorKind::InvalidConfiguration) naming the
/// missing or invalid variable; [`ErrorKind::InvalidRequest`](record_core::ErrorKind::InvalidRequest)
/// for a bad host or URL, or a vendor whose cargo feature is off.
#[allow(unused_variables, unused_mut)]
pub fn connect(
    vendor: Vendor,
    config: &ClientConfig,
    mut lookup: impl FnMut(&str) -> Option<String>,
) -> Result<Box<dyn RecordingClient>, Error> {
    match vendor {
        #[cfg(feature = "zego")]
        Vendor::Zego => {
            let creds = zego_record::Credentials::from_lookup(&mut lookup)?;
            let client = config.apply(zego_record::Client::builder(creds)).build()?;
            Ok(Box::new(client))
        }
        #[cfg(feature = "qingcloud")]
        Vendor::QingCloud => {
            let creds = qingcloud_record::Credentials::from_lookup(&mut lookup)?;
            let client = config
                .apply(qingcloud_record::Client::builder(creds))
                .build()?;
            Ok(Box::new(client))
        }
        #[cfg(feature = "volc")]
        Vendor::Volcengine => {
            let creds = volc_record::Credentials::from_lookup(&mut lookup)?;
            let client = config.apply(volc_record::Client::builder(creds)).build()?;
            Ok(Box::new(client))
        }
        #[cfg(feature = "agora")]
        Vendor::Agora => {
            let creds = agora_record::Credentials::from_lookup(&mut lookup)?;
            let client = config.apply(agora_record::Client::builder(creds)).build()?;
            Ok(Box::new(client))
        }
        #[allow(unreachable_patterns)]
        other => Err(Error::invalid_parameter(
            "vendor",
            format!(
                "{other} support is not compiled in: enable the `{}` feature of record-facade",
                other.id()
            ),
        )),
    }
}

/// [`connect`] with the vendor given by its id (`zego`, `qingcloud`, `volc`, `agora`).
///
/// # Errors
/// As [`connect`]; an unknown id is an invalid `vendor` parameter.
pub fn connect_by_id(
    vendor_id: &str,
    config: &ClientConfig,
    lookup: impl FnMut(&str) -> Option<String>,
) -> Result<Box<dyn RecordingClient>, Error> {
    let vendor = Vendor::from_id(vendor_id).ok_or_else(|| {
        Error::invalid_parameter(
            "vendor",
            format!("unknown vendor `{vendor_id}` (known: zego, qingcloud, volc, agora)"),
        )
    })?;
    connect(vendor, config, lookup)
}
