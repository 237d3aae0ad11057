//! issue 12 §1: a malformed config file never echoes its content (a secret may be on
//! the offending line). For every credential key of every vendor.
#![allow(clippy::unwrap_used)] // test: a failure should panic

#[allow(dead_code)] // each test file uses part of the shared support
mod support;

use support::CONFIG_SECRET as SECRET;

/// Every credential key of every vendor, as recq itself lists them (a key added there is
/// covered here without further ado).
fn keys() -> impl Iterator<Item = (&'static str, &'static str)> {
    recq::config::CREDENTIAL_KEYS
        .iter()
        .map(|c| (c.vendor, c.key))
}

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
    for (vendor, key) in keys() {
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
    for (vendor, key) in keys() {
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

/// A valid value of every credential key (the secrets are those of [`support::SECRETS`]).
fn valid(var: &str) -> &'static str {
    match var {
        "ZEGO_APP_ID" => "1234567890",
        "ZEGO_SERVER_SECRET" => support::ZEGO_SECRET,
        "QINGCLOUD_ACCESS_KEY_ID" => "QYACCESSKEYID",
        "QINGCLOUD_SECRET_ACCESS_KEY" => support::QING_SECRET,
        "VOLC_ACCESSKEY" => "AKLTaccesskey",
        "VOLC_SECRETKEY" => support::VOLC_SECRET,
        "VOLC_SESSION_TOKEN" => support::VOLC_TOKEN,
        "AGORA_CUSTOMER_ID" => support::AGORA_CUSTOMER_ID,
        "AGORA_CUSTOMER_SECRET" => support::AGORA_SECRET,
        other => panic!("no valid test value for {other}: add one"),
    }
}

/// A value of a credential that recq refuses: its TOML form in the file, its form in the
/// environment (`None`: a TOML type the environment cannot have) and a text of it that no
/// output may show (beyond [`support::SECRETS`], which every run is scanned for).
struct Bad {
    toml: String,
    env: Option<String>,
    hidden: &'static str,
}

/// The refused values of a key: the empty string (for the optional session token, which
/// an empty value leaves unset: blanks), a value with a control character holding the
/// secret (for the keys whose rules refuse one), ZEGO's `app_id` with a letter, an array,
/// and an integer where only a string is accepted.
fn bad_values(vendor: &str, key: &str) -> Vec<Bad> {
    let mut bad = Vec::new();
    if key == "session_token" {
        bad.push(Bad {
            toml: "\"   \"".to_owned(),
            env: Some("   ".to_owned()),
            hidden: SECRET,
        });
    } else {
        bad.push(Bad {
            toml: "\"\"".to_owned(),
            env: Some(String::new()),
            hidden: SECRET,
        });
    }
    // Every key refuses a control character (a trailing newline pasted from a file).
    {
        bad.push(Bad {
            toml: format!("\"{SECRET}\\n\""),
            env: Some(format!("{SECRET}\n")),
            hidden: SECRET,
        });
    }
    if key == "app_id" {
        bad.push(Bad {
            toml: format!("\"12x{SECRET}\""),
            env: Some(format!("12x{SECRET}")),
            hidden: SECRET,
        });
    }
    bad.push(Bad {
        toml: format!("[\"{SECRET}\"]"),
        env: None,
        hidden: SECRET,
    });
    if !(vendor == "zego" && key == "app_id") {
        bad.push(Bad {
            toml: "918273645".to_owned(),
            env: None,
            hidden: "918273645",
        });
    }
    bad
}

/// issue 12 §1 and §2, for every credential key of every vendor: a refused value in the
/// config file (empty, a control character, the wrong type) is a configuration error
/// naming the file, the section and the key, never the value; the same value in the
/// environment names the variable, never the value; at every verbosity.
#[test]
fn a_bad_value_of_every_credential_key_names_its_place_never_the_value() {
    for c in recq::config::CREDENTIAL_KEYS {
        let siblings: Vec<_> = recq::config::CREDENTIAL_KEYS
            .iter()
            .filter(|s| s.vendor == c.vendor && s.var != c.var)
            .collect();
        for bad in bad_values(c.vendor, c.key) {
            // In the file, next to valid values of the vendor's other keys.
            let mut config = format!("[profiles.default.{}]\n", c.vendor);
            for s in &siblings {
                config.push_str(&format!("{} = \"{}\"\n", s.key, valid(s.var)));
            }
            config.push_str(&format!("{} = {}\n", c.key, bad.toml));
            let place = format!("key `{}` in section [profiles.default.{}]", c.key, c.vendor);
            for verbosity in [&[][..], &["-vv"][..]] {
                // Nothing listens there: should the value be taken, no vendor is called.
                let mut args: Vec<&str> = vec!["--endpoint", "http://127.0.0.1:9"];
                args.extend(verbosity);
                args.extend(command(c.vendor));
                let (code, stdout, stderr) = run(&config, &args);
                let what = format!("{} = {} in the file {verbosity:?}", c.key, bad.toml);
                assert_eq!(code, 2, "{what}: {stderr}");
                assert!(stdout.is_empty(), "{what}: {stdout}");
                assert!(
                    stderr.starts_with("recq: config file ") && stderr.contains("recq.toml: "),
                    "{what}: names the file first: {stderr}"
                );
                assert!(stderr.contains(&place), "{what}: {stderr}");
                assert!(
                    !stderr.contains(&format!("environment variable {}", c.var)),
                    "{what}: {stderr}"
                );
                assert!(!stderr.contains(bad.hidden), "{what}: {stderr}");
            }
            // In the environment (which wins over the file), with the others valid there.
            let Some(env_value) = &bad.env else { continue };
            let mut env: Vec<(&str, &str)> =
                siblings.iter().map(|s| (s.var, valid(s.var))).collect();
            env.push((c.var, env_value));
            let config = format!(
                "[profiles.default.{}]\n{} = \"{}\"\n",
                c.vendor,
                c.key,
                valid(c.var)
            );
            for verbosity in [&[][..], &["-vv"][..]] {
                // Nothing listens there: should the value be taken, no vendor is called.
                let mut args: Vec<&str> = vec!["--endpoint", "http://127.0.0.1:9"];
                args.extend(verbosity);
                args.extend(command(c.vendor));
                let (code, stdout, stderr) = run_with_env(&config, &args, &env);
                let what = format!("{}={env_value:?} {verbosity:?}", c.var);
                assert_eq!(code, 2, "{what}: {stderr}");
                assert!(stdout.is_empty(), "{what}: {stdout}");
                assert!(
                    stderr.starts_with(&format!("recq: environment variable {}: ", c.var)),
                    "{what}: {stderr}"
                );
                assert!(!stderr.contains(&place), "{what}: {stderr}");
                assert!(!stderr.contains(bad.hidden), "{what}: {stderr}");
            }
        }
    }
}

/// ZEGO's `app_id` may be a TOML integer (the console shows a number); the check of the
/// type above does not refuse it.
#[test]
fn an_integer_zego_app_id_in_the_file_is_accepted() {
    let config = format!(
        "[profiles.default.zego]\napp_id = 1234567890\nserver_secret = \"{}\"\n",
        support::ZEGO_SECRET
    );
    let args = [
        "zego",
        "status",
        "X3CgNeE4I1qAAABN",
        "--dry-run",
        "--endpoint",
        "http://127.0.0.1:9",
    ];
    let (code, stdout, stderr) = run(&config, &args);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("AppId=1234567890"), "{stdout}");
}
