//! Fault injection: what can go wrong between a client and a vendor, on purpose.
//!
//! A [`FaultPlan`] is set per vendor (builder, scenario, admin API or binary flags). For every
//! vendor request (admin requests are never faulted) the emulator first takes the next fault
//! of the plan's fixed [`sequence`](FaultPlan::sequence); once the sequence is used up, each
//! request gets a fault with probability [`share`](FaultPlan::share), drawn uniformly from
//! [`kinds`](FaultPlan::kinds) (all error kinds when empty) with a seedable random generator.
//!
//! Each [`Fault`] has a short text form, used in TOML, JSON and on the command line:
//!
//! | text | fault |
//! |---|---|
//! | `500` … `599` | that HTTP status with a plain-text body (`503 Service Unavailable`) |
//! | `429` or `429:SECS` | HTTP 429 with `Retry-After: SECS` (default 1) and the vendor's rate-limit body |
//! | `delay:MS` | wait `MS` milliseconds, then answer normally |
//! | `drop` | close the connection without sending a byte of the answer |
//! | `truncate` | send the normal answer's headers (with its full `Content-Length`) and half of its body, then close |
//! | `html` or `html:STATUS` | an HTML gateway page with HTTP `STATUS` (default 502) |
//!
//! ```
//! use record_emulator::{Fault, FaultPlan};
//! let plan: FaultPlan = "503,429:0,html,truncate,drop".parse()?;
//! assert_eq!(plan.sequence[1], Fault::TooManyRequests { retry_after_secs: 0 });
//! assert_eq!(plan.to_string(), "503,429:0,html:502,truncate,drop");
//! # Ok::<(), record_emulator::EmulatorError>(())
//! ```

use crate::error::EmulatorError;
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// One injected fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Fault {
    /// Answer with this HTTP status (500..=599) and a plain-text body.
    ServerError {
        /// The HTTP status, 500..=599.
        status: u16,
    },
    /// Answer HTTP 429 with `Retry-After` and the vendor's own rate-limit body.
    TooManyRequests {
        /// The `Retry-After` value in seconds.
        retry_after_secs: u64,
    },
    /// Handle the request, then wait before answering: the work is done, only the answer
    /// is late (a caller that gives up cannot tell whether its request took effect).
    Delay {
        /// How long to wait, in milliseconds.
        ms: u64,
    },
    /// Close the connection without answering.
    DropConnection,
    /// Send the headers and half of the normal body, then close the connection.
    TruncatedBody,
    /// Answer with an HTML page (as a gateway or proxy does) and this HTTP status.
    HtmlBody {
        /// The HTTP status of the page.
        status: u16,
    },
}

impl Fault {
    /// The error faults drawn when a plan has a share but no kinds: 503, 429 (1 s), HTML
    /// 502, truncated body and dropped connection.
    pub const DEFAULT_KINDS: [Fault; 5] = [
        Fault::ServerError { status: 503 },
        Fault::TooManyRequests {
            retry_after_secs: 1,
        },
        Fault::HtmlBody { status: 502 },
        Fault::TruncatedBody,
        Fault::DropConnection,
    ];
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::ServerError { status } => write!(f, "{status}"),
            Fault::TooManyRequests { retry_after_secs } => write!(f, "429:{retry_after_secs}"),
            Fault::Delay { ms } => write!(f, "delay:{ms}"),
            Fault::DropConnection => f.write_str("drop"),
            Fault::TruncatedBody => f.write_str("truncate"),
            Fault::HtmlBody { status } => write!(f, "html:{status}"),
        }
    }
}

impl FromStr for Fault {
    type Err = EmulatorError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = |why: &str| EmulatorError::Config(format!("fault `{text}`: {why}"));
        let t = text.trim();
        let (head, arg) = match t.split_once(':') {
            Some((h, a)) => (h, Some(a)),
            None => (t, None),
        };
        let number = |a: Option<&str>| -> Result<Option<u64>, EmulatorError> {
            a.map(|a| a.trim().parse::<u64>().map_err(|_| bad("not a number")))
                .transpose()
        };
        match head.to_ascii_lowercase().as_str() {
            "drop" => Ok(Fault::DropConnection),
            "truncate" | "truncated" => Ok(Fault::TruncatedBody),
            "delay" => Ok(Fault::Delay {
                ms: number(arg)?.ok_or_else(|| bad("delay needs milliseconds: delay:MS"))?,
            }),
            "html" => {
                let status = number(arg)?.unwrap_or(502);
                let status = u16::try_from(status)
                    .ok()
                    .filter(|s| (100..=599).contains(s))
                    .ok_or_else(|| bad("the status must be 100..=599"))?;
                Ok(Fault::HtmlBody { status })
            }
            "429" => Ok(Fault::TooManyRequests {
                retry_after_secs: number(arg)?.unwrap_or(1),
            }),
            other => match other.parse::<u16>() {
                Ok(status) if (500..=599).contains(&status) && arg.is_none() => {
                    Ok(Fault::ServerError { status })
                }
                _ => Err(bad(
                    "expected 5xx, 429[:SECS], delay:MS, drop, truncate or html[:STATUS]",
                )),
            },
        }
    }
}

impl TryFrom<String> for Fault {
    type Error = EmulatorError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<Fault> for String {
    fn from(value: Fault) -> Self {
        value.to_string()
    }
}

/// The faults of one vendor: a fixed sequence first, then a random share.
///
/// Its text form (`FromStr`/`Display`) is the sequence as comma-separated fault texts
/// (`"503,429:1,drop"`); the JSON/TOML form has all four fields (all optional):
///
/// ```json
/// {"sequence": ["503", "429:1", "html", "truncate", "drop"], "share": 0.1, "kinds": ["503", "drop"], "seed": 7}
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultPlan {
    /// Faults given to the next requests, one each, in order.
    pub sequence: Vec<Fault>,
    /// After the sequence: the probability (0.0..=1.0) that a request gets a fault.
    pub share: f64,
    /// The faults the share draws from; empty means [`Fault::DEFAULT_KINDS`].
    pub kinds: Vec<Fault>,
    /// Seed of the random generator of the share (random when absent).
    pub seed: Option<u64>,
}

impl FaultPlan {
    /// A plan with only a fixed sequence.
    pub fn sequence(faults: impl IntoIterator<Item = Fault>) -> Self {
        Self {
            sequence: faults.into_iter().collect(),
            ..Self::default()
        }
    }

    /// A plan that faults a share (0.0..=1.0) of the requests with `kinds` (all error kinds
    /// when empty).
    pub fn share(share: f64, kinds: impl IntoIterator<Item = Fault>) -> Self {
        Self {
            share,
            kinds: kinds.into_iter().collect(),
            ..Self::default()
        }
    }

    /// Sets the seed of the share's random generator.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Whether the plan injects nothing.
    pub fn is_empty(&self) -> bool {
        self.sequence.is_empty() && self.share <= 0.0
    }

    /// Checks the share is a probability.
    ///
    /// # Errors
    /// [`EmulatorError::Config`] when `share` is not within 0.0..=1.0.
    pub fn validate(&self) -> Result<(), EmulatorError> {
        if !(0.0..=1.0).contains(&self.share) {
            return Err(EmulatorError::Config(format!(
                "fault share must be within 0.0..=1.0, got {}",
                self.share
            )));
        }
        Ok(())
    }
}

impl FromStr for FaultPlan {
    type Err = EmulatorError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let sequence = text
            .split(',')
            .filter(|t| !t.trim().is_empty())
            .map(str::parse)
            .collect::<Result<Vec<Fault>, _>>()?;
        Ok(Self::sequence(sequence))
    }
}

impl fmt::Display for FaultPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let texts: Vec<String> = self.sequence.iter().map(ToString::to_string).collect();
        f.write_str(&texts.join(","))
    }
}

/// The running state of one vendor's plan.
#[derive(Debug)]
pub(crate) struct FaultState {
    plan: FaultPlan,
    next: usize,
    rng: StdRng,
    injected: u64,
}

impl FaultState {
    pub(crate) fn new(plan: FaultPlan) -> Self {
        let rng = match plan.seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_rng(&mut rand::rng()),
        };
        Self {
            plan,
            next: 0,
            rng,
            injected: 0,
        }
    }

    /// The fault for the next request, if any.
    pub(crate) fn next_fault(&mut self) -> Option<Fault> {
        let fault = if let Some(f) = self.plan.sequence.get(self.next) {
            self.next += 1;
            Some(*f)
        } else if self.plan.share > 0.0 && self.rng.random_bool(self.plan.share.clamp(0.0, 1.0)) {
            let kinds: &[Fault] = if self.plan.kinds.is_empty() {
                &Fault::DEFAULT_KINDS
            } else {
                &self.plan.kinds
            };
            let i = self.rng.random_range(0..kinds.len());
            kinds.get(i).copied()
        } else {
            None
        };
        if fault.is_some() {
            self.injected += 1;
        }
        fault
    }

    /// How many faults were injected so far.
    pub(crate) fn injected(&self) -> u64 {
        self.injected
    }

    /// What is left of the fixed sequence.
    pub(crate) fn remaining_sequence(&self) -> usize {
        self.plan.sequence.len().saturating_sub(self.next)
    }

    /// The plan.
    pub(crate) fn plan(&self) -> &FaultPlan {
        &self.plan
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_texts_round_trip() -> Result<(), EmulatorError> {
        for text in ["503", "429:2", "delay:150", "drop", "truncate", "html:503"] {
            let f: Fault = text.parse()?;
            assert_eq!(f.to_string(), text);
        }
        assert_eq!("html".parse::<Fault>()?, Fault::HtmlBody { status: 502 });
        assert_eq!(
            "429".parse::<Fault>()?,
            Fault::TooManyRequests {
                retry_after_secs: 1
            }
        );
        for bad in ["404", "delay", "html:9999", "nope", "503:1"] {
            assert!(bad.parse::<Fault>().is_err(), "{bad}");
        }
        Ok(())
    }

    #[test]
    fn sequence_then_share() -> Result<(), EmulatorError> {
        let mut plan: FaultPlan = "503,drop".parse()?;
        plan.share = 1.0;
        plan.kinds = vec![Fault::TruncatedBody];
        let mut state = FaultState::new(plan.with_seed(1));
        assert_eq!(state.next_fault(), Some(Fault::ServerError { status: 503 }));
        assert_eq!(state.next_fault(), Some(Fault::DropConnection));
        assert_eq!(state.next_fault(), Some(Fault::TruncatedBody));
        assert_eq!(state.injected(), 3);
        let mut none = FaultState::new(FaultPlan::default());
        assert_eq!(none.next_fault(), None);
        Ok(())
    }

    #[test]
    fn json_form() -> Result<(), serde_json::Error> {
        let plan: FaultPlan =
            serde_json::from_str(r#"{"sequence":["503","429:0"],"share":0.5,"seed":3}"#)?;
        assert_eq!(plan.sequence.len(), 2);
        assert_eq!(plan.seed, Some(3));
        assert!(serde_json::from_str::<FaultPlan>(r#"{"sequence":["bogus"]}"#).is_err());
        Ok(())
    }
}
