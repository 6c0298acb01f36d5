//! `airace serve`: a local web app for playing with a scenario.
//!
//! Students want to move a slider and watch the risk curve move, switch a
//! lab from racing to pausing and see who wins, and replay one race step by
//! step. This module serves a page (every asset inside the binary, no
//! network) and a small JSON API that computes with the library itself:
//! the same engine, seeds and streams as `airace run`, so a number on screen
//! equals the number `airace run` gives for the downloaded scenario.
//!
//! The HTTP stack is `tiny_http`, a small synchronous server (5 crates that
//! compile in seconds), served by a fixed pool of [`WORKERS`] threads: the
//! work behind a request is CPU-bound simulation on a rayon pool, so an
//! async runtime (axum, tokio, hyper: about a hundred crates) would buy
//! nothing here but build time. Requests are bounded ([`api::MAX_BODY`],
//! [`api::MAX_LAB_STEPS`]); a result streams in refinements and a newer
//! request from the same page cancels the older one between blocks.
//!
//! The server reads only the file it was started with (once, at start) and
//! writes no file: downloads are made by the browser from what the API
//! returns.

pub mod api;
pub mod assets;
pub mod game;
pub mod refine;
pub mod replay;

use crate::scenario::Scenario;
use anyhow::Context as _;
use std::collections::HashMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Threads answering requests. A run in flight holds one; the others keep
/// the page responsive (assets, checks, replays) meanwhile.
pub const WORKERS: usize = 4;

/// How often an idle worker looks whether Ctrl-C asked the server to stop.
const POLL: Duration = Duration::from_millis(100);

/// What `airace serve` was asked to do (clap stays in `main.rs`).
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// The scenario to start from; `None`: the shipped `rsp-2026`.
    pub file: Option<PathBuf>,
    /// Address to bind: 127.0.0.1 unless the user says otherwise.
    pub host: IpAddr,
    /// 0: a free port chosen by the system.
    pub port: u16,
    /// Open the page in the default browser.
    pub open: bool,
    /// Worker threads of the simulations [default: all cores].
    pub threads: Option<usize>,
}

/// What every request handler shares.
pub struct State {
    /// The scenario the page starts from, and where it came from.
    pub initial: Scenario,
    pub source: String,
    /// Simulations run here, whatever thread the request came in on.
    pub pool: rayon::ThreadPool,
    /// Per page, the cancel flag of its run in flight: a new run from the
    /// same page raises the old one's flag.
    pages: Mutex<HashMap<String, Arc<AtomicBool>>>,
}

/// The most pages whose runs are tracked at once; beyond it the oldest
/// flags are forgotten (their runs still end: every run is bounded).
const MAX_PAGES: usize = 1000;

impl State {
    pub fn new(initial: Scenario, source: String, threads: Option<usize>) -> anyhow::Result<State> {
        Ok(State {
            initial,
            source,
            pool: crate::context::thread_pool(threads)?,
            pages: Mutex::new(HashMap::new()),
        })
    }

    /// Stops every run in flight (the server is stopping).
    pub fn cancel_all(&self) {
        let pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        for flag in pages.values() {
            flag.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }

    /// Registers a new run of `page`, cancelling the one it replaces, and
    /// returns the new run's cancel flag.
    pub fn start_run(&self, page: &str) -> Arc<AtomicBool> {
        let flag = Arc::new(AtomicBool::new(false));
        let mut pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        if pages.len() >= MAX_PAGES && !pages.contains_key(page) {
            pages.clear();
        }
        if let Some(old) = pages.insert(page.to_string(), flag.clone()) {
            old.store(true, std::sync::atomic::Ordering::SeqCst);
        }
        flag
    }
}

/// The scenario of a scenario file, or of a game file (one with a `[game]`
/// table, whose strategies the explorer does not simulate: it says so).
fn load(path: &std::path::Path) -> anyhow::Result<Scenario> {
    let file = crate::scenario::SourceFile::read(path)?;
    let is_game = file
        .text
        .parse::<toml::Table>()
        .is_ok_and(|t| t.get("game").is_some_and(toml::Value::is_table));
    if !is_game {
        return Ok(Scenario::from_str_named(
            &file.text,
            &file.origin,
            &file.stem,
        )?);
    }
    let game = crate::game::game_file::Game::from_str_named(&file.text, &file.origin, &file.stem)?;
    eprintln!(
        "note: {} is a game: the explorer starts from its scenario; its {} strategies are \
         simulated by `airace game {}` (the Game tab takes a payoff table typed in)",
        file.origin,
        game.strategies.len(),
        file.origin
    );
    Ok(game.scenario)
}

/// Whether binding `host` keeps the server to this machine.
pub fn is_loopback(host: &IpAddr) -> bool {
    host.is_loopback()
}

/// Runs the server until Ctrl-C.
pub fn run(config: &ServeConfig) -> anyhow::Result<()> {
    let (initial, source) = match &config.file {
        Some(path) => (load(path)?, path.display().to_string()),
        None => (
            crate::builtin::load("rsp-2026").expect("rsp-2026 is shipped"),
            "built-in:rsp-2026".to_string(),
        ),
    };
    if !is_loopback(&config.host) {
        eprintln!(
            "warning: serving on {}: anyone who can reach this address can use the explorer \
             and make this machine simulate (it reads and writes no files but the scenario \
             it started with); the default 127.0.0.1 keeps it to this machine",
            config.host
        );
    }
    let server = tiny_http::Server::http((config.host, config.port))
        .map_err(|e| anyhow::anyhow!("cannot listen on {}:{}: {e}", config.host, config.port))?;
    let address = server
        .server_addr()
        .to_ip()
        .context("the server has no IP address")?;
    let url = format!("http://{address}/");
    let state = Arc::new(State::new(initial, source, config.threads)?);
    println!("airace serve: {url} (Ctrl-C stops it)");
    use std::io::Write as _;
    std::io::stdout().flush().ok();
    if config.open {
        open_browser(&url);
    }
    let server = Arc::new(server);
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let (server, state) = (server.clone(), state.clone());
            std::thread::spawn(move || serve_requests(&server, &state))
        })
        .collect();
    // Ctrl-C: runs in flight stop at their next wave of blocks.
    while !crate::interrupt::interrupted() {
        std::thread::sleep(POLL);
    }
    state.cancel_all();
    for worker in workers {
        worker
            .join()
            .map_err(|_| anyhow::anyhow!("a server thread failed"))?;
    }
    println!("airace serve: stopped");
    Ok(())
}

/// One worker: answers requests until Ctrl-C.
fn serve_requests(server: &tiny_http::Server, state: &State) {
    while !crate::interrupt::interrupted() {
        match server.recv_timeout(POLL) {
            Ok(Some(request)) => api::handle(state, request),
            Ok(None) => {}
            Err(_) => break,
        }
    }
}

/// Opens `url` in the desktop's browser; says so if it cannot.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let spawned = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if spawned.is_err() {
        eprintln!("warning: cannot open a browser ({opener} failed): open {url} yourself");
    }
}
