//! issue 12 §1: a malformed config file never echoes its content (a secret may be on
//! the offending line). For every credential key of every vendor.
#![allow(clippy::unwrap_used)] // test: a failure should panic

#[allow(dead_code)] // each test file uses part of the shared support
mod support;

use support::CONFIG_SECRET as SECRET;

const KEYS: &[(&str, &str)] = &[
    ("zego", "app_id"),
    ("zego", "server_secret"),
    ("qingcloud", "access_key_id"),
    ("qingcloud", "secret_access_key"),
    ("volc", "access_key"),
    ("volc", "secret_key"),
    ("volc", "session_token"),
    ("agora", "customer_id"),
    ("agora", "customer_secret"),
];

fn run(config: &str, args: &[&str]) -> (i32, String, String) {
    run_with_env(config, args, &[])
}

/// Writes `config` to a file and runs recq with `--config` naming it, through
/// [`support::run`] (which fails on any secret in the output).
fn run_with_env(config: &str, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("recq.toml");
    std::fs::write(&path, config).unwrap();
    let path = path.to_str().unwrap();
    let mut all = vec!["--config", path];
    all.extend(args);
    let r = support::run(&all, env);
    (r.code, r.stdout, r.stderr)
}

/// A valid command of the vendor (it needs credentials, so the config is read).
fn command(vendor: &str) -> Vec<&'static str> {
    match vendor {
        "zego" => vec!["zego", "status", "task-1"],
        "qingcloud" => vec!["qingcloud", "list", "--app-id", "a", "--channel", "c"],
        "volc" => vec![
            "volc", "task", "--app-id", "a", "--room", "r", "--task", "t",
        ],
        _ => vec![
            "agora",
            "query",
            "--app-id",
            "a",
            "--resource-id",
            "r",
            "--sid",
            "s",
            "--mode",
            "web",
        ],
    }
}

#[test]
fn a_secret_on_a_malformed_line_is_never_echoed() {
    for (vendor, key) in KEYS {
        let config = format!("[profiles.default.{vendor}]\n\n{key} = \"{SECRET}\" oops\n");
        for verbosity in [&[][..], &["-vv"][..]] {
            let mut args: Vec<&str> = verbosity.to_vec();
            args.extend(command(vendor));
            let (code, stdout, stderr) = run(&config, &args);
            assert!(!stdout.contains(SECRET), "{vendor}.{key}: stdout {stdout}");
            assert!(!stderr.contains(SECRET), "{vendor}.{key}: stderr {stderr}");
            assert!(!stderr.contains("oops"), "{vendor}.{key}: stderr {stderr}");
            assert_eq!(code, 2, "{vendor}.{key}: {stderr}");
            assert!(stderr.contains("recq.toml"), "names the file: {stderr}");
            assert!(stderr.contains("line 3"), "names the line: {stderr}");
            assert!(stderr.contains("column"), "names the column: {stderr}");
            assert!(
                stderr.contains(&format!("`{key}`")),
                "names the key: {stderr}"
            );
        }
    }
}

#[test]
fn a_secret_on_a_well_formed_line_next_to_a_bad_one_is_never_echoed() {
    for (vendor, key) in KEYS {
        let config = format!("[profiles.default.{vendor}]\n{key} = \"{SECRET}\"\nbroken = = 1\n");
        for verbosity in [&[][..], &["-vv"][..]] {
            let mut args: Vec<&str> = verbosity.to_vec();
            args.extend(command(vendor));
            let (code, stdout, stderr) = run(&config, &args);
            assert!(!stdout.contains(SECRET), "{vendor}.{key}: stdout {stdout}");
            assert!(!stderr.contains(SECRET), "{vendor}.{key}: stderr {stderr}");
            assert_eq!(code, 2, "{vendor}.{key}: {stderr}");
            assert!(stderr.contains("line 3"), "names the line: {stderr}");
        }
    }
}

#[test]
fn an_unknown_key_is_refused_naming_the_key_its_section_and_the_known_keys() {
    let config = format!(
        "[profiles.default.zego]\napp_id = \"1\"\nserver_secret = \"{SECRET}\"\nsecret_typo = \"{SECRET}\"\n"
    );
    let (code, stdout, stderr) = run(&config, &command("zego"));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("`secret_typo`"), "{stderr}");
    assert!(stderr.contains("[profiles.default.zego]"), "{stderr}");
    assert!(
        stderr.contains("app_id, server_secret, endpoint, region"),
        "{stderr}"
    );
    assert!(!stdout.contains(SECRET) && !stderr.contains(SECRET));
}

/// issue 12 §2: a missing credential is a configuration error (exit 2), phrased the same
/// way for all four vendors, listing the required settings and marking the optional ones.
#[test]
fn a_missing_credential_is_a_configuration_error_phrased_alike_for_every_vendor() {
    let cases: &[(&str, &str, &str, &str)] = &[
        ("zego", "ZEGO_APP_ID", "ZEGO_SERVER_SECRET", "app_id"),
        (
            "qingcloud",
            "QINGCLOUD_ACCESS_KEY_ID",
            "QINGCLOUD_SECRET_ACCESS_KEY",
            "access_key_id",
        ),
        ("volc", "VOLC_ACCESSKEY", "VOLC_SECRETKEY", "access_key"),
        (
            "agora",
            "AGORA_CUSTOMER_ID",
            "AGORA_CUSTOMER_SECRET",
            "customer_id",
        ),
    ];
    for (vendor, first, second, first_key) in cases {
        // Only the first credential is set (in the environment): the second is missing.
        let (code, stdout, stderr) = run_with_env("", &command(vendor), &[(first, "1")]);
        assert_eq!(code, 2, "{vendor}: {stderr}");
        assert!(stdout.is_empty(), "{vendor}: {stdout}");
        let expected = format!(
            "recq: environment variable {second} is not set; set {first} or `{first_key}`, {second} or `"
        );
        assert!(stderr.starts_with(&expected), "{vendor}: {stderr}");
        assert!(
            stderr.contains(&format!("under [profiles.default.{vendor}] in ")),
            "{vendor}: {stderr}"
        );
    }
    let (_, _, stderr) = run_with_env("", &command("volc"), &[]);
    assert!(
        stderr.contains(
            "set VOLC_ACCESSKEY or `access_key`, VOLC_SECRETKEY or `secret_key` under [profiles.default.volc] in "
        ),
        "the optional session token is not listed as required: {stderr}"
    );
    assert!(
        stderr
            .trim_end()
            .ends_with("(optional: VOLC_SESSION_TOKEN or `session_token`)"),
        "{stderr}"
    );
}

/// issue 12 §2: a bad value in the config file names the file, the section and the key (not
/// an environment variable that was never set), and the value is never echoed.
#[test]
fn a_bad_value_in_the_file_names_the_file_and_the_key() {
    // A server secret with a control character (a TOML escape), next to a bad app_id.
    for (config, key) in [
        (
            format!("[profiles.default.zego]\napp_id = \"12x{SECRET}\"\nserver_secret = \"s\"\n"),
            "app_id",
        ),
        (
            format!("[profiles.default.zego]\napp_id = \"12\"\nserver_secret = \"{SECRET}\\n\"\n"),
            "server_secret",
        ),
    ] {
        let (code, stdout, stderr) = run(&config, &command("zego"));
        assert_eq!(code, 2, "{stderr}");
        assert!(
            stderr.starts_with("recq: config file "),
            "names the file first: {stderr}"
        );
        assert!(stderr.contains("recq.toml: "), "{stderr}");
        assert!(
            stderr.contains(&format!("key `{key}` in section [profiles.default.zego]: ")),
            "{stderr}"
        );
        assert!(!stderr.contains("environment variable"), "{stderr}");
        assert!(
            !stdout.contains(SECRET) && !stderr.contains(SECRET),
            "{stderr}"
        );
    }
}

/// issue 12 §2: a bad value in the environment names the variable (and not the file, whose
/// value for the same key the environment overrides); the value is never echoed.
#[test]
fn a_bad_value_in_the_environment_names_the_variable() {
    let config = "[profiles.default.agora]\ncustomer_id = \"id\"\ncustomer_secret = \"fine\"\n";
    let bad = format!("{SECRET}\n");
    let (code, stdout, stderr) = run_with_env(
        config,
        &command("agora"),
        &[("AGORA_CUSTOMER_SECRET", bad.as_str())],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.starts_with("recq: environment variable AGORA_CUSTOMER_SECRET: "),
        "{stderr}"
    );
    assert!(
        !stderr.contains("key `customer_secret` in section"),
        "{stderr}"
    );
    assert!(
        !stdout.contains(SECRET) && !stderr.contains(SECRET),
        "{stderr}"
    );
}
