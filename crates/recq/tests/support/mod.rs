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

/// Every secret known to the recq tests: none may appear in any output.
pub const SECRETS: &[&str] = &[
    ZEGO_SECRET,
    QING_SECRET,
    VOLC_SECRET,
    AGORA_SECRET,
    CONFIG_SECRET,
];

/// The first secret of [`SECRETS`] that `text` contains.
pub fn find_secret(text: &str) -> Option<&'static str> {
    SECRETS.iter().copied().find(|s| text.contains(s))
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
    }
    run
}

/// Panics, naming the stream and the arguments but not the secret, if a secret was printed.
fn assert_no_secret(args: &[&str], run: &Run) {
    for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        if let Some(secret) = find_secret(text) {
            let which = SECRETS.iter().position(|s| *s == secret).unwrap();
            panic!("recq {args:?} printed secret #{which} of support::SECRETS on {stream}");
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
        assert_eq!(find_secret(&leaked.stderr), Some(*secret));
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
