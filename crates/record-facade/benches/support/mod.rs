//! What the `record-facade` benchmarks share: the local HTTP server they measure against
//! and where they write their reports. Included by each bench as `mod support;` (a
//! directory module, so cargo does not take it for a bench target of its own).

use std::path::PathBuf;

/// Starts `app` on `127.0.0.1` (ephemeral port) on its own thread with its own
/// single-threaded tokio runtime, so that the server never competes with the measured
/// client for a runtime; returns `http://127.0.0.1:PORT`.
pub fn start_server(thread_name: &str, app: axum::Router) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name(thread_name.to_owned())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("server runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind 127.0.0.1");
                tx.send(listener.local_addr().expect("local addr"))
                    .expect("report the address");
                axum::serve(listener, app).await.expect("serve");
            });
        })
        .expect("server thread");
    format!("http://{}", rx.recv().expect("server address"))
}

/// Writes `report` as pretty JSON to `target/bench-report/<name>.json` (under
/// `CARGO_TARGET_DIR` when set), where `cargo xtask bench` reads it.
pub fn write_report(name: &str, report: &serde_json::Value) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { root.join(p) })
        .unwrap_or_else(|| root.join("target"))
        .join("bench-report");
    std::fs::create_dir_all(&dir).expect("create the report directory");
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, serde_json::to_vec_pretty(report).expect("json"))
        .expect("write the report");
    eprintln!("wrote {}", path.display());
}
