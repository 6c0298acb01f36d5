//! `airace serve` over HTTP: every endpoint, every refusal, and the numbers
//! it shows equal to `airace run` of the scenario it offers for download.

mod common;
mod serve_support;

use serde_json::{Value, json};
use serve_support::{Server, airace_run};
use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};

fn rsp() -> Server {
    Server::start(&["scenarios/rsp-2026.toml", "--threads", "2"])
}

/// The scenario the server started with, as the page gets it.
fn start_scenario(server: &Server) -> Value {
    let start = server.get("/api/start").json();
    start["scenario"].clone()
}

/// [`rsp`] and [`start_scenario`]: a server and the scenario its page
/// starts with, for a test to change and post.
fn rsp_and_its_scenario() -> (Server, Value) {
    let server = rsp();
    let scenario = start_scenario(&server);
    (server, scenario)
}

#[test]
fn the_page_and_its_assets_are_served_from_the_binary() {
    let server = rsp();
    let page = server.get("/");
    assert_eq!(page.status, 200);
    assert!(page.headers.contains("text/html"), "{}", page.headers);
    assert!(page.text().contains("airace explorer"));
    for (path, kind) in [("/app.js", "javascript"), ("/style.css", "text/css")] {
        let reply = server.get(path);
        assert_eq!(reply.status, 200, "{path}");
        assert!(reply.headers.contains(kind), "{path}: {}", reply.headers);
        assert!(!reply.body.is_empty());
    }
    // No CDN: nothing the page loads comes from elsewhere.
    for path in ["/", "/app.js", "/style.css"] {
        // The SVG namespace is a name, not a download.
        let text = server
            .get(path)
            .text()
            .replace("http://www.w3.org/2000/svg", "");
        assert!(
            !text.contains("https://") && !text.contains("http://"),
            "{path} loads from the network"
        );
    }
}

#[test]
fn unknown_pages_and_wrong_methods_are_refused() {
    let server = rsp();
    let missing = server.get("/etc/passwd");
    assert_eq!(missing.status, 404);
    assert!(
        missing.json()["error"]
            .as_str()
            .unwrap()
            .contains("no such page")
    );
    assert_eq!(server.get("/../Cargo.toml").status, 404);
    let wrong = server.get("/api/run");
    assert_eq!(wrong.status, 405);
    assert!(wrong.text().contains("POST only"));
    assert_eq!(server.post("/api/start", &json!({})).status, 405);
}

#[test]
fn start_gives_the_scenario_the_key_table_and_the_rules() {
    let server = rsp();
    let start = server.get("/api/start").json();
    assert_eq!(start["source"], "scenarios/rsp-2026.toml");
    assert_eq!(start["scenario"]["scenario"]["name"], "rsp-2026");
    assert_eq!(start["scenario"]["labs"].as_array().unwrap().len(), 3);
    let keys = start["keys"].as_array().unwrap();
    let returns = keys.iter().find(|k| k["path"] == "world.returns").unwrap();
    assert_eq!(
        (returns["low"].as_f64(), returns["low_inclusive"].as_bool()),
        (Some(0.0), Some(false))
    );
    assert_eq!(returns["high"].as_f64(), Some(1.0));
    assert_eq!(returns["allowed"], "0 < returns <= 1");
    let rules: Vec<&str> = start["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"unilateral_pause") && rules.contains(&"delay_if_leading"));
    let shipped = server.get("/api/scenario?name=lone-pause").json();
    assert_eq!(shipped["scenario"]["scenario"]["name"], "lone-pause");
    let missing = server.get("/api/scenario?name=nope");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("rsp-2026"));
}

#[test]
fn check_gives_the_file_or_the_problems_validate_gives() {
    let (server, mut scenario) = rsp_and_its_scenario();
    let ok = server.post("/api/check", &json!({ "scenario": scenario }));
    assert_eq!(ok.status, 200);
    assert_eq!(ok.json()["ok"], true);
    scenario["world"]["returns"] = json!(1.5);
    scenario["labs"][1]["policy"][1]["risk"] = json!("high");
    let bad = server.post("/api/check", &json!({ "scenario": scenario }));
    assert_eq!(bad.status, 422);
    let body = bad.json();
    let problems = body["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 2, "{body}");
    let paths: Vec<&str> = problems
        .iter()
        .map(|p| p["key_path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"world.returns"), "{paths:?}");
    assert!(paths.iter().any(|p| p.ends_with("risk")), "{paths:?}");
    // `airace validate` of the very file the page sent says the same.
    let (dir, file) = common::temp_path("explorer");
    std::fs::write(&file, body["toml"].as_str().unwrap()).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_airace"))
        .current_dir(dir.path())
        .args(["validate", "explorer"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for p in problems {
        let text = p["text"].as_str().unwrap();
        assert!(
            stderr.contains(text),
            "validate says:\n{stderr}\nthe server:\n{text}"
        );
    }
}

#[test]
fn the_numbers_shown_equal_airace_run_of_the_downloaded_scenario() {
    let (server, mut scenario) = rsp_and_its_scenario();
    // A change as a student makes it: the Upstart races.
    scenario["labs"][2]["policy"] = json!([{ "rule": "race" }]);
    scenario["world"]["spillover"] = json!(0.05);
    let t = Instant::now();
    let reply = server.post("/api/run", &json!({ "page": "p1", "scenario": scenario }));
    let total = t.elapsed();
    assert_eq!(reply.status, 200);
    let lines = reply.lines();
    let toml = lines[0]["toml"].as_str().unwrap().to_string();
    let runs: Vec<u64> = lines[1..]
        .iter()
        .map(|l| l["runs"].as_u64().unwrap())
        .collect();
    assert_eq!(runs, [1024, 4096, 10_000]);
    let first_ms = lines[1]["elapsed_ms"].as_f64().unwrap();
    let last = lines.last().unwrap();
    assert_eq!(last["done"], true);
    eprintln!(
        "3-lab scenario: first answer ({} runs) after {first_ms:.0} ms, all 10,000 after {:.0} ms \
         on the server ({:.0} ms with the transfer) [test profile]",
        runs[0],
        last["elapsed_ms"].as_f64().unwrap(),
        total.as_secs_f64() * 1e3
    );
    let (summary, dir) = airace_run(&toml, "rsp-2026");
    let shown = &last["current"]["summary"];
    for key in [
        "p_catastrophe",
        "p_catastrophe_sampled",
        "p_catastrophe_unwarned",
        "p_win",
        "labs",
    ] {
        assert_eq!(shown[key], summary[key], "{key}");
    }
    assert_eq!(shown["runs"], 10_000);
    // The figures are those `airace run` draws, byte for byte.
    let figures = last["current"]["figures"].as_array().unwrap();
    assert_eq!(figures.len(), 4);
    for f in figures {
        let stem = f["stem"].as_str().unwrap();
        let drawn =
            std::fs::read_to_string(dir.path().join(format!("out/rsp-2026/figures/{stem}.svg")))
                .unwrap();
        assert!(f["svg"].as_str().unwrap() == drawn, "figure {stem} differs");
    }
    // So is the PNG of the download button.
    let png = server.post(
        "/api/figure.png",
        &json!({ "scenario": scenario, "stem": "risk" }),
    );
    assert_eq!(png.status, 200);
    assert!(png.headers.contains("image/png"));
    let drawn = std::fs::read(dir.path().join("out/rsp-2026/figures/risk.png")).unwrap();
    assert!(png.body == drawn, "risk.png differs");
    let unknown = server.post(
        "/api/figure.png",
        &json!({ "scenario": scenario, "stem": "nope" }),
    );
    assert_eq!(unknown.status, 400);
    assert!(
        unknown.text().contains("risk, capability"),
        "{}",
        unknown.text()
    );
    // An early refinement is `airace run --runs 1024`.
    let (early, _dir) = airace_run(&toml.replace("runs = 10000", "runs = 1024"), "rsp-2026");
    assert_eq!(
        lines[1]["current"]["summary"]["p_catastrophe"],
        early["p_catastrophe"]
    );
}

#[test]
fn a_pinned_baseline_is_compared_with_common_random_numbers() {
    let server = rsp();
    let baseline = start_scenario(&server);
    let mut scenario = baseline.clone();
    scenario["scenario"]["runs"] = json!(3000);
    for lab in scenario["labs"].as_array_mut().unwrap() {
        lab["policy"] = json!([{ "rule": "race" }]);
    }
    let reply = server.post(
        "/api/run",
        &json!({ "page": "p2", "scenario": scenario, "baseline": baseline }),
    );
    let last = reply.lines().pop().unwrap();
    // The baseline ran with the scenario's runs (and seed).
    assert_eq!(last["baseline"]["summary"]["runs"], 3000);
    let d = &last["difference"];
    let (mean, low, high) = (
        d["p_catastrophe"]["mean"].as_f64().unwrap(),
        d["p_catastrophe"]["ci_low"].as_f64().unwrap(),
        d["p_catastrophe"]["ci_high"].as_f64().unwrap(),
    );
    let p = |s: &str| {
        last[s]["summary"]["p_catastrophe"]["mean"]
            .as_f64()
            .unwrap()
    };
    let diff = p("current") - p("baseline");
    assert!((mean - diff).abs() < 1e-12, "{mean} vs {diff}");
    assert!(low <= mean && mean <= high);
    let verdict = d["verdict"].as_str().unwrap();
    assert_eq!(
        verdict,
        if low > 0.0 {
            "higher"
        } else if high < 0.0 {
            "lower"
        } else {
            "undecided"
        }
    );
    // Paired, the interval is narrower than the two intervals side by side.
    let half = |s: &str| {
        let e = &last[s]["summary"]["p_catastrophe"];
        (e["ci_high"].as_f64().unwrap() - e["ci_low"].as_f64().unwrap()) / 2.0
    };
    assert!(high - low < 2.0 * (half("current") + half("baseline")));
}

#[test]
fn requests_beyond_the_limits_are_refused_with_the_clis_messages() {
    let (server, scenario) = rsp_and_its_scenario();
    let refused = |s: &Value| {
        let r = server.post("/api/run", &json!({ "page": "p3", "scenario": s }));
        assert_eq!(r.status, 422, "{}", r.text());
        r.json()["error"].as_str().unwrap().to_string()
    };
    // 10^12 runs: the scenario file's own limit, said as `validate` says it.
    let mut huge = scenario.clone();
    huge["scenario"]["runs"] = json!(1_000_000_000_000u64);
    let message = refused(&huge);
    assert!(
        message.contains("scenario.runs") && message.contains("1000000000"),
        "{message}"
    );
    // Within the file's limits but more work than a request may do.
    let mut long = scenario.clone();
    long["scenario"]["runs"] = json!(100_000_000);
    assert!(refused(&long).contains("at most"));
    // 10^6 labs cannot even be sent; 101 can, and are refused.
    let mut many = scenario.clone();
    let lab = scenario["labs"][0].clone();
    many["labs"] = Value::Array(
        (0..101)
            .map(|i| {
                let mut l = lab.clone();
                l["name"] = json!(format!("L{i}"));
                l
            })
            .collect(),
    );
    assert!(refused(&many).contains("at most 100"));
    let big = vec![b' '; (1 << 20) + 10];
    assert_eq!(server.post_bytes("/api/run", &big).status, 413);
    assert_eq!(server.post_bytes("/api/run", b"{not json").status, 400);
    let no_page = server.post("/api/run", &json!({ "scenario": scenario }));
    assert_eq!(no_page.status, 400);
    assert!(no_page.text().contains("`page`"));
}

#[test]
fn a_new_run_from_the_same_page_cancels_the_old_one_and_the_server_stays_responsive() {
    let (server, mut scenario) = rsp_and_its_scenario();
    scenario["scenario"]["runs"] = json!(2_000_000);
    let body = json!({ "page": "same", "scenario": scenario }).to_string();
    let stream = serve_support::open(&server.address, "POST", "/api/run", Some(body.as_bytes()));
    let mut reader = BufReader::new(stream);
    // Headers, then the first lines of the stream.
    let mut line = String::new();
    let mut seen = String::new();
    while !seen.contains("\"runs\":1024") {
        line.clear();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "the stream ended early: {seen}"
        );
        seen.push_str(&line);
    }
    // While it runs, other requests are answered at once.
    let t = Instant::now();
    assert_eq!(server.get("/api/start").status, 200);
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    // The same page asks again: the first run stops.
    let mut small = scenario.clone();
    small["scenario"]["runs"] = json!(1000);
    let again = server.post("/api/run", &json!({ "page": "same", "scenario": small }));
    assert_eq!(again.lines().last().unwrap()["done"], true);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut reader, &mut rest).unwrap();
    assert!(rest.contains("\"cancelled\":true"), "{rest}");
    assert!(!rest.contains("\"done\":true"));
}

#[test]
fn replay_gives_one_race_step_by_step() {
    let server = rsp();
    let lone = server.get("/api/scenario?name=lone-pause").json()["scenario"].clone();
    let r = server.post(
        "/api/replay",
        &json!({ "scenario": lone, "pick": "lone_pauser_lost" }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let r = r.json();
    let steps = r["steps"].as_u64().unwrap() as usize;
    assert_eq!(r["p_catastrophe"].as_array().unwrap().len(), steps + 1);
    let labs = r["labs"].as_array().unwrap();
    let cautious: Vec<&Value> = labs
        .iter()
        .filter(|l| l["paused_steps"].as_u64().unwrap() + l["delayed_steps"].as_u64().unwrap() > 0)
        .collect();
    assert_eq!(cautious.len(), 1);
    assert_ne!(r["winner"], cautious[0]["name"]);
    assert!(r["winner"].is_string());
    let by_number = server.post(
        "/api/replay",
        &json!({ "scenario": lone, "pick": "run", "run": 3 }),
    );
    assert_eq!(by_number.json()["run"], 3);
    let past = server.post(
        "/api/replay",
        &json!({ "scenario": lone, "pick": "run", "run": 1_000_000 }),
    );
    assert_eq!(past.status, 422);
    assert!(past.text().contains("does not exist"));
    let unknown = server.post("/api/replay", &json!({ "scenario": lone, "pick": "best" }));
    assert_eq!(unknown.status, 400);
    assert!(unknown.text().contains("lone_pauser_lost"));
}

#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let mut server = rsp();
    assert_eq!(server.get("/").status, 200);
    // With a long run in flight.
    let mut scenario = start_scenario(&server);
    scenario["scenario"]["runs"] = json!(2_000_000);
    let body = json!({ "page": "busy", "scenario": scenario }).to_string();
    let stream = serve_support::open(&server.address, "POST", "/api/run", Some(body.as_bytes()));
    let mut reader = BufReader::new(stream);
    let mut seen = String::new();
    while !seen.contains("\"runs\":1024") {
        let mut line = String::new();
        assert!(reader.read_line(&mut line).unwrap() > 0, "{seen}");
        seen.push_str(&line);
    }
    server.interrupt();
    let t = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "still running after Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    let mut out = String::new();
    std::io::Read::read_to_string(server.child.stdout.as_mut().unwrap(), &mut out).unwrap();
    assert!(out.contains("stopped"), "{out}");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut reader, &mut rest).unwrap();
    assert!(rest.contains("\"cancelled\":true"), "{rest}");
}

#[test]
fn a_bad_scenario_file_is_refused_before_serving() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_airace"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["serve", "tests/fixtures/no-such-file.toml", "--port", "0"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-file.toml"));
}

#[test]
fn another_host_than_loopback_is_served_with_a_warning() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_airace"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["serve", "--host", "0.0.0.0", "--port", "0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stderr.as_mut().unwrap())
        .read_line(&mut first)
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(first.starts_with("warning: serving on 0.0.0.0"), "{first}");
}

#[test]
fn the_game_endpoint_finds_equilibria_and_refuses_malformed_games() {
    let server = rsp();
    let game = |payoffs: Value| {
        server.post(
            "/api/game",
            &json!({ "strategies": ["pause", "race"], "payoffs": payoffs }),
        )
    };
    let dilemma = game(json!([[3, 0], [5, 1]]));
    assert_eq!(dilemma.status, 200, "{}", dilemma.text());
    let equilibria = |v: &Value| -> Vec<String> {
        v["profiles"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["status"] != "not an equilibrium")
            .map(|p| p["label"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(equilibria(&dilemma.json()), ["race vs race"]);
    let assurance = game(json!([[3, 0], [2, 1]])).json();
    assert_eq!(equilibria(&assurance), ["pause vs pause", "race vs race"]);
    let stationary = assurance["stationary"].as_array().unwrap();
    let total: f64 = stationary.iter().map(|x| x.as_f64().unwrap()).sum();
    assert!((total - 1.0).abs() < 1e-9);
    let ragged = game(json!([[3, 0], [2]]));
    assert_eq!(ragged.status, 422);
    assert!(ragged.text().contains("2 x 2"));
    let unknown = server.post(
        "/api/game",
        &json!({ "strategies": ["a", "b"], "payof": [] }),
    );
    assert_eq!(unknown.status, 400);
    assert!(unknown.text().contains("payof"));
    let five = server.post(
        "/api/game",
        &json!({ "strategies": ["a", "b", "c", "d", "e"], "payoffs": vec![vec![0.0; 5]; 5] }),
    );
    assert_eq!(five.status, 422);
    assert!(five.text().contains("2 to 4"));
}

#[test]
fn a_game_file_starts_the_explorer_from_its_scenario() {
    let server = Server::start(&["scenarios/games/pause-or-race.toml"]);
    let start = server.get("/api/start").json();
    assert_eq!(start["source"], "scenarios/games/pause-or-race.toml");
    assert!(!start["scenario"]["labs"].as_array().unwrap().is_empty());
}

/// What arrives on `stream` until the server ends it (a stopped stream
/// may end anywhere, so it is not decoded).
fn read_raw(stream: std::net::TcpStream) -> String {
    let mut raw = Vec::new();
    // An error (a reset) ends it too.
    let _ = std::io::Read::read_to_end(&mut BufReader::new(stream), &mut raw);
    String::from_utf8_lossy(&raw).into_owned()
}

#[test]
fn clients_that_never_read_a_streamed_answer_do_not_stall_the_server() {
    let (server, mut scenario) = rsp_and_its_scenario();
    // A long answer: 13 lines of about 140 KB (6 labs' figures and
    // outcomes), more than the sockets' buffers and the queue hold; cheap
    // to simulate (12 steps).
    scenario["scenario"]["runs"] = json!(2_000_000);
    scenario["scenario"]["steps"] = json!(12);
    let labs = scenario["labs"].as_array_mut().unwrap();
    for k in 0..3 {
        let mut twin = labs[k].clone();
        twin["name"] = json!(format!("Twin{k}"));
        labs.push(twin);
    }
    // Twice as many clients as workers ask and never read.
    let stalled: Vec<std::net::TcpStream> = (0..2 * 4)
        .map(|k| {
            let body = json!({ "page": format!("stalled-{k}"), "scenario": scenario }).to_string();
            serve_support::open(&server.address, "POST", "/api/run", Some(body.as_bytes()))
        })
        .collect();
    std::thread::sleep(Duration::from_secs(1));
    let t = Instant::now();
    assert_eq!(server.get("/api/start").status, 200);
    let mut small = start_scenario(&server);
    small["scenario"]["runs"] = json!(1000);
    let run = server.post("/api/run", &json!({ "page": "reader", "scenario": small }));
    assert_eq!(run.lines().last().unwrap()["done"], true);
    // The first four stall their writers, which give up after the write
    // timeout (5 s) and stop their runs; so do the next four; then this
    // request is answered. With workers held for good it would never be;
    // the bound allows for the test build on a loaded machine (37 s
    // measured at load average 24 on 2 cores).
    let waited = t.elapsed();
    println!("answered {waited:?} after 8 clients stalled");
    assert!(waited < Duration::from_secs(120), "answered in {waited:?}");
    // The streams that held the workers first were stopped, not finished
    // (reading one now lets a run that had not stalled yet finish).
    let mut stopped = 0;
    for stream in stalled {
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let text = read_raw(stream);
        assert!(
            text.starts_with("HTTP/1.1 200"),
            "{}",
            &text[..text.len().min(200)]
        );
        stopped += usize::from(!text.contains("\"done\":true"));
    }
    assert!(stopped >= 4, "{stopped} of 8 streams were stopped");
}

#[test]
fn a_game_files_strategies_are_simulated_as_airace_game_simulates_them() {
    let dir = tempfile::tempdir().unwrap();
    for (file, name, players) in [
        ("scenarios/games/pause-or-race.toml", "pause-or-race", 3),
        (
            "scenarios/games/pause-or-race-seats.toml",
            "pause-or-race-seats",
            3,
        ),
    ] {
        let server = Server::start(&[file, "--threads", "2"]);
        let start = server.get("/api/start").json();
        assert_eq!(start["game"]["name"], name);
        assert_eq!(start["game"]["players"], players);
        let shown = server.post("/api/race-game", &json!({ "page": "g", "runs": 300 }));
        assert_eq!(shown.status, 200, "{}", shown.text());
        let shown = shown.json();
        common::writes_into(
            common::airace().args(["game", file, "--runs", "300", "--quiet", "--no-plots"]),
            dir.path(),
        );
        let files = shown["files"].as_array().unwrap();
        assert!(files.len() >= 4, "{files:?}");
        for f in files {
            let (file_name, text) = (f[0].as_str().unwrap(), f[1].as_str().unwrap());
            let written = std::fs::read_to_string(dir.path().join(name).join(file_name))
                .unwrap_or_else(|e| panic!("{name}/{file_name}: {e}"));
            assert_eq!(text, written, "{name}/{file_name}");
        }
        // The rows the page shows are payoffs.csv's.
        let rows = shown["rows"].as_array().unwrap();
        let csv = files.iter().find(|f| f[0] == "payoffs.csv").unwrap()[1]
            .as_str()
            .unwrap()
            .to_string();
        let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
        let payoff = header.iter().position(|h| *h == "payoff").unwrap();
        assert_eq!(csv.lines().count() - 1, rows.len());
        for (line, row) in csv.lines().skip(1).zip(rows) {
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(
                cells[payoff].parse::<f64>().unwrap(),
                row["payoff"].as_f64().unwrap()
            );
        }
        // A seat game has no replicator dynamics, as in `airace game`.
        assert_eq!(shown["stationary"].is_null(), name.ends_with("seats"));
    }
}

#[test]
fn a_game_beyond_the_bound_or_without_a_game_file_is_refused() {
    let server = Server::start(&["scenarios/games/pause-or-race.toml", "--threads", "1"]);
    let big = server.post(
        "/api/race-game",
        &json!({ "page": "g", "runs": 100_000_000u64 }),
    );
    assert_eq!(big.status, 422);
    assert!(big.text().contains("airace game"), "{}", big.text());
    let unknown = server.post("/api/race-game", &json!({ "page": "g", "run": 5 }));
    assert_eq!(unknown.status, 400);
    let scenario_only = rsp();
    let none = scenario_only.post("/api/race-game", &json!({ "page": "g" }));
    assert_eq!(none.status, 404);
    assert!(none.text().contains("scenarios/games/"), "{}", none.text());
    assert!(scenario_only.get("/api/start").json()["game"].is_null());
}

#[test]
fn a_replayed_runs_hazard_is_the_hazard_of_airace_runs_trace() {
    let server = Server::start(&["scenarios/lone-pause.toml", "--threads", "1"]);
    let scenario = start_scenario(&server);
    let dir = tempfile::tempdir().unwrap();
    common::writes_into(
        common::airace().args([
            "run",
            "scenarios/lone-pause.toml",
            "--runs",
            "200",
            "--trace",
            "12",
            "--no-plots",
            "--quiet",
        ]),
        dir.path(),
    );
    let trace = std::fs::read_to_string(dir.path().join("lone-pause/trace.csv")).unwrap();
    let header: Vec<&str> = trace.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (run_c, step_c, lab_c) = (col("run"), col("step"), col("lab"));
    let (rate_c, h_c) = (col("hazard_rate"), col("cumulative_hazard"));
    let mut won = 0;
    for run in 0..12u64 {
        let r = server.post(
            "/api/replay",
            &json!({ "scenario": scenario, "pick": "run", "run": run }),
        );
        assert_eq!(r.status, 200, "{}", r.text());
        let r = r.json();
        let labs = r["labs"].as_array().unwrap();
        let at = |v: &Value, t: usize| v.as_array().unwrap()[t].as_f64().unwrap();
        // Each lab's part: the running sum of its traced rates over steps
        // 1..=t, added in the same order.
        let mut sums = vec![0.0; labs.len()];
        let mut last = 0;
        for line in trace.lines().skip(1) {
            let cells: Vec<&str> = line.split(',').collect();
            if cells[run_c] != run.to_string() {
                continue;
            }
            let t: usize = cells[step_c].parse().unwrap();
            let i = labs.iter().position(|l| l["name"] == cells[lab_c]).unwrap();
            let rate: f64 = cells[rate_c].parse().unwrap();
            assert_eq!(at(&labs[i]["hazard_rate"], t), rate, "run {run} step {t}");
            assert_eq!(
                at(&r["cumulative_hazard"], t),
                cells[h_c].parse::<f64>().unwrap(),
                "run {run} step {t}"
            );
            if t > 0 {
                sums[i] += rate;
            }
            assert_eq!(at(&labs[i]["hazard"], t), sums[i], "run {run} step {t}");
            last = t;
        }
        assert!(last > 0, "run {run} is traced");
        // The labs' parts and the winner's extra make up H (the same
        // terms, added in another order).
        let h = at(&r["cumulative_hazard"], last);
        let extra = r["win_hazard"].as_f64().unwrap_or(0.0);
        if r["win_step"].is_u64() {
            won += 1;
            assert_eq!(r["win_step"].as_u64(), Some(last as u64));
            assert!(extra > 0.0);
        }
        let parts: f64 = sums.iter().sum::<f64>() + extra;
        assert!((parts - h).abs() <= 1e-12 * h, "run {run}: {parts} vs {h}");
    }
    assert!(won > 0, "some replayed runs are won");
}
