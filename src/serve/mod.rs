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
//! A client that stops reading cannot hold a worker: a streamed answer is
//! written by a thread of its own ([`api`]'s `Stream`), fed through a short
//! queue, and the run stops when the queue is full; every socket has a write
//! timeout ([`WRITE_TIMEOUT`]), so a stalled writer gives up and at most
//! [`MAX_STREAMS`] of them exist at once.
//!
//! The server reads only the file it was started with (once, at start) and
//! writes no file: downloads are made by the browser from what the API
//! returns.

pub mod api;
pub mod assets;
pub mod game;
pub mod refine;
pub mod replay;
pub mod simulated;

use crate::scenario::Scenario;
use anyhow::Context as _;
use std::collections::HashMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Threads answering requests. A run in flight holds one; the others keep
/// the page responsive (assets, checks, replays) meanwhile.
pub const WORKERS: usize = 4;

/// How often an idle worker looks whether Ctrl-C asked the server to stop.
const POLL: Duration = Duration::from_millis(100);

/// The longest one write to a client may wait for the client to read
/// anything (`SO_SNDTIMEO` of every accepted socket); then the answer is
/// given up and a run streaming to it stops. A page reads at once (the
/// browser buffers what its script has not taken yet), so only a client
/// that stopped reading waits this long. On systems other than Unix there
/// is none, and a stalled stream's thread lasts until its client goes away.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// The kernel's send buffer of every accepted socket (`SO_SNDBUF`; Linux
/// accounts twice this). Without it Linux grows a loopback socket's
/// buffer to megabytes, which a client that never reads would hold; 64 KiB
/// still sends a refinement of a few hundred KB in well under a
/// millisecond on this machine.
pub const SEND_BUFFER: usize = 64 << 10;

/// The most streamed answers being written at once; beyond it a run is
/// refused (503) until one ends.
pub const MAX_STREAMS: usize = 64;

/// How long a stopping server waits for its streams' last lines to go out.
const DRAIN: Duration = Duration::from_secs(2);

/// What `airace serve` was asked to do (clap stays in `commands/`).
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
    /// The game file the server started with, if it was one: the Game tab
    /// simulates its strategies ([`simulated`]).
    pub game: Option<crate::game::game_file::Game>,
    /// Simulations run here, whatever thread the request came in on.
    pub pool: rayon::ThreadPool,
    /// Per page, the cancel flag of its run in flight: a new run from the
    /// same page raises the old one's flag.
    pages: Mutex<HashMap<String, Arc<AtomicBool>>>,
    /// Streamed answers whose thread is still writing.
    pub streams: Arc<AtomicUsize>,
}

/// The most pages whose runs are tracked at once; beyond it the oldest
/// flags are forgotten (their runs still end: every run is bounded).
const MAX_PAGES: usize = 1000;

impl State {
    pub fn new(
        initial: Scenario,
        source: String,
        game: Option<crate::game::game_file::Game>,
        threads: Option<usize>,
    ) -> anyhow::Result<State> {
        Ok(State {
            initial,
            source,
            game,
            pool: crate::context::thread_pool(threads)?,
            pages: Mutex::new(HashMap::new()),
            streams: Arc::new(AtomicUsize::new(0)),
        })
    }

    /// Stops every run in flight (the server is stopping).
    pub fn cancel_all(&self) {
        let pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        for flag in pages.values() {
            flag.store(true, Ordering::SeqCst);
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
            old.store(true, Ordering::SeqCst);
        }
        flag
    }
}

/// The scenario of a scenario file, or of a game file (one with a `[game]`
/// table) its scenario and the game, whose strategies the Game tab
/// simulates.
fn load(
    path: &std::path::Path,
) -> anyhow::Result<(Scenario, Option<crate::game::game_file::Game>)> {
    let file = crate::scenario::SourceFile::read(path)?;
    let is_game = file
        .text
        .parse::<toml::Table>()
        .is_ok_and(|t| t.get("game").is_some_and(toml::Value::is_table));
    if !is_game {
        let scenario = Scenario::from_str_named(&file.text, &file.origin, &file.stem)?;
        return Ok((scenario, None));
    }
    let game = crate::game::game_file::Game::from_str_named(&file.text, &file.origin, &file.stem)?;
    Ok((game.scenario.clone(), Some(game)))
}

/// Whether binding `host` keeps the server to this machine.
pub fn is_loopback(host: &IpAddr) -> bool {
    host.is_loopback()
}

/// Runs the server until Ctrl-C.
pub fn run(config: &ServeConfig) -> anyhow::Result<()> {
    let (initial, game, source) = match &config.file {
        Some(path) => {
            let (scenario, game) = load(path)?;
            (scenario, game, path.display().to_string())
        }
        None => (
            crate::builtin::load("rsp-2026").expect("rsp-2026 is shipped"),
            None,
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
    let server = listen(config.host, config.port, WRITE_TIMEOUT)
        .map_err(anyhow::Error::from)
        .and_then(|l| tiny_http::Server::from_listener(l, None).map_err(|e| anyhow::anyhow!(e)))
        .with_context(|| format!("cannot listen on {}:{}", config.host, config.port))?;
    let address = server
        .server_addr()
        .to_ip()
        .context("the server has no IP address")?;
    let url = format!("http://{address}/");
    let state = Arc::new(State::new(initial, source, game, config.threads)?);
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
    // The streams' last lines (`cancelled`) go out, or their clients stalled.
    let drain = std::time::Instant::now();
    while state.streams.load(Ordering::SeqCst) > 0 && drain.elapsed() < DRAIN {
        std::thread::sleep(Duration::from_millis(10));
    }
    println!("airace serve: stopped");
    Ok(())
}

/// A listening socket whose accepted connections give up a write that the
/// client has not made room for within `write_timeout`, and buffer at most
/// [`SEND_BUFFER`]: Linux and the BSDs copy `SO_SNDTIMEO` and `SO_SNDBUF`
/// from the listening socket to each socket it accepts (and tiny_http,
/// which accepts them, offers no other way to set them).
pub fn listen(
    host: IpAddr,
    port: u16,
    write_timeout: Duration,
) -> std::io::Result<std::net::TcpListener> {
    let listener = std::net::TcpListener::bind((host, port))?;
    #[cfg(unix)]
    rustix::net::sockopt::set_socket_timeout(
        &listener,
        rustix::net::sockopt::Timeout::Send,
        Some(write_timeout),
    )?;
    #[cfg(unix)]
    rustix::net::sockopt::set_socket_send_buffer_size(&listener, SEND_BUFFER)?;
    #[cfg(not(unix))]
    let _ = write_timeout;
    Ok(listener)
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    #[cfg(unix)]
    #[test]
    fn a_write_to_a_client_that_does_not_read_gives_up_after_the_timeout() {
        let timeout = Duration::from_millis(300);
        let listener = listen("127.0.0.1".parse().unwrap(), 0, timeout).unwrap();
        let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (mut accepted, _) = listener.accept().unwrap();
        // Inherited from the listening socket (Linux doubles it).
        let buffer = rustix::net::sockopt::socket_send_buffer_size(&accepted).unwrap();
        assert!(
            (SEND_BUFFER..=2 * SEND_BUFFER).contains(&buffer),
            "{buffer}"
        );
        // The client never reads: the buffers fill, then a write waits.
        let chunk = vec![0u8; 1 << 16];
        let started = std::time::Instant::now();
        let error = loop {
            if let Err(e) = accepted.write_all(&chunk) {
                break e;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "writes never stopped"
            );
        };
        assert!(
            matches!(
                error.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ),
            "{error:?}"
        );
        // Filling the buffers is quick; the last write waited the timeout.
        let waited = started.elapsed();
        assert!(waited >= timeout, "{waited:?}");
        assert!(waited < timeout * 10 + Duration::from_secs(5), "{waited:?}");
        drop(client);
    }
}
