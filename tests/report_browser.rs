//! The report page in a real headless browser (Debian's `chromium`): it
//! loads, and every figure is laid out with a size and has drawn content.
//!
//! Part of `cargo test`: it runs where `chromium` is on the PATH (`.ci/run`
//! and `scripts/browser-test.sh` install it) and otherwise says that it
//! skipped. It also leaves screenshots in `target/report-screenshots/` for a
//! person to look at.

mod common;

use common::airace;
use std::fs;
use std::path::Path;

const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--allow-file-access-from-files",
];

/// A harness page that loads the report in an iframe and writes, into its
/// own DOM, what it measured of each figure.
const HARNESS: &str = r#"<!DOCTYPE html><html><body>
<iframe id="r" src="REPORT" width="WIDTH" height="900"></iframe>
<pre id="out">pending</pre>
<script>
document.getElementById('r').addEventListener('load', () => {
  const doc = document.getElementById('r').contentDocument;
  const figs = [...doc.querySelectorAll('figure svg')];
  const lines = figs.map(svg => {
    const box = svg.getBoundingClientRect();
    const content = svg.getBBox();
    const texts = svg.querySelectorAll('text').length;
    const shapes = svg.querySelectorAll('polyline,path,rect,polygon,line,circle').length;
    return `figure ${svg.parentElement.id} box ${Math.round(box.width)}x${Math.round(box.height)} content ${Math.round(content.width)}x${Math.round(content.height)} texts ${texts} shapes ${shapes}`;
  });
  const root = doc.documentElement;
  // Anything wider than the window: the page's own width, and any element
  // whose right edge passes it (a table scrolls inside itself instead).
  const wide = [...doc.body.querySelectorAll('*')]
    .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1 && !e.closest('table,pre'))
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : ''));
  document.getElementById('out').textContent = `title ${doc.title}\nfigures ${figs.length}\n`
    + `page ${root.scrollWidth} in ${root.clientWidth}\nwide [${wide.slice(0, 5).join(' ')}]\n` + lines.join('\n');
});
</script></body></html>"#;

fn chromium(args: &[&str]) -> String {
    let out = std::process::Command::new("chromium")
        .args(CHROMIUM_FLAGS)
        .args(args)
        .output()
        .expect("chromium is installed (scripts/browser-test.sh installs it)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What the harness measured of the page in a frame `width` px wide.
fn harness_report(page: &Path, width: u32) -> String {
    let dir = page.parent().unwrap();
    let harness = dir.join("harness.html");
    fs::write(
        &harness,
        HARNESS
            .replace("REPORT", "index.html")
            .replace("WIDTH", &width.to_string()),
    )
    .unwrap();
    let dom = chromium(&[
        "--virtual-time-budget=10000",
        "--dump-dom",
        &format!("file://{}", harness.display()),
    ]);
    fs::remove_file(&harness).unwrap();
    let start = dom.find("<pre id=\"out\">").expect("the harness ran") + "<pre id=\"out\">".len();
    let report = dom[start..start + dom[start..].find("</pre>").unwrap()].to_string();
    println!("{} at {width} px:\n{report}", page.display());
    // Nothing runs past the window, at a desktop's width or a phone's.
    let line = report.lines().find(|l| l.starts_with("page ")).unwrap();
    let numbers: Vec<u32> = line.split(' ').filter_map(|s| s.parse().ok()).collect();
    assert!(
        numbers[0] <= numbers[1],
        "{} is wider than a {width} px window: {line}\n{report}",
        page.display()
    );
    assert!(
        report.contains("wide []"),
        "{} has elements past a {width} px window:\n{report}",
        page.display()
    );
    report
}

fn measure(page: &Path, expected_figures: usize) {
    let dir = page.parent().unwrap();
    harness_report(page, 390);
    let report = harness_report(page, 1280);
    let report = report.as_str();
    assert!(
        report.contains(&format!("figures {expected_figures}")),
        "{report}"
    );
    for line in report.lines().filter(|l| l.starts_with("figure ")) {
        let numbers: Vec<u32> = line
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        // box w, h, content w, h, texts, shapes (ids may hold digits: take the last six).
        let n = &numbers[numbers.len() - 6..];
        assert!(
            n[0] > 300 && n[1] > 150,
            "figure laid out too small: {line}"
        );
        assert!(
            n[2] > 200 && n[3] > 100,
            "figure has no drawn content: {line}"
        );
        assert!(
            n[4] >= 5 && n[5] >= 5,
            "figure lacks text or shapes: {line}"
        );
    }
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/report-screenshots");
    fs::create_dir_all(&shots).unwrap();
    let name = dir.file_name().unwrap().to_string_lossy();
    screenshot(page, "390,6000", &shots.join(format!("{name}-390px.png")));
    screenshot(page, "1200,4000", &shots.join(format!("{name}.png")));
}

/// Saves chromium's screenshot of `page` in a window of `size` ("W,H") as
/// the PNG `shot`.
fn screenshot(page: &Path, size: &str, shot: &Path) {
    chromium(&[
        &format!("--window-size={size}"),
        &format!("--screenshot={}", shot.display()),
        &format!("file://{}", page.display()),
    ]);
}

/// Figures on a game's page.
const GAME_FIGURES: usize = 4;

#[test]
fn report_pages_render_their_figures_in_a_browser() {
    if !common::chromium_present("the report pages were not checked in a browser") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    common::writes_into(
        airace().args([
            "run",
            "scenarios/rsp-2026.toml",
            "scenarios/pause-2023.toml",
            "--quiet",
            "--runs",
            "500",
            "--name",
            "cmp",
        ]),
        dir.path(),
    );
    measure(&dir.path().join("rsp-2026/index.html"), 4);
    measure(&dir.path().join("cmp/index.html"), 3);
    common::writes_into(
        common::rsp_sweep("world.spillover=0,0.05")
            .args(["--set", "world.hazard.gap_slope=0.3,0.5"])
            .args(["--quiet", "--runs", "300"]),
        dir.path(),
    );
    measure(&dir.path().join("rsp-2026-sweep/index.html"), 2);
    // An exploration (the printed template as a small Sobol' design): per
    // outcome the policies and the sensitivity bars, and PRIM's peeling.
    let file = common::small_sobol(dir.path());
    common::writes_into(
        airace()
            .arg("explore")
            .arg(&file)
            .args(["--quiet", "--runs", "40"]),
        dir.path(),
    );
    measure(&dir.path().join("my-question-explore/index.html"), 5);
    // A game's page, with its payoff tables.
    common::writes_into(
        airace()
            .args(["game", "scenarios/games/pause-or-race.toml"])
            .args(["--quiet", "--runs", "100", "--no-adaptive"]),
        dir.path(),
    );
    measure(&dir.path().join("pause-or-race/index.html"), GAME_FIGURES);
}
