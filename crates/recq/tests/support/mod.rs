//! Shared by the recq CLI tests: runs the real binary with a clean environment and checks
//! every captured stdout and stderr for every secret the tests use (issue 12 §1), so that
//! a future leak fails the suite wherever it happens.
#![allow(clippy::unwrap_used)] // test helpers: a failure should panic

use assert_cmd::Command;

/// The ZEGO `ServerSecret` the tests use.
pub const ZEGO_SECRET: &str = "0123456789abcdef0123456789abcdef";
/// The QingCloud secret access key the tests use.
pub const QING_SECRET: &str = "qingSecretAccessKey0123456789";
/// The Volcengine SecretAccessKey the tests use.
pub const VOLC_SECRET: &str = "volcSecretAccessKey0123456789";
/// The Agora Customer Secret the tests use.
pub const AGORA_SECRET: &str = "agoraCustomerSecret0123";
/// The secret the config-file tests put on (malformed or bad) lines.
pub const CONFIG_SECRET: &str = "TOPSECRETVALUE123456";
/// The Volcengine STS session token the tests use (sent as `X-Security-Token`: as good as
/// a secret while it lasts).
pub const VOLC_TOKEN: &str = "volcSessionToken0123456789";
/// The Agora Customer ID the tests pair with a secret. Not secret itself, but
/// `base64("{id}:{secret}")`, the HTTP Basic token Agora is sent, is as good as the secret.
pub const AGORA_CUSTOMER_ID: &str = "customerid";

/// Every secret known to the recq tests: none may appear in any output.
pub const SECRETS: &[&str] = &[
    ZEGO_SECRET,
    QING_SECRET,
    VOLC_SECRET,
    AGORA_SECRET,
    CONFIG_SECRET,
    VOLC_TOKEN,
];

/// What the scan looks for: each secret of [`SECRETS`], and each secret-equivalent form
/// derived from one that goes on the wire (the Agora Basic token of [`AGORA_CUSTOMER_ID`]
/// with each secret, with and without `=` padding), each with a label that names it
/// without showing it.
fn needles() -> &'static [(String, String)] {
    static NEEDLES: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    NEEDLES.get_or_init(|| {
        let mut all = Vec::new();
        for (i, secret) in SECRETS.iter().enumerate() {
            all.push((
                format!("secret #{i} of support::SECRETS"),
                (*secret).to_owned(),
            ));
            let token = base64(format!("{AGORA_CUSTOMER_ID}:{secret}").as_bytes());
            all.push((
                format!("the Agora Basic token of AGORA_CUSTOMER_ID with secret #{i}"),
                token.trim_end_matches('=').to_owned(),
            ));
        }
        all
    })
}

/// Standard base64 with padding (RFC 4648 §4), as HTTP Basic uses it.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A label naming the first secret (of [`SECRETS`], or a secret-equivalent form derived
/// from one, such as the Agora Basic token) that `text` contains; the label never holds
/// the secret itself.
pub fn find_secret(text: &str) -> Option<&'static str> {
    needles()
        .iter()
        .find(|(_, needle)| text.contains(needle.as_str()))
        .map(|(label, _)| label.as_str())
}

/// The secrets of the emulator's built-in scenario (what `recq demo` signs with), which
/// no output may show either.
pub fn emulator_secrets() -> Vec<String> {
    let scenario = record_emulator::Scenario::example().unwrap();
    let c = &scenario.credentials;
    vec![
        c.zego.server_secret.expose().to_owned(),
        c.qingcloud.secret_access_key.expose().to_owned(),
        c.volc.secret_access_key.expose().to_owned(),
        c.agora.customer_secret.expose().to_owned(),
    ]
}

/// The HTTP Basic token of the emulator's Agora credentials (without `=` padding): as
/// good as the secret, so no output of the demo may show it either.
pub fn emulator_basic_token() -> String {
    let scenario = record_emulator::Scenario::example().unwrap();
    let agora = &scenario.credentials.agora;
    let pair = format!("{}:{}", agora.customer_id, agora.customer_secret.expose());
    base64(pair.as_bytes()).trim_end_matches('=').to_owned()
}

/// What one run printed.
pub struct Run {
    /// The exit code (-1 when killed by a signal).
    pub code: i32,
    /// Everything written to stdout.
    pub stdout: String,
    /// Everything written to stderr.
    pub stderr: String,
}

/// Runs recq with a clean environment (only `env`, and a home and config directory of its
/// own so that no real config file is read), then panics if stdout or stderr holds any
/// secret of [`SECRETS`].
pub fn run(args: &[&str], env: &[(&str, &str)]) -> Run {
    run_inner(args, env, None)
}

/// [`run`] with `stdin` as the standard input (for `--body -`).
pub fn run_with_stdin(args: &[&str], env: &[(&str, &str)], stdin: Vec<u8>) -> Run {
    run_inner(args, env, Some(stdin))
}

fn run_inner(args: &[&str], env: &[(&str, &str)], stdin: Option<Vec<u8>>) -> Run {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::cargo_bin("recq").unwrap();
    cmd.env_clear()
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    if let Some(bytes) = stdin {
        cmd.write_stdin(bytes);
    }
    let out = cmd.output().unwrap();
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert_no_secret(args, &run);
    run
}

/// Runs `recq demo …` like [`run`] with no environment, and panics if it printed a secret
/// of the emulator's scenario (the credentials the demo signs with). [`SECRETS`] is not
/// scanned here: the demo is never given them, and the ZEGO test secret happens to equal
/// the scenario's public Agora App ID.
pub fn run_demo(args: &[&str]) -> Run {
    run_demo_with(args, &[])
}

/// [`run_demo`] with `env` (no credentials: `COLUMNS`, `NO_COLOR` and the like).
pub fn run_demo_with(args: &[&str], env: &[(&str, &str)]) -> Run {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::cargo_bin("recq").unwrap();
    cmd.env_clear()
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        for (which, secret) in emulator_secrets().iter().enumerate() {
            assert!(!secret.is_empty());
            assert!(
                !text.contains(secret.as_str()),
                "recq {args:?} printed emulator secret #{which} on {stream}"
            );
        }
        assert!(
            !text.contains(&emulator_basic_token()),
            "recq {args:?} printed the emulator's Agora Basic token on {stream}"
        );
    }
    run
}

/// Panics, naming the stream and the arguments but not the secret, if a secret was printed.
fn assert_no_secret(args: &[&str], run: &Run) {
    for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        if let Some(which) = find_secret(text) {
            panic!("recq {args:?} printed {which} on {stream}");
        }
    }
}

#[test]
fn the_secret_scan_catches_every_known_secret() {
    for secret in SECRETS {
        let leaked = Run {
            code: 1,
            stdout: String::new(),
            stderr: format!("recq: oops {secret}\n"),
        };
        assert!(find_secret(&leaked.stderr).is_some());
        let caught = std::panic::catch_unwind(|| assert_no_secret(&["x"], &leaked));
        assert!(caught.is_err(), "a leaked secret must fail the run");
    }
    let clean = Run {
        code: 0,
        stdout: "state: completed".to_owned(),
        stderr: String::new(),
    };
    assert_no_secret(&["x"], &clean);
}

#[test]
fn the_secret_scan_catches_the_agora_basic_token_of_every_secret() {
    for secret in SECRETS {
        let token = base64(format!("{AGORA_CUSTOMER_ID}:{secret}").as_bytes());
        let leaked = format!("authorization: Basic {token}");
        assert!(
            !leaked.contains(secret),
            "the token is not the secret itself"
        );
        let label = find_secret(&leaked).unwrap();
        assert!(label.contains("Basic token"), "{label}");
        assert!(!label.contains(secret));
    }
}

#[test]
fn base64_matches_the_rfc_4648_test_vectors() {
    for (plain, encoded) in [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ] {
        assert_eq!(base64(plain.as_bytes()), encoded);
    }
    // The example of RFC 7617 (HTTP Basic).
    assert_eq!(
        base64(b"Aladdin:open sesame"),
        "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
    );
}
