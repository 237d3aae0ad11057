//! `--watch` against the record-emulator, started in this process, with its `drop` fault
//! (the connection is closed without a byte of the answer): the wait ends with exit code 6
//! and the cause, following the rule of `Waiter::max_transport_failures` (a first poll that
//! gets no answer ends the wait at once; after an answer, three failures in a row do, the
//! first two being reported as `poll failed, retrying`).
#![allow(clippy::unwrap_used)] // test code: a failure should panic

#[allow(dead_code)] // each test file uses part of the shared support
mod support;

use record_emulator::{Emulator, Fault, FaultPlan, RecordingSpec, Vendor};
use support::Run;

const ZEGO_TASK: &str = "X3CgNeE4I1qAAABN";

/// One command per vendor that follows one recording.
fn command(vendor: Vendor) -> Vec<&'static str> {
    match vendor {
        Vendor::Zego => vec!["zego", "status", ZEGO_TASK],
        Vendor::Volcengine => vec![
            "volc", "task", "--app-id", "a", "--room", "r", "--task", "t",
        ],
        Vendor::Agora => vec![
            "agora",
            "query",
            "--app-id",
            "a",
            "--resource-id",
            "rid",
            "--sid",
            "sid",
            "--mode",
            "mix",
        ],
        // QingCloud lists recordings: `--watch` does not apply.
        _ => Vec::new(),
    }
}

/// Runs `recq <command> --watch` against the emulator's `vendor` with the emulator's
/// credentials in the environment, and checks (beyond [`support::run`]'s scan) that none of
/// the emulator's secrets is printed.
async fn watch(emu: &Emulator, vendor: Vendor, extra: &[&str]) -> Run {
    let mut args: Vec<String> = command(vendor).into_iter().map(str::to_owned).collect();
    args.extend(
        [
            "--watch",
            "--interval",
            "10ms",
            "--max-wait",
            "20s",
            "--endpoint",
        ]
        .map(str::to_owned),
    );
    args.push(emu.base_url(vendor));
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let env: Vec<(String, String)> = emu
        .credentials_env(vendor)
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    let secrets: Vec<String> = env
        .iter()
        .filter(|(k, _)| k.contains("SECRET"))
        .map(|(_, v)| v.clone())
        .collect();
    let run = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        support::run(&args, &env)
    })
    .await
    .unwrap();
    assert!(!secrets.is_empty());
    for secret in &secrets {
        assert!(
            !run.stdout.contains(secret.as_str()) && !run.stderr.contains(secret.as_str()),
            "{vendor:?}: the emulator's secret was printed"
        );
    }
    run
}

/// The cause record-core gives a connection closed before any answer
/// (`TransportCause::ConnectionReset`), with the place.
fn reset_by(emu: &Emulator, vendor: Vendor) -> String {
    format!(
        "connection to {} reset before the whole answer arrived",
        emu.addr(vendor)
    )
}

/// Every answer is a `drop`: the first poll gets no answer (after the client's own retry),
/// so the wait ends at once with exit code 6 and the cause, for every vendor that can be
/// watched; nothing is printed on stdout and no poll is reported as retried.
#[tokio::test]
async fn watch_against_an_endpoint_that_drops_every_connection_ends_with_the_cause_exit_6() {
    let mut builder = Emulator::builder().rate_limits(false);
    for v in Vendor::ALL {
        builder = builder.faults(
            v,
            FaultPlan::share(1.0, [Fault::DropConnection]).with_seed(1),
        );
    }
    let emu = builder.start().await.unwrap();
    for vendor in [Vendor::Zego, Vendor::Volcengine, Vendor::Agora] {
        let r = watch(&emu, vendor, &["--retries", "1"]).await;
        assert_eq!(r.code, 6, "{vendor:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{vendor:?}: {}", r.stdout);
        let last = r.stderr.lines().last().unwrap_or_default();
        assert!(
            last.starts_with("recq: ") && last.contains(&reset_by(&emu, vendor)),
            "{vendor:?}: the cause and the place: {}",
            r.stderr
        );
        assert!(
            !r.stderr.contains("poll failed, retrying"),
            "{vendor:?}: a first poll without an answer ends the wait: {}",
            r.stderr
        );
    }
    emu.shutdown().await;
}

/// The first poll is answered (the fault sequence starts with a no-op `delay:0`), then every
/// connection is dropped: the first two failures are reported as retried, the third ends
/// the wait with exit code 6 and the cause; stdout has the one observed state.
#[tokio::test]
async fn watch_that_was_answered_survives_two_drops_and_gives_up_at_the_third() {
    let plan = FaultPlan {
        sequence: vec![Fault::Delay { ms: 0 }],
        ..FaultPlan::share(1.0, [Fault::DropConnection]).with_seed(1)
    };
    let emu = Emulator::builder()
        .rate_limits(false)
        .faults(Vendor::Zego, plan)
        .start()
        .await
        .unwrap();
    emu.create_recording(RecordingSpec::new(Vendor::Zego).id(ZEGO_TASK))
        .unwrap();
    // --retries 0: one request per poll, so every poll after the first is one drop.
    let r = watch(&emu, Vendor::Zego, &["--retries", "0"]).await;
    assert_eq!(r.code, 6, "{}", r.stderr);
    let retried: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.contains("poll failed, retrying"))
        .collect();
    assert_eq!(retried.len(), 2, "two survived drops: {}", r.stderr);
    for line in &retried {
        assert!(line.contains(&reset_by(&emu, Vendor::Zego)), "{line}");
    }
    let last = r.stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("recq: ZEGO DescribeRecordStatus: ")
            && last.contains(&reset_by(&emu, Vendor::Zego)),
        "the cause of the third: {}",
        r.stderr
    );
    let states: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(states.len(), 1, "{}", r.stdout);
    assert_eq!(states[0]["task"]["task_id"], ZEGO_TASK);
    assert!(
        matches!(states[0]["state"].as_str(), Some("starting" | "recording")),
        "{}",
        r.stdout
    );
    emu.shutdown().await;
}
