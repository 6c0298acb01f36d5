//! Figures, report pages and sweeps as a user meets them: every figure file
//! is there, is a valid SVG or PNG of the size asked for, and is redrawn to
//! the same bytes from the CSV files alone.

use std::fs;

mod common;

use common::{airace, assert_same_outputs, check_figures};

#[test]
fn a_run_draws_every_figure_at_the_size_asked_and_plot_redraws_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    common::writes_into(
        common::rsp_and_lone_pause("400").args([
            "--name", "cmp", "--width", "3.5", "--height", "2.5", "--dpi", "300",
        ]),
        dir.path(),
    );
    let scenario = ["risk", "capability", "outcomes", "policy"];
    check_figures(
        &dir.path().join("rsp-2026"),
        &scenario,
        (336, 240),
        (1050, 750),
    );
    check_figures(
        &dir.path().join("lone-pause"),
        &scenario,
        (336, 240),
        (1050, 750),
    );
    check_figures(
        &dir.path().join("cmp"),
        &["risk", "outcomes", "tradeoff"],
        (336, 240),
        (1050, 750),
    );

    // Redraw from the CSV files alone, into a copy without the figures.
    let copy = tempfile::tempdir().unwrap();
    for folder in ["rsp-2026", "lone-pause", "cmp"] {
        fs::create_dir_all(copy.path().join(folder)).unwrap();
        for entry in fs::read_dir(dir.path().join(folder)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_file() && name.ends_with(".csv")
                || name.ends_with(".json")
                || name.ends_with(".toml")
            {
                fs::copy(&path, copy.path().join(folder).join(&name)).unwrap();
            }
        }
    }
    airace()
        .arg("plot")
        .args(["rsp-2026", "lone-pause", "cmp"].map(|f| copy.path().join(f)))
        .args(["--width", "3.5", "--height", "2.5", "--dpi", "300"])
        .assert()
        .success();
    for (folder, stems) in [
        ("rsp-2026", &scenario[..]),
        ("cmp", &["risk", "outcomes", "tradeoff"][..]),
    ] {
        for stem in stems {
            for ext in ["svg", "png"] {
                let file = format!("{folder}/figures/{stem}.{ext}");
                assert!(
                    fs::read(dir.path().join(&file)).unwrap()
                        == fs::read(copy.path().join(&file)).unwrap(),
                    "{file}"
                );
            }
        }
        assert!(
            fs::read(dir.path().join(folder).join("index.html")).unwrap()
                == fs::read(copy.path().join(folder).join("index.html")).unwrap()
        );
    }
}

#[test]
fn no_plots_draws_nothing_and_plot_refuses_other_folders() {
    let dir = tempfile::tempdir().unwrap();
    common::writes_into(common::race("50").args(["--no-plots"]), dir.path());
    assert!(!dir.path().join("race/figures").exists());
    common::refuses(
        airace().arg("plot").arg(dir.path()),
        "is not an airace output folder",
    );
    airace()
        .args(["plot", "output-that-does-not-exist"])
        .assert()
        .code(2);
    // A damaged folder is the user's to mend: exit code 2, the file named.
    let race = dir.path().join("race");
    let timeseries = std::fs::read_to_string(race.join("timeseries.csv")).unwrap();
    let cut = timeseries.len() - 20;
    std::fs::write(race.join("timeseries.csv"), &timeseries[..cut]).unwrap();
    common::refuses(airace().arg("plot").arg(&race), "timeseries.csv");
    std::fs::write(race.join("timeseries.csv"), timeseries).unwrap();
    std::fs::remove_file(race.join("summary.csv")).unwrap();
    common::refuses(airace().arg("plot").arg(&race), "summary.csv");
    common::refuses(
        airace().args(["run", "--width", "0.1"]),
        "allowed 1 to 40 inches",
    );
    // Each value in range, their product not: refused before any work
    // (plotters' bitmap arithmetic overflows on such sizes).
    let big = ["--width", "40", "--height", "40", "--dpi", "1200"];
    let out = dir.path().join("big");
    for command in [&["run", "scenarios/race.toml", "--out"][..], &["plot"]] {
        let target = if command[0] == "plot" {
            race.clone()
        } else {
            out.clone()
        };
        common::refuses(
            airace().args(command).arg(&target).args(big),
            "is a PNG of 48000 x 48000 pixels (2304 megapixels); airace draws at most 100",
        );
    }
    assert!(!out.exists());
}

#[test]
fn a_two_key_grid_sweep_writes_every_point_a_line_and_a_heatmap() {
    let dir = tempfile::tempdir().unwrap();
    common::rsp_sweep("labs.Frontier.policy.1.risk=0.001,0.004")
        .args([
            "--set",
            "world.hazard.gap_slope=0.2,0.4,0.6",
            "--runs",
            "300",
            "--quiet",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .success()
        .stdout("");
    let sweep = dir.path().join("rsp-2026-sweep");
    let csv = fs::read_to_string(sweep.join("sweep.csv")).unwrap();
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert!(csv.starts_with(
        "point,design,labs.Frontier.policy.1.risk,world.hazard.gap_slope,runs,p_catastrophe,"
    ));
    let points: Vec<(&str, &str)> = rows.iter().map(|r| (r[2], r[3])).collect();
    assert_eq!(
        points,
        [
            ("0.001", "0.2"),
            ("0.001", "0.4"),
            ("0.001", "0.6"),
            ("0.004", "0.2"),
            ("0.004", "0.4"),
            ("0.004", "0.6")
        ]
    );
    assert!(rows.iter().all(|r| r[1] == "grid" && r[4] == "300"));
    // Risk rises with the gap slope at either risk threshold.
    let p: Vec<f64> = rows.iter().map(|r| r[5].parse().unwrap()).collect();
    assert!(
        p[0] < p[1] && p[1] < p[2] && p[3] < p[4] && p[4] < p[5],
        "{p:?}"
    );
    check_figures(
        &sweep,
        &["sweep-line", "sweep-heatmap"],
        (624, 384),
        (1300, 800),
    );
    assert!(
        !sweep.join("points").exists(),
        "per-point outputs only with --keep-points"
    );
}

#[test]
fn a_latin_hypercube_sweep_has_the_samples_asked_and_keep_points_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    common::writes_into(
        airace()
            .args([
                "sweep",
                "scenarios/race.toml",
                "--samples",
                "6",
                "--set",
                "labs.Upstart.safety_share=0..0.3",
            ])
            .args([
                "--set",
                "world.spillover=0..0.1",
                "--runs",
                "100",
                "--quiet",
                "--keep-points",
                "--no-plots",
            ]),
        dir.path(),
    );
    let sweep = dir.path().join("race-sweep");
    let csv = fs::read_to_string(sweep.join("sweep.csv")).unwrap();
    let rows: Vec<Vec<f64>> = csv
        .lines()
        .skip(1)
        .map(|l| {
            l.split(',')
                .skip(2)
                .take(2)
                .map(|x| x.parse().unwrap())
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 6);
    for (k, (low, high)) in [(0, (0.0, 0.3)), (1, (0.0, 0.1))] {
        let mut strata: Vec<usize> = rows
            .iter()
            .map(|r| ((r[k] - low) / (high - low) * 6.0).floor() as usize)
            .collect();
        strata.sort();
        assert_eq!(
            strata,
            [0, 1, 2, 3, 4, 5],
            "one point per stratum of parameter {k}"
        );
    }
    for point in 1..=6 {
        assert!(
            sweep
                .join(format!("points/{point:04}/summary.json"))
                .is_file()
        );
    }
}

#[test]
fn bad_sweep_keys_get_clear_errors_and_write_nothing() {
    let (_dir, out) = common::temp_path("out");
    let cases: [(&[&str], &str); 11] = [
        // Regression: the second --set of a key silently replaced the first.
        (
            &[
                "--set",
                "world.spillover=0,0.1",
                "--set",
                "world.spillover=0.2",
            ],
            "--set `world.spillover` is given twice: give each key once",
        ),
        // Regression: every point ran with the sweep's one seed, yet
        // sweep.csv listed the seeds as if they had been run.
        (
            &["--set", "scenario.seed=1,2,3"],
            "sweep key `scenario.seed` cannot be swept: a sweep runs every point with one seed",
        ),
        // Regression: --runs replaced a swept scenario.runs unsaid.
        (
            &["--set", "scenario.runs=100,200", "--runs", "300"],
            "--runs 300 would run every point 300 times, but `scenario.runs` is swept",
        ),
        // Regression: 20.5 was written to sweep.csv but run as 21.
        (
            &["--set", "scenario.steps=10,20.5"],
            "sweep key `scenario.steps`: expected a whole number (no decimal point or exponent), \
             found `20.5`: allowed 1 <= steps <= 100000",
        ),
        (
            &["--set", "labs.Frontier.count=1,2.5"],
            "sweep key `labs.Frontier.count`: expected a whole number",
        ),
        (
            &["--set", "world.observation.disclosure_every=0,2.5"],
            "sweep key `world.observation.disclosure_every`: expected a whole number",
        ),
        (
            &["--set", "world.observation.capabilty_noise=0,1"],
            "did you mean `world.observation.capability_noise`?",
        ),
        (
            &["--set", "labs.Frontire.safety_share=0.1"],
            "the labs are Frontier, Challenger, Upstart",
        ),
        (
            &["--set", "labs.Frontier.policy.7.risk=0.1"],
            "the lab has 2 rules, numbered from 0",
        ),
        (
            &["--set", "world.returns=0.5,1.5"],
            "sweep point 2 (world.returns=1.5): world.returns: 1.5 is out of range: allowed 0 < returns <= 1",
        ),
        (
            &["--set", "world.returns"],
            "expected KEY=V1,V2,... or KEY=LOW..HIGH",
        ),
    ];
    for (args, message) in cases {
        common::refuses(
            airace()
                .args(["sweep", "scenarios/rsp-2026.toml"])
                .args(args)
                .arg("--out")
                .arg(&out),
            message,
        );
    }
    assert!(!out.exists());
}

/// Regression: a lab named `v1.5` (names may hold dots) could not be swept:
/// "names no lab ... did you mean `labs.v1.5.safety_share`?", the very key
/// typed.
#[test]
fn a_lab_whose_name_has_a_dot_can_be_swept() {
    let dir = tempfile::tempdir().unwrap();
    let race = fs::read_to_string("scenarios/race.toml").unwrap();
    let scenario = dir.path().join("dotlab.toml");
    fs::write(&scenario, race.replace("\"Frontier\"", "\"v1.5\"")).unwrap();
    common::writes_into(
        airace()
            .arg("sweep")
            .arg(&scenario)
            .args(["--set", "labs.v1.5.safety_share=0.1,0.3", "--runs", "20"])
            .args(["--no-plots", "--quiet"]),
        dir.path(),
    );
    let csv = fs::read_to_string(dir.path().join("race-sweep/sweep.csv")).unwrap();
    assert!(
        csv.starts_with("point,design,labs.v1.5.safety_share,runs,"),
        "{csv}"
    );
    assert!(
        csv.contains("\n1,grid,0.1,20,") && csv.contains("\n2,grid,0.3,20,"),
        "{csv}"
    );
}

/// Regression: `airace validate` passed a file whose `[sweep]` table
/// `airace sweep` then refused, one problem at a time and without a line.
/// Both now report every problem of the table, each at its line and column.
#[test]
fn validate_checks_the_sweep_table_as_sweep_does() {
    let dir = tempfile::tempdir().unwrap();
    let race = fs::read_to_string("scenarios/race.toml").unwrap();
    let n = race.lines().count();
    let check = |name: &str, table: &str, expected: &[String]| {
        let scenario = dir.path().join(name);
        fs::write(&scenario, format!("{race}\n{table}")).unwrap();
        let file = scenario.display().to_string();
        let mut message = format!("error: {file}: {} problems\n", expected.len());
        for e in expected {
            message.push_str(&format!("  {file}:{e}\n"));
        }
        let validate = airace().arg("validate").arg(&scenario).output().unwrap();
        assert_eq!(common::exited(&validate, 2), message);
        let out = dir.path().join("out");
        let sweep = common::refused_into(airace().arg("sweep").arg(&scenario), &out);
        assert_eq!(sweep, message);
    };
    check(
        "table.toml",
        "[sweep]\nfoo = 1\nsamples = 0\n\
         [[sweep.parameter]]\nkey = \"world.spillover\"\nrange = [0.3, 0.1]\n\
         [[sweep.parameter]]\nkey = \"world.returns\"\nvalues = [0.1]\nrange = [0.1, 0.2]\n",
        &[
            format!(
                "{}:1: sweep: unknown field `foo`, expected `samples` or `parameter`",
                n + 3
            ),
            format!(
                "{}:11: sweep.samples: 0 is out of range: allowed 1 <= samples <= 100000",
                n + 4
            ),
            format!(
                "{}:1: sweep.parameter[0].range: must be [LOW, HIGH] with LOW < HIGH, \
                 e.g. range = [0.0, 0.3]",
                n + 7
            ),
            format!(
                "{}:1: sweep.parameter[1]: needs exactly one of values = [...] or \
                 range = [LOW, HIGH]",
                n + 8
            ),
        ],
    );
    check(
        "keys.toml",
        "[sweep]\n[[sweep.parameter]]\nkey = \"world.retrns\"\nvalues = [0.1, 0.2]\n\
         [[sweep.parameter]]\nkey = \"scenario.steps\"\nvalues = [10, 20.5]\n",
        &[
            format!(
                "{}:1: sweep.parameter[0].key: `world.retrns` is not a numeric key of the \
                 scenario; did you mean `world.returns`?",
                n + 4
            ),
            format!(
                "{}:1: sweep.parameter[1].values: `scenario.steps`: expected a whole number \
                 (no decimal point or exponent), found `20.5`: allowed 1 <= steps <= 100000",
                n + 8
            ),
        ],
    );
    // A good table passes, and so does a file without one.
    let scenario = dir.path().join("good.toml");
    fs::write(
        &scenario,
        format!(
            "{race}\n[sweep]\n[[sweep.parameter]]\nkey = \"world.returns\"\nvalues = [0.4, 0.6]\n"
        ),
    )
    .unwrap();
    airace()
        .arg("validate")
        .arg(&scenario)
        .arg("scenarios/race.toml")
        .assert()
        .success();
}

/// Regression: a sweep's folder held no manifest.json, so nothing in it said
/// how it was made or how to make it again. Now it records the seed, version,
/// source and command line, and its sweep.toml runs the same points again.
#[test]
fn a_sweep_folder_records_how_to_run_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = |out: &std::path::Path, threads: &str| {
        common::writes_into(
            airace()
                .args(["sweep", "scenarios/race.toml"])
                .args([
                    "--set",
                    "world.returns=0.3..0.7",
                    "--set",
                    "labs.Frontier.count=1..3",
                ])
                .args(["--samples", "4", "--runs", "60", "--seed", "9", "--quiet"])
                .args(["--threads", threads]),
            out,
        );
        out.join("race-sweep")
    };
    let one = sweep(&dir.path().join("t1"), "1");
    let two = sweep(&dir.path().join("t2"), "2");
    // Byte for byte the same but for the manifest's record of the invocation.
    assert_same_outputs(&one, &two);
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(one.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["seed"], 9);
    assert_eq!(manifest["airace_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest["source"], "scenarios/race.toml");
    assert_eq!(manifest["design"], "latin_hypercube");
    assert_eq!(manifest["points"], 4);
    assert_eq!(
        manifest["parameters"],
        serde_json::json!(["world.returns", "labs.Frontier.count"])
    );
    assert_eq!(manifest["threads"], 1);
    assert_eq!(manifest["command_line"][1], "sweep");
    assert_eq!(manifest["reproduce"], "airace sweep sweep.toml --seed 9");
    // sweep.toml alone (its seed and runs inside) runs the same points.
    let again = dir.path().join("again");
    common::writes_into(
        airace()
            .arg("sweep")
            .arg(one.join("sweep.toml"))
            .args(["--quiet", "--no-plots"]),
        &again,
    );
    assert_eq!(
        fs::read_to_string(again.join("race-sweep/sweep.csv")).unwrap(),
        fs::read_to_string(one.join("sweep.csv")).unwrap()
    );
}

/// Every text of an SVG figure: (x, y, the text).
fn svg_texts(svg: &str) -> Vec<(f64, f64, String)> {
    let attr = |tag: &str, name: &str| -> f64 {
        let tag = format!(" {tag}");
        let start = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        tag[start..].split('"').next().unwrap().parse().unwrap()
    };
    svg.split("<text ")
        .skip(1)
        .map(|t| {
            let (tag, rest) = t.split_once('>').unwrap();
            let text = rest.split("</text>").next().unwrap().trim().to_string();
            (attr(tag, "x"), attr(tag, "y"), text)
        })
        .collect()
}

/// Ten labs (rsp-2026's three expanded to 2 + 4 + 4): every legend entry
/// is inside the figure, the labs' colours are ten different ones, and the
/// bar labels under the outcomes do not run into each other.
#[test]
fn ten_labs_keep_every_legend_entry_a_colour_each_and_apart_labels() {
    let dir = tempfile::tempdir().unwrap();
    let text = fs::read_to_string("scenarios/rsp-2026.toml")
        .unwrap()
        .replace("name = \"rsp-2026\"", "name = \"ten\"")
        .replace("name = \"Frontier\"\n", "name = \"Frontier\"\ncount = 2\n")
        .replace(
            "name = \"Challenger\"\n",
            "name = \"Challenger\"\ncount = 4\n",
        )
        .replace("name = \"Upstart\"\n", "name = \"Upstart\"\ncount = 4\n");
    let file = dir.path().join("ten.toml");
    fs::write(&file, text).unwrap();
    common::writes_into(
        airace()
            .arg("run")
            .arg(&file)
            .args(["--runs", "200", "--quiet", "--no-run-rows"]),
        dir.path(),
    );
    let figures = dir.path().join("ten/figures");
    let svg = fs::read_to_string(figures.join("capability.svg")).unwrap();
    let height: f64 = svg
        .split("height=\"")
        .nth(1)
        .and_then(|h| h.split('"').next())
        .unwrap()
        .parse()
        .unwrap();
    let texts = svg_texts(&svg);
    for lab in ["Frontier-1", "Challenger-4", "Upstart-4"] {
        for what in ["capability", "safety"] {
            let label = format!("{lab} {what}");
            let (_, y, _) = texts
                .iter()
                .find(|(_, _, t)| *t == label)
                .unwrap_or_else(|| panic!("no legend entry {label}"));
            assert!(
                *y < height - 2.0,
                "{label} at y = {y}, below the figure ({height})"
            );
        }
    }
    // The legend's line swatches: one stroke colour per lab.
    let mut colours: Vec<&str> = svg
        .split("stroke=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|c| c.starts_with('#'))
        .collect();
    colours.sort_unstable();
    colours.dedup();
    assert!(colours.len() >= 11, "{colours:?}"); // 10 labs and the frontier

    // Bar labels (and every other text) do not run into each other, as
    // measured with the font they are drawn in.
    let svg = fs::read_to_string(figures.join("outcomes.svg")).unwrap();
    let problems = common::layout::problems(&svg);
    assert!(problems.is_empty(), "{problems:#?}");
    for lab in ["Frontier-1", "Challenger-4", "Upstart-4"] {
        assert!(svg.contains(lab), "no bar label {lab}");
    }
}

#[test]
fn a_sweep_reports_the_same_whether_or_not_it_keeps_its_points() {
    // Without --keep-points a point keeps only what its summary reads (no
    // per-step statistics); with it, everything: the same sweep.csv.
    let dir = tempfile::tempdir().unwrap();
    let sweep = |keep: bool, out: &str| {
        let out = dir.path().join(out);
        common::writes_into(
            common::rsp_sweep("world.spillover=0,0.05,0.1")
                .args(["--runs", "1500", "--quiet", "--no-plots"])
                .args(keep.then_some("--keep-points")),
            &out,
        );
        fs::read_to_string(out.join("rsp-2026-sweep").join("sweep.csv")).unwrap()
    };
    let (summaries, kept) = (sweep(false, "a"), sweep(true, "b"));
    assert_eq!(summaries.lines().count(), 4);
    assert_eq!(summaries, kept);
}

/// The trade-off figure plots each scenario at the numbers its files hold:
/// P(catastrophe) and its interval as `comparison.csv` and `summary.json`
/// give them, and the mean step of the win as `win_step_mean`, whose
/// interval (1.96 SE either side) is recomputed here from the win steps in
/// `runs.csv`.
#[test]
fn the_tradeoff_figure_plots_the_numbers_of_comparison_csv_and_runs_csv() {
    use airace::plot::figure::Figure;
    let dir = tempfile::tempdir().unwrap();
    common::writes_into(
        airace().args([
            "run",
            "scenarios/race.toml",
            "scenarios/rsp-2026.toml",
            "--quiet",
            "--runs",
            "300",
            "--no-plots",
            "--name",
            "cmp",
        ]),
        dir.path(),
    );
    let data = airace::output::comparison::read(&dir.path().join("cmp")).unwrap();
    let figures = airace::plot::figures::comparison_figures(&data).unwrap();
    let stems: Vec<&str> = figures.iter().map(|(s, _)| s.as_str()).collect();
    // Both races end at the decisive capability: the final capability
    // does not tell them apart, so its view is left out.
    assert_eq!(stems, ["risk", "outcomes", "tradeoff"]);
    let Figure::Scatter(scatter) = &figures[2].1 else {
        panic!("the trade-off is a scatter");
    };
    let csv = fs::read_to_string(dir.path().join("cmp/comparison.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let column = |row: &str, name: &str| -> f64 {
        let i = header.iter().position(|h| *h == name).unwrap();
        row.split(',').nth(i).unwrap().parse().unwrap()
    };
    assert_eq!(scatter.points.len(), 2);
    for (row, point) in csv.lines().skip(1).zip(&scatter.points) {
        let name = row.split(',').next().unwrap();
        assert_eq!(point.label, name);
        let summary: serde_json::Value = serde_json::from_str(
            &fs::read_to_string(dir.path().join(name).join("summary.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(point.y, column(row, "p_catastrophe"));
        assert_eq!(point.y_low, column(row, "p_catastrophe_ci_low"));
        assert_eq!(point.y_high, column(row, "p_catastrophe_ci_high"));
        assert_eq!(point.x, column(row, "win_step_mean"));
        assert_eq!(Some(point.x), summary["win_step_mean"].as_f64());
        // The win steps of the runs with a winner, from runs.csv.
        let runs = fs::read_to_string(dir.path().join(name).join("runs.csv")).unwrap();
        let run_header: Vec<&str> = runs.lines().next().unwrap().split(',').collect();
        let k = run_header.iter().position(|h| *h == "win_step").unwrap();
        let steps: Vec<f64> = runs
            .lines()
            .skip(1)
            .filter_map(|l| l.split(',').nth(k).unwrap().parse().ok())
            .collect();
        let n = steps.len() as f64;
        assert!(n > 100.0, "{name}: {n} runs with a winner");
        let mean = steps.iter().sum::<f64>() / n;
        let var = steps.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / (n - 1.0);
        let half = 1.959_963_984_540_054 * (var / n).sqrt();
        assert!(
            (point.x - mean).abs() < 1e-9,
            "{name}: {} vs {mean}",
            point.x
        );
        assert!(half > 0.0);
        assert!(
            (point.x_low - (mean - half)).abs() < 1e-9
                && (point.x_high - (mean + half)).abs() < 1e-9,
            "{name}: [{}, {}] vs {mean} and half-width {half}",
            point.x_low,
            point.x_high
        );
    }
    assert!(
        scatter.labels.x_label.ends_with("(bars: 95% intervals)"),
        "{}",
        scatter.labels.x_label
    );
}
