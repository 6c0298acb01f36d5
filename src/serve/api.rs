//! The explorer's HTTP endpoints: the page and its assets, and a JSON API
//! over the library.
//!
//! | endpoint | answer |
//! |---|---|
//! | `GET /`, `/app.js`, `/style.css` | the page (inside the binary) |
//! | `GET /api/start` | the scenario the server started with, the key table, the rules, the shipped scenarios |
//! | `GET /api/scenario?name=N` | a shipped scenario |
//! | `POST /api/check` | `{scenario}`: the scenario file it makes, or the problems `airace validate` finds |
//! | `POST /api/run` | `{page, scenario, baseline?}`: refinements, one JSON object a line |
//! | `POST /api/replay` | `{scenario, pick, run?}`: one race step by step |
//! | `POST /api/figure.png` | `{scenario, stem}`: a figure's PNG, as `airace run` draws it |
//! | `POST /api/game` | `{strategies, payoffs, population?, selection?}`: equilibria, replicator flow, stationary distribution |
//! | `POST /api/race-game` | `{page, runs?, seed?, adaptive?}`: the game file's strategies simulated as `airace game` simulates them |
//!
//! The page holds a scenario as JSON of the same shape as the TOML file
//! (`scenario`, `world`, `labs`, ...). The server writes it as TOML and
//! reads that with the scenario reader, so every value goes through the
//! same validation, with the same messages, as a file does; and the TOML it
//! returns is the file the page downloads.

use super::State;
use super::refine;
use super::replay::{self, Pick};
use crate::scenario::Scenario;
use crate::scenario::keys::{self, Bound, Kind};
use serde::Serialize;
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::time::Instant;
use tiny_http::{Header, Method, Request, Response};

/// The largest request body read (1 MB): a scenario of many labs fits.
pub const MAX_BODY: u64 = 1 << 20;

/// The most simulated lab-steps (runs x steps x labs, baseline included) of
/// one request: about ten seconds of this machine's two cores. Larger
/// studies are for `airace run`, which checkpoints and can be sharded.
pub const MAX_LAB_STEPS: f64 = 2e9;

/// The most labs the explorer shows as cards.
pub const MAX_LABS: usize = 100;

/// The most memory one request's simulation may hold, as `airace run`
/// estimates it (`crate::resources::estimate`).
pub const MAX_MEMORY: u64 = 512 << 20;

/// The name a scenario from the page has in messages.
pub const ORIGIN: &str = "explorer";

/// An answer that is not a stream.
pub struct Answer {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Answer {
    fn json(status: u16, value: &impl Serialize) -> Answer {
        Answer {
            status,
            content_type: "application/json",
            body: serde_json::to_vec(value).expect("answers serialize"),
        }
    }

    fn error(status: u16, message: impl Into<String>) -> Answer {
        Answer::json(status, &json!({ "error": message.into() }))
    }
}

/// A refused request: its status and JSON body.
type Refusal = Answer;

/// Answers one request.
pub fn handle(state: &State, mut request: Request) {
    let started = Instant::now();
    let url = request.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    let method = request.method().clone();
    let answer = match (&method, path) {
        (Method::Get, "/" | "/index.html") => {
            asset(super::assets::INDEX_HTML, "text/html; charset=utf-8")
        }
        (Method::Get, "/app.js") => asset(super::assets::APP_JS, "text/javascript; charset=utf-8"),
        (Method::Get, "/style.css") => asset(super::assets::STYLE_CSS, "text/css; charset=utf-8"),
        (Method::Get, "/api/start") => Answer::json(200, &start(state)),
        (Method::Get, "/api/scenario") => shipped(query),
        (Method::Post, "/api/check") => match body(&mut request) {
            Ok(v) => check(&v),
            Err(refusal) => refusal,
        },
        (Method::Post, "/api/replay") => match body(&mut request) {
            Ok(v) => replay_request(&v),
            Err(refusal) => refusal,
        },
        (Method::Post, "/api/figure.png") => match body(&mut request) {
            Ok(v) => figure_png(state, &v),
            Err(refusal) => refusal,
        },
        (Method::Post, "/api/game") => match body(&mut request) {
            Ok(v) => game_request(v),
            Err(refusal) => refusal,
        },
        (Method::Post, "/api/race-game") => match body(&mut request) {
            Ok(v) => race_game_request(state, v),
            Err(refusal) => refusal,
        },
        (Method::Post, "/api/run") => match body(&mut request).and_then(|v| run_plan(&v)) {
            Ok(plan) => return stream_run(state, request, plan, started),
            Err(refusal) => refusal,
        },
        (_, "/" | "/index.html" | "/app.js" | "/style.css" | "/api/start" | "/api/scenario") => {
            Answer::error(405, format!("{path} answers GET only"))
        }
        (
            _,
            "/api/check" | "/api/run" | "/api/replay" | "/api/game" | "/api/race-game"
            | "/api/figure.png",
        ) => Answer::error(405, format!("{path} answers POST only")),
        _ => Answer::error(404, format!("no such page: {path}")),
    };
    respond(request, answer);
}

/// Sends `answer`; a write the client leaves waiting gives up after the
/// socket's [`super::WRITE_TIMEOUT`].
fn respond(request: Request, answer: Answer) {
    let response = Response::from_data(answer.body)
        .with_status_code(answer.status)
        .with_header(header("Content-Type", answer.content_type))
        .with_header(header("Cache-Control", "no-store"));
    // A client that went away is no one's problem.
    let _ = request.respond(response);
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("headers are ASCII")
}

fn asset(text: &str, content_type: &'static str) -> Answer {
    Answer {
        status: 200,
        content_type,
        body: text.as_bytes().to_vec(),
    }
}

/// The request's body as JSON, at most [`MAX_BODY`] bytes.
fn body(request: &mut Request) -> Result<Value, Refusal> {
    if request.body_length().is_some_and(|n| n as u64 > MAX_BODY) {
        return Err(Answer::error(
            413,
            format!("the request is larger than {MAX_BODY} bytes"),
        ));
    }
    let mut bytes = Vec::new();
    request
        .as_reader()
        .take(MAX_BODY + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Answer::error(400, format!("cannot read the request: {e}")))?;
    if bytes.len() as u64 > MAX_BODY {
        return Err(Answer::error(
            413,
            format!("the request is larger than {MAX_BODY} bytes"),
        ));
    }
    serde_json::from_slice(&bytes)
        .map_err(|e| Answer::error(400, format!("the request is not JSON: {e}")))
}

/// A key of the scenario format as the page reads it.
#[derive(Serialize)]
struct PageKey {
    path: &'static str,
    kind: &'static str,
    default: Value,
    /// Inclusive or exclusive bounds; `null`: none on that side.
    low: Option<f64>,
    low_inclusive: bool,
    high: Option<f64>,
    high_inclusive: bool,
    example: Option<&'static str>,
    allowed: String,
    doc: &'static str,
}

fn page_keys() -> Vec<PageKey> {
    let bound = |b: Bound| match b {
        Bound::Unbounded => (None, true),
        Bound::Inclusive(x) => (Some(x), true),
        Bound::Exclusive(x) => (Some(x), false),
    };
    keys::KEYS
        .iter()
        .filter(|k| !k.path.starts_with("game.") && !k.path.starts_with("sweep."))
        .map(|k| {
            let (low, low_inclusive) = bound(k.range.low);
            let (high, high_inclusive) = bound(k.range.high);
            PageKey {
                path: k.path,
                kind: match k.kind {
                    Kind::Float => "float",
                    Kind::Integer => "integer",
                    Kind::Text => "text",
                    Kind::FloatList => "float_list",
                    Kind::RuleList => "rule_list",
                    Kind::TextList => "text_list",
                    Kind::PairList => "pair_list",
                    Kind::StrategyList => "strategy_list",
                    Kind::ParameterList => "parameter_list",
                    Kind::ValueList => "value_list",
                },
                default: match k.default {
                    keys::Default::Float(x) => json!(x),
                    keys::Default::Integer(i) => json!(i),
                    keys::Default::Text(t) => json!(t),
                    keys::Default::Required | keys::Default::Absent(_) => Value::Null,
                },
                low,
                low_inclusive,
                high,
                high_inclusive,
                example: k.example,
                allowed: k.allowed(),
                doc: k.doc,
            }
        })
        .collect()
}

/// `GET /api/start`.
fn start(state: &State) -> Value {
    json!({
        "scenario": state.initial,
        "source": state.source,
        "toml": state.initial.to_toml(),
        "keys": page_keys(),
        "rules": keys::RULES.iter().map(|(name, doc)| json!({ "name": name, "doc": doc })).collect::<Vec<_>>(),
        "shipped": crate::builtin::SHIPPED.iter().map(|b| b.name).collect::<Vec<_>>(),
        "game": state.game.as_ref().map(super::simulated::GameSummary::new),
        "limits": {
            "lab_steps": MAX_LAB_STEPS,
            "labs": MAX_LABS,
            "body_bytes": MAX_BODY,
        },
        "version": env!("CARGO_PKG_VERSION"),
    })
}

/// `GET /api/scenario?name=N`: a shipped scenario, as `start` gives one.
fn shipped(query: &str) -> Answer {
    let name = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("name="))
        .unwrap_or_default();
    match crate::builtin::load(name) {
        Some(s) => Answer::json(
            200,
            &json!({ "scenario": s, "source": format!("built-in:{name}"), "toml": s.to_toml() }),
        ),
        None => Answer::error(
            404,
            format!(
                "no shipped scenario `{}`: there are {}",
                crate::scenario::error::shown(name),
                crate::builtin::SHIPPED
                    .iter()
                    .map(|b| b.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
    }
}

/// The names of the integer keys; every other number is written as a float
/// (the page's `1` may mean `1.0`).
fn is_integer_key(name: &str) -> bool {
    keys::KEYS
        .iter()
        .any(|k| k.kind == Kind::Integer && k.name() == name)
}

/// A JSON value as TOML (`null`s left out, as an absent key).
fn to_toml(value: &Value, key: &str) -> Option<toml::Value> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(b) => toml::Value::Boolean(*b),
        Value::Number(n) => match (is_integer_key(key), n.as_i64()) {
            (true, Some(i)) => toml::Value::Integer(i),
            _ => toml::Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => toml::Value::String(s.clone()),
        Value::Array(items) => {
            toml::Value::Array(items.iter().filter_map(|v| to_toml(v, key)).collect())
        }
        Value::Object(map) => toml::Value::Table(
            map.iter()
                .filter_map(|(k, v)| to_toml(v, k).map(|v| (k.clone(), v)))
                .collect(),
        ),
    })
}

/// A problem as the page shows it.
#[derive(Serialize)]
struct PageProblem {
    key_path: String,
    message: String,
    /// As `airace validate` prints it, the file being the TOML the page
    /// sent (returned beside).
    text: String,
}

/// The scenario the page sent, validated; the TOML it was read from.
pub fn scenario_from_page(value: &Value) -> Result<(Scenario, String), Refusal> {
    let text = match to_toml(value, "") {
        Some(toml::Value::Table(t)) => toml::to_string(&t).map_err(|e| {
            Answer::error(400, format!("the scenario cannot be written as TOML: {e}"))
        })?,
        _ => return Err(Answer::error(400, "the scenario is not a JSON object")),
    };
    match Scenario::from_str_named(&text, ORIGIN, ORIGIN) {
        Ok(scenario) => Ok((scenario, text)),
        Err(e) => {
            let problems: Vec<PageProblem> = e
                .problems()
                .iter()
                .map(|p| PageProblem {
                    key_path: p.key_path.clone(),
                    message: p.message.clone(),
                    text: p.render(ORIGIN),
                })
                .collect();
            Err(Answer::json(
                422,
                &json!({ "error": e.to_string(), "problems": problems, "toml": text }),
            ))
        }
    }
}

/// Refuses a scenario whose simulation would exceed what one request may do.
pub fn check_limits(scenarios: &[&Scenario]) -> Result<(), Refusal> {
    let mut lab_steps = 0.0;
    for s in scenarios {
        if s.lab_count() > MAX_LABS {
            return Err(Answer::error(
                422,
                format!(
                    "{} labs: the explorer shows at most {MAX_LABS}; run larger scenarios with `airace run`",
                    s.lab_count()
                ),
            ));
        }
        let shape = crate::resources::Shape::new(s, 1, false, None);
        let memory = crate::resources::estimate(&shape).memory;
        if memory > MAX_MEMORY {
            return Err(Answer::error(
                422,
                format!(
                    "{} steps x {} labs need about {} MB of memory; the explorer allows {} MB a \
                     request: use fewer steps or labs, or `airace run`",
                    s.meta.steps,
                    s.lab_count(),
                    memory >> 20,
                    MAX_MEMORY >> 20
                ),
            ));
        }
        lab_steps += s.meta.runs as f64 * f64::from(s.meta.steps) * s.lab_count() as f64;
    }
    if lab_steps > MAX_LAB_STEPS {
        return Err(Answer::error(
            422,
            format!(
                "runs x steps x labs is {lab_steps:.3e} (baseline included); the explorer \
                 simulates at most {MAX_LAB_STEPS:.0e} a request: use fewer runs, or `airace run` \
                 (it checkpoints and can be sharded)"
            ),
        ));
    }
    Ok(())
}

/// `POST /api/check`.
fn check(request: &Value) -> Answer {
    match scenario_from_page(&request["scenario"]) {
        Ok((scenario, _)) => Answer::json(
            200,
            &json!({
                "ok": true,
                "toml": scenario.to_toml(),
                "warnings": scenario.warnings(),
                // What a run of it would be refused for, if anything.
                "refused": check_limits(&[&scenario]).err().map(|a| {
                    serde_json::from_slice::<Value>(&a.body).unwrap_or_default()["error"].clone()
                }),
            }),
        ),
        Err(refusal) => refusal,
    }
}

/// A run to stream: the page, its scenario and baseline.
pub struct RunPlan {
    page: String,
    scenario: Scenario,
    toml: String,
    baseline: Option<Scenario>,
}

/// `POST /api/run`, before anything is simulated.
fn run_plan(request: &Value) -> Result<RunPlan, Refusal> {
    let page = match &request["page"] {
        Value::String(s) if !s.is_empty() && s.len() <= 100 => s.clone(),
        _ => {
            return Err(Answer::error(
                400,
                "`page` must be a string of 1 to 100 characters naming the page",
            ));
        }
    };
    let (scenario, _) = scenario_from_page(&request["scenario"])?;
    let baseline = match &request["baseline"] {
        Value::Null => None,
        b => {
            let (mut base, _) = scenario_from_page(b)?;
            // Common random numbers: the same seed and runs as the scenario.
            base.meta.seed = scenario.meta.seed;
            base.meta.runs = scenario.meta.runs;
            Some(base)
        }
    };
    let mut all = vec![&scenario];
    all.extend(baseline.as_ref());
    check_limits(&all)?;
    let toml = scenario.to_toml();
    Ok(RunPlan {
        page,
        scenario,
        toml,
        baseline,
    })
}

/// The most lines of a streamed answer waiting for their client. A page
/// that reads keeps the queue empty (each line goes into the socket's
/// buffer at once); a full queue means the client has left two refinements
/// and the sockets' buffers unread, and the run stops rather than compute
/// for no one.
const QUEUE: usize = 2;

/// A streamed answer: the status line and headers, then the body in
/// lines, each flushed at once (chunked under HTTP/1.1; under HTTP/1.0 the
/// connection's end ends it). A thread of its own writes it, so a client
/// that does not read stalls that thread, never a worker: the run stops
/// when the queue is full, or when a write has waited the socket's
/// [`super::WRITE_TIMEOUT`] (the writer raises the run's cancel flag, which
/// the engine reads between waves of blocks).
struct Stream {
    lines: std::sync::mpsc::SyncSender<Vec<u8>>,
}

/// Counts a stream's thread in [`State::streams`] while it lives.
struct Counted(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Stream {
    /// Starts answering `request` on a thread of its own; `None` (the
    /// request answered with 503) when [`super::MAX_STREAMS`] are being
    /// written already.
    fn start(
        state: &State,
        request: Request,
        content_type: &'static str,
        cancel: std::sync::Arc<std::sync::atomic::AtomicBool>,
    ) -> Option<Stream> {
        use std::sync::atomic::Ordering;
        let count = Counted(state.streams.clone());
        if state.streams.fetch_add(1, Ordering::SeqCst) >= super::MAX_STREAMS {
            drop(count);
            respond(
                request,
                Answer::error(
                    503,
                    format!(
                        "{} answers are being sent already: try again when one has ended",
                        super::MAX_STREAMS
                    ),
                ),
            );
            return None;
        }
        let (lines, queue) = std::sync::mpsc::sync_channel(QUEUE);
        std::thread::Builder::new()
            .name("airace-serve-stream".into())
            .spawn(move || {
                let _count = count;
                if !write_stream(request, content_type, &queue) {
                    // The client went away or stopped reading.
                    cancel.store(true, Ordering::SeqCst);
                }
            })
            .ok()?;
        Some(Stream { lines })
    }

    /// Hands `line` to the writer; `false` if the client went away or
    /// stopped reading ([`QUEUE`] lines behind).
    fn send(&self, line: Vec<u8>) -> bool {
        self.lines.try_send(line).is_ok()
    }
}

/// Writes a streamed answer: the head, each line of `queue` as it comes,
/// and the end when the queue closes; stops at the first failed write
/// (returning `false`).
fn write_stream(
    request: Request,
    content_type: &str,
    queue: &std::sync::mpsc::Receiver<Vec<u8>>,
) -> bool {
    let chunked = !matches!(request.http_version(), tiny_http::HTTPVersion(1, 0));
    let mut out = request.into_writer();
    let framing = if chunked {
        "Transfer-Encoding: chunked"
    } else {
        "Connection: close"
    };
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nCache-Control: no-store\r\n{framing}\r\n\r\n"
    );
    if out
        .write_all(head.as_bytes())
        .and_then(|_| out.flush())
        .is_err()
    {
        return false;
    }
    for bytes in queue {
        let sent = if chunked {
            write!(out, "{:x}\r\n", bytes.len())
                .and_then(|_| out.write_all(&bytes))
                .and_then(|_| out.write_all(b"\r\n"))
        } else {
            out.write_all(&bytes)
        };
        if sent.and_then(|_| out.flush()).is_err() {
            return false;
        }
    }
    !chunked
        || out
            .write_all(b"0\r\n\r\n")
            .and_then(|_| out.flush())
            .is_ok()
}

/// Streams the refinements of `plan`: a JSON object a line, the first
/// carrying the scenario file that reproduces them, then a [`refine::Refinement`]
/// a line, and `{"cancelled": true}` if a newer run of the page stopped it.
fn stream_run(state: &State, request: Request, plan: RunPlan, started: Instant) {
    let cancel = state.start_run(&plan.page);
    let Some(stream) = Stream::start(state, request, "application/x-ndjson", cancel.clone()) else {
        return;
    };
    let first = json!({
        "toml": plan.toml,
        "name": plan.scenario.meta.name,
        "warnings": plan.scenario.warnings(),
    });
    if !stream.send(line(&first)) {
        return;
    }
    let finished = refine::refine(
        &state.pool,
        plan.scenario,
        plan.baseline,
        &cancel,
        started,
        |r| stream.send(line(r)),
    );
    if !finished {
        stream.send(line(&json!({ "cancelled": true })));
    }
}

fn line(value: &impl Serialize) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(value).expect("refinements serialize");
    bytes.push(b'\n');
    bytes
}

/// `POST /api/replay`.
fn replay_request(request: &Value) -> Answer {
    let (scenario, _) = match scenario_from_page(&request["scenario"]) {
        Ok(s) => s,
        Err(refusal) => return refusal,
    };
    if let Err(refusal) = check_limits(&[&scenario]) {
        return refusal;
    }
    let kind = request["pick"].as_str().unwrap_or("run");
    let pick = match Pick::parse(kind, request["run"].as_u64()) {
        Some(p) => p,
        None => {
            return Answer::error(
                400,
                format!(
                    "`pick` is `{}`: allowed \"run\" (with a `run` number >= 0), \
                     \"lone_pauser_lost\", \"catastrophe\" or \"unwarned\"",
                    crate::scenario::error::shown(kind)
                ),
            );
        }
    };
    match replay::replay(&scenario, pick) {
        Ok(r) => Answer::json(200, &r),
        Err(e) => Answer::error(422, e.to_string()),
    }
}

/// `POST /api/figure.png`: simulates every run of the scenario and draws
/// one figure as a PNG at the default size, the bytes `airace run` writes.
fn figure_png(state: &State, request: &Value) -> Answer {
    let (scenario, _) = match scenario_from_page(&request["scenario"]) {
        Ok(s) => s,
        Err(refusal) => return refusal,
    };
    if let Err(refusal) = check_limits(&[&scenario]) {
        return refusal;
    }
    let stem = request["stem"].as_str().unwrap_or_default().to_string();
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let Some(result) = refine::full_result(&state.pool, scenario, &cancel) else {
        return Answer::error(503, "the server is stopping");
    };
    let figures = refine::run_figures(&result);
    let stems: Vec<&str> = figures.iter().map(|(s, _)| s.as_str()).collect();
    match figures.iter().find(|(s, _)| *s == stem) {
        Some((_, figure)) => {
            crate::plot::render::register_fonts();
            Answer {
                status: 200,
                content_type: "image/png",
                body: crate::plot::render::png(figure, &crate::plot::Size::default()),
            }
        }
        None => Answer::error(
            400,
            format!(
                "`stem` is `{}`: allowed {}",
                crate::scenario::error::shown(&stem),
                stems.join(", ")
            ),
        ),
    }
}

/// `POST /api/game`.
fn game_request(request: Value) -> Answer {
    let input: super::game::GameInput = match serde_json::from_value(request) {
        Ok(input) => input,
        Err(e) => {
            return Answer::error(
                400,
                format!(
                    "the game must be {{strategies: [names], payoffs: [[numbers]], population?, \
                     selection?}}: {e}"
                ),
            );
        }
    };
    match super::game::analyse(&input) {
        Ok(view) => Answer::json(200, &view),
        Err(e) => Answer::error(422, e.0),
    }
}

/// `POST /api/race-game`: the game file's strategies, simulated.
fn race_game_request(state: &State, request: Value) -> Answer {
    use super::simulated::{self, Refused, SimulateInput};
    let Some(game) = &state.game else {
        return Answer::error(
            404,
            format!(
                "the explorer was started with a scenario ({}), not a game file: start it with \
                 one, e.g. `airace serve scenarios/games/pause-or-race.toml`, to simulate a \
                 game's strategies",
                state.source
            ),
        );
    };
    let input: SimulateInput = match serde_json::from_value(request) {
        Ok(input) => input,
        Err(e) => {
            return Answer::error(
                400,
                format!("the request must be {{page, runs?, seed?, adaptive?}}: {e}"),
            );
        }
    };
    if input.page.is_empty() || input.page.len() > 100 {
        return Answer::error(
            400,
            "`page` must be a string of 1 to 100 characters naming the page",
        );
    }
    if input.seed.is_some_and(|s| s > i64::MAX as u64) {
        return Answer::error(
            400,
            format!(
                "`seed` must be at most {} (what a TOML file holds)",
                i64::MAX
            ),
        );
    }
    // Its own flag: a game does not cancel the page's scenario run.
    let cancel = state.start_run(&format!("{}\u{0}game", input.page));
    match simulated::simulate(&state.pool, game, &input, &cancel) {
        Ok(view) => Answer::json(200, &view),
        Err(Refused::TooBig(message)) => Answer::error(422, message),
        Err(Refused::Cancelled) => Answer::json(
            409,
            &json!({ "cancelled": true, "error": "a newer request of the page, or Ctrl-C, stopped this one" }),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pages_json_reads_back_to_the_scenario_it_came_from() {
        for shipped in crate::builtin::SHIPPED {
            let s = crate::builtin::load(shipped.name).unwrap();
            let page = serde_json::to_value(&s).unwrap();
            let (back, _) = scenario_from_page(&page).ok().unwrap();
            assert_eq!(back, s, "{}", shipped.name);
        }
    }

    #[test]
    fn whole_numbers_from_the_page_are_floats_except_for_integer_keys() {
        let mut page = serde_json::to_value(crate::builtin::load("race").unwrap()).unwrap();
        // JavaScript writes 1.0 as 1.
        page["labs"][0]["capability"] = json!(1);
        page["world"]["decisive_capability"] = Value::Null;
        let (s, text) = scenario_from_page(&page).ok().unwrap();
        assert_eq!(s.labs[0].capability, 1.0);
        assert!(text.contains("capability = 1.0"), "{text}");
        assert!(text.contains("runs = 10000\n"), "{text}");
        // null: the key left out (here: no decisive capability).
        assert_eq!(s.world.decisive_capability, None);
    }

    #[test]
    fn a_bad_value_is_refused_with_the_readers_message_and_key_path() {
        let mut page = serde_json::to_value(crate::builtin::load("race").unwrap()).unwrap();
        page["world"]["returns"] = json!(0);
        let refused = scenario_from_page(&page).err().unwrap();
        assert_eq!(refused.status, 422);
        let body: Value = serde_json::from_slice(&refused.body).unwrap();
        assert_eq!(body["problems"][0]["key_path"], "world.returns");
        assert!(
            body["problems"][0]["message"]
                .as_str()
                .unwrap()
                .contains("0 < returns <= 1"),
            "{body}"
        );
        let not_an_object = scenario_from_page(&json!([1, 2])).err().unwrap();
        assert_eq!(not_an_object.status, 400);
    }
}
