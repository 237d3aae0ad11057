//! `recq demo --watch` in a real pseudo-terminal of 80 columns (tmux), the screen read back
//! (issue 12 §4): the live progress bars redraw in place without leaving garbage, every
//! line fits the 80 columns, and the final table is there. `.ci/run` installs tmux when the
//! machine lacks it; without tmux this test fails and says so.
#![allow(clippy::unwrap_used)] // tests: a failure should panic

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

#[allow(dead_code)] // each test file uses part of the shared support
mod support;

const WIDTH: usize = 80;

/// Runs tmux on its own socket (no server of the user's is touched).
fn tmux(socket: &Path, args: &[&str]) -> std::process::Output {
    Command::new("tmux")
        .arg("-S")
        .arg(socket)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("tmux is needed for this test (.ci/run installs it): {e}"))
}

/// Kills the tmux server when the test ends, passed or not.
struct Server<'a>(&'a Path);

impl Drop for Server<'_> {
    fn drop(&mut self) {
        let _ = tmux(self.0, &["kill-server"]);
    }
}

#[test]
fn demo_watch_in_an_80_column_terminal_leaves_a_clean_screen() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("tmux.sock");
    let bin = assert_cmd::cargo::cargo_bin("recq");
    // A clean environment: a home of its own (no config file), a terminal type, a path.
    let command = format!(
        "env -i HOME={home} TERM=xterm-256color PATH=/usr/bin:/bin {bin} demo --watch --speed 4; \
         echo RECQ-EXIT=$?; sleep 60",
        home = dir.path().display(),
        bin = bin.display(),
    );
    let started = tmux(
        &socket,
        &[
            "new-session",
            "-d",
            "-x",
            &WIDTH.to_string(),
            "-y",
            "30",
            &command,
        ],
    );
    assert!(
        started.status.success(),
        "tmux new-session: {}",
        String::from_utf8_lossy(&started.stderr)
    );
    let _server = Server(&socket);
    // The whole history, wrapped lines joined (-J): a line wider than the pane shows here.
    let capture = || {
        let out = tmux(&socket, &["capture-pane", "-p", "-J", "-S", "-", "-E", "-"]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let deadline = Instant::now() + Duration::from_secs(90);
    let screen = loop {
        let screen = capture();
        if screen.contains("RECQ-EXIT=") {
            break screen;
        }
        assert!(
            Instant::now() < deadline,
            "recq demo --watch did not end:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(screen.contains("RECQ-EXIT=0"), "{screen}");
    // indicatif draws each bar line filled with spaces to the right edge and lets the
    // terminal wrap to the next, so tmux reports the block of bars as one wrapped line:
    // cut it back into rows of exactly the width. One bar per vendor, each drawn once and
    // complete: a redraw that lost count of its lines would leave earlier copies behind.
    let block_at = screen
        .lines()
        .position(|l| l.starts_with("zego       ["))
        .unwrap_or_else(|| panic!("no progress bars:\n{screen}"));
    let block: Vec<char> = screen.lines().nth(block_at).unwrap().chars().collect();
    let rows: Vec<String> = block
        .chunks(WIDTH)
        .map(|c| c.iter().collect::<String>().trim_end().to_owned())
        .collect();
    assert_eq!(rows.len(), 4, "{rows:#?}\n\nscreen:\n{screen}");
    for (row, v) in rows.iter().zip(record_emulator::Vendor::ALL) {
        assert!(
            row.starts_with(&format!("{:<10} [####################] ", v.id())),
            "{row}"
        );
        assert!(row.contains("completed"), "{row}");
        assert!(row.chars().count() < WIDTH, "{row}");
    }
    for (i, line) in screen.lines().enumerate() {
        if i == block_at {
            continue;
        }
        assert!(
            line.chars().count() <= WIDTH,
            "a line wider than {WIDTH} columns ({}):\n{line}\n\nscreen:\n{screen}",
            line.chars().count()
        );
        // What a broken redraw leaves: bars outside their block, escape sequences as text.
        assert!(!line.contains("[####"), "a stray bar: {line}");
        assert!(!line.contains('\u{1b}') && !line.contains("[2K") && !line.contains("[1A"));
    }
    // The final table (records at 80 columns): four completed recordings, then files.
    let completed = screen
        .lines()
        .filter(|l| l.trim_end() == "STATE          completed")
        .count();
    assert_eq!(completed, 4, "{screen}");
    assert!(screen.contains("4 of 4 recording(s) completed"), "{screen}");
    for secret in support::emulator_secrets() {
        assert!(
            !screen.contains(&secret),
            "the screen shows an emulator secret"
        );
    }
}
