//! issue 12 §1: every path of recq that can quote what the user gave it, with a secret in
//! the environment and in the config file: bad flags, stray words, bad flag values, a bad
//! `endpoint` in the file, `--dry-run` and `-v`/`-vv` tracing of every vendor. Every run goes
//! through [`support::run`], which fails on any secret of [`support::SECRETS`] and on the
//! Agora Basic token of [`support::AGORA_CUSTOMER_ID`] with any of them.
#![allow(clippy::unwrap_used)] // test code: a failure should panic

#[allow(dead_code)] // each test file uses part of the shared support
mod support;

use support::{
    AGORA_CUSTOMER_ID, AGORA_SECRET, CONFIG_SECRET, QING_SECRET, Run, VOLC_SECRET, VOLC_TOKEN,
    ZEGO_SECRET,
};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Every vendor's credentials, secrets included, as environment variables (the Volcengine
/// ones with an STS session token).
const ENV: &[(&str, &str)] = &[
    ("ZEGO_APP_ID", "1234567890"),
    ("ZEGO_SERVER_SECRET", ZEGO_SECRET),
    ("QINGCLOUD_ACCESS_KEY_ID", "QYACCESSKEYID"),
    ("QINGCLOUD_SECRET_ACCESS_KEY", QING_SECRET),
    ("VOLC_ACCESSKEY", "AKLTaccesskey"),
    ("VOLC_SECRETKEY", VOLC_SECRET),
    ("VOLC_SESSION_TOKEN", VOLC_TOKEN),
    ("AGORA_CUSTOMER_ID", AGORA_CUSTOMER_ID),
    ("AGORA_CUSTOMER_SECRET", AGORA_SECRET),
];

/// One query command per vendor, with the fixture its answer is read from.
const COMMANDS: &[(&[&str], &str)] = &[
    (
        &["zego", "status", "X3CgNeE4I1qAAABN"],
        "zego/describe_record_status/doc_example.json",
    ),
    (
        &["qingcloud", "list", "--app-id", "a", "--channel", "c"],
        "qingcloud/list_recordings/doc_example.json",
    ),
    (
        &[
            "volc", "task", "--app-id", "a", "--room", "r", "--task", "t",
        ],
        "volc/get_record_task/doc_example.json",
    ),
    (
        &[
            "agora",
            "query",
            "--app-id",
            "a",
            "--resource-id",
            "r",
            "--sid",
            "s",
            "--mode",
            "mix",
        ],
        "agora/query/doc_example.json",
    ),
];

fn fixture(rel: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A config file whose default profile holds a secret for every vendor (the environment,
/// when set, wins over it), in a directory that lives as long as the returned guard.
fn config_with_secrets(extra: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("recq.toml");
    std::fs::write(
        &path,
        format!(
            "[profiles.default.zego]\napp_id = \"1\"\nserver_secret = \"{CONFIG_SECRET}\"\n{extra}\n\
             [profiles.default.agora]\ncustomer_id = \"{AGORA_CUSTOMER_ID}\"\ncustomer_secret = \"{CONFIG_SECRET}\"\n"
        ),
    )
    .unwrap();
    (dir, path.to_str().unwrap().to_owned())
}

/// [`support::run`] off the async test thread.
async fn recq(args: Vec<String>, env: Vec<(String, String)>) -> Run {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        support::run(&args, &env)
    })
    .await
    .unwrap()
}

fn owned(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| (*s).to_owned()).collect()
}

fn owned_env(env: &[(&str, &str)]) -> Vec<(String, String)> {
    env.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// A misspelled flag (recq has no credential flag: `--server-secret` does not exist) is a
/// usage error naming the flag, never the value given with it, in either spelling
/// (`--flag=VALUE` or `--flag VALUE`), for a secret the environment holds too.
#[test]
fn a_misspelled_flag_is_named_but_its_value_never_echoed() {
    let with_value = format!("--server-secret={ZEGO_SECRET}");
    let short = format!("-s{ZEGO_SECRET}");
    let agora = format!("--customer-secret={AGORA_SECRET}");
    for (args, name) in [
        (
            vec!["zego", "status", "X3CgNeE4I1qAAABN", &with_value],
            "--server-secret",
        ),
        (
            vec![
                "zego",
                "status",
                "X3CgNeE4I1qAAABN",
                "--server-secret",
                ZEGO_SECRET,
            ],
            "--server-secret",
        ),
        (
            vec!["zego", "status", &with_value, "X3CgNeE4I1qAAABN"],
            "--server-secret",
        ),
        (vec![agora.as_str(), "agora", "query"], "--customer-secret"),
        (
            vec!["-vv", "zego", "status", "X3CgNeE4I1qAAABN", &short],
            "-s",
        ),
    ] {
        let r = support::run(&args, ENV);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
        assert!(
            r.stderr
                .starts_with(&format!("error: unexpected argument '{name}' found")),
            "names the flag: {args:?}: {}",
            r.stderr
        );
    }
}

/// A word that no flag takes (an extra positional, one after `--`, an unknown subcommand) is
/// never quoted: it is where a secret pasted by mistake lands. The error still says what is
/// wrong and shows the usage of the command it was given to.
#[test]
fn a_stray_word_is_never_echoed() {
    for (args, what, usage) in [
        (
            &["zego", "status", "X3CgNeE4I1qAAABN", ZEGO_SECRET][..],
            "error: unexpected argument '<not shown: a stray word may be a pasted secret>' found",
            "Usage: recq zego status",
        ),
        (
            &["zego", "status", "X3CgNeE4I1qAAABN", "--", ZEGO_SECRET],
            "error: unexpected argument '<not shown: a stray word may be a pasted secret>' found",
            "Usage: recq zego status",
        ),
        (
            &[ZEGO_SECRET],
            "error: unrecognized subcommand '<not shown: a stray word may be a pasted secret>'",
            "Usage: recq [OPTIONS] <COMMAND>",
        ),
        (
            &["-vv", "agora", AGORA_SECRET],
            "error: unrecognized subcommand '<not shown: a stray word may be a pasted secret>'",
            "Usage: recq agora",
        ),
    ] {
        let r = support::run(args, ENV);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
        assert!(r.stderr.starts_with(what), "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(usage), "{args:?}: {}", r.stderr);
    }
    // A misspelt subcommand still gets its suggestion (a known name, not the word).
    let r = support::run(&["zgo"], ENV);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!r.stderr.contains("'zgo'"), "{}", r.stderr);
    assert!(r.stderr.contains("'zego'"), "{}", r.stderr);
}

/// Decision: the bad value of a real flag is quoted (`invalid value 'x' for '--interval'`):
/// the user just typed it on their own command line, and no recq flag takes a credential
/// (credentials come only from the environment and the config file). What the environment
/// and the config file hold is never quoted: both hold secrets here.
#[test]
fn a_bad_value_of_a_real_flag_is_quoted_but_nothing_from_the_environment_or_the_file() {
    let (_dir, config) = config_with_secrets("");
    for (args, quoted) in [
        (
            &[
                "--interval",
                "notaduration",
                "zego",
                "status",
                "X3CgNeE4I1qAAABN",
            ][..],
            "invalid value 'notaduration' for '--interval <INTERVAL>'",
        ),
        (
            &["--retries", "many", "zego", "status", "X3CgNeE4I1qAAABN"],
            "invalid value 'many' for '--retries <N>'",
        ),
        (
            &["--output", "yaml", "zego", "status", "X3CgNeE4I1qAAABN"],
            "invalid value 'yaml' for '--output <OUTPUT>'",
        ),
        (
            &[
                "zego",
                "status",
                "X3CgNeE4I1qAAABN",
                "--endpoint",
                "nohost:9",
            ],
            "--endpoint: `nohost:9` is not an absolute URL",
        ),
    ] {
        let mut all = vec!["--config", config.as_str(), "-vv"];
        all.extend(args);
        // Through the environment and through the file.
        for env in [ENV, &[]] {
            let r = support::run(&all, env);
            assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
            assert!(r.stderr.contains(quoted), "{args:?}: {}", r.stderr);
        }
    }
}

/// A bad `endpoint` in the config file names the file, the section and the key, and is not
/// quoted (values of the file are never echoed; a URL may carry `user:password@`).
#[test]
fn a_bad_endpoint_in_the_file_is_named_not_quoted() {
    let (_dir, config) = config_with_secrets(&format!("endpoint = \"user:{CONFIG_SECRET}@host\""));
    for verbosity in [&[][..], &["-vv"]] {
        let mut all = vec!["--config", config.as_str()];
        all.extend(verbosity);
        all.extend(["zego", "status", "X3CgNeE4I1qAAABN"]);
        let r = support::run(&all, &[]);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stderr
                .starts_with("recq: `endpoint` under [profiles.default.zego] in ")
                && r.stderr
                    .contains("recq.toml: the value (not shown) is not an absolute URL"),
            "{}",
            r.stderr
        );
    }
}

/// `--dry-run` of every vendor prints the signed request with no secret: not the ZEGO,
/// QingCloud and Volcengine secrets (signatures only), not the Volcengine session token
/// (`x-security-token: [redacted]`), and not the Agora Basic token, base64 of
/// `customer_id:customer_secret` (`authorization: Basic [redacted]`); at every verbosity,
/// with the credentials in the environment and in the config file.
#[tokio::test]
async fn dry_run_of_every_vendor_shows_no_secret_nor_a_secret_equivalent_token() {
    let (_dir, config) = config_with_secrets("");
    for (command, _) in COMMANDS {
        for verbosity in [&[][..], &["-v"], &["-vv"]] {
            for env in [ENV, &[][..]] {
                if env.is_empty() && !matches!(command[0], "zego" | "agora") {
                    continue; // the file holds only ZEGO and Agora credentials
                }
                let mut args = vec!["--config", config.as_str()];
                args.extend(verbosity);
                args.extend(*command);
                args.extend(["--dry-run", "--endpoint", "http://127.0.0.1:9"]);
                let r = recq(owned(&args), owned_env(env)).await;
                assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
                let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
                let headers = v["headers"].as_object().unwrap();
                match command[0] {
                    "agora" => assert_eq!(headers["authorization"], "Basic [redacted]"),
                    "volc" => assert_eq!(headers["x-security-token"], "[redacted]"),
                    _ => {}
                }
            }
        }
    }
}

/// `-v` and `-vv` trace every request of every vendor to stderr, with no secret, session
/// token or Basic token in it, for a call that succeeds and for one the vendor refuses.
#[tokio::test]
async fn verbose_tracing_of_every_vendor_shows_no_secret() {
    for (command, answer) in COMMANDS {
        for (status, body) in [(200, fixture(answer)), (401, String::from("{}"))] {
            let s = MockServer::start().await;
            Mock::given(wiremock::matchers::any())
                .respond_with(ResponseTemplate::new(status).set_body_string(body))
                .mount(&s)
                .await;
            for verbosity in ["-v", "-vv"] {
                let uri = s.uri();
                let mut args = vec![verbosity, "--retries", "0"];
                args.extend(*command);
                args.extend(["--endpoint", &uri]);
                let r = recq(owned(&args), owned_env(ENV)).await;
                if status == 200 {
                    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
                } else {
                    assert_ne!(r.code, 0, "{args:?}: {}", r.stderr);
                }
                assert!(
                    r.stderr.contains("request{vendor="),
                    "{args:?} traces its request: {}",
                    r.stderr
                );
            }
            // The requests did carry the secret-equivalent forms the scan looks for.
            if command[0] == "agora" {
                let sent = s.received_requests().await.unwrap();
                let auth = sent[0].headers["authorization"].to_str().unwrap();
                assert_eq!(
                    support::find_secret(auth).map(|l| l.contains("Basic token")),
                    Some(true)
                );
            }
            if command[0] == "volc" {
                let sent = s.received_requests().await.unwrap();
                assert_eq!(sent[0].headers["x-security-token"], VOLC_TOKEN);
            }
        }
    }
}
