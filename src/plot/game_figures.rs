//! The figures of `airace game` and `airace classic`, built from the CSV
//! files those commands write. The commands draw from the bytes they are
//! about to write and `airace plot` from the files on disk, so a folder's
//! figures can always be redrawn from its tables alone.
//!
//! | folder | figure | from |
//! |---|---|---|
//! | game | `payoffs` (`payoffs-SEAT` when seats differ): a player's payoff by its own strategy and the others', best responses outlined, equilibria marked | `payoffs.csv`, `deviations.csv`, `equilibria.csv` |
//! | game | `replicator`: the flow along the line (two strategies), trajectories across the simplex (three), frequencies over time (more) | `replicator_flow.csv`, `replicator_paths.csv`, `mixed.csv` |
//! | game | `stationary`: the small-mutation stationary distribution | `stationary.csv`, `fixation.csv` |
//! | game | `stationary-sweep`: the stationary distribution as the selection intensity moves | `stationary_sweep.csv` |
//! | dsair | `heatmap`: UNSAFE frequency over `(s, p_r)` with the two boundary curves | `heatmap.csv`, `boundaries.csv` |
//! | dsair | `curves`: UNSAFE frequency against `p_r` at the reported speeds | `curves.csv`, `boundaries.csv` |
//! | precipice | `disaster`: P(disaster) against `mu` per information regime, a panel per `(e, n)` | `disaster.csv` |

use super::data::{DataError, NamedFiles, Table};
use super::figure::{
    Band, BarSeries, Bars, Dash, Figure, Frequencies, Heatmap, LegendEntry, LegendKind, Line,
    LineChart, Panels, Point, Simplex, SimplexMark, SimplexPath, Zone,
};
use super::style::{self, BLACK, GREY, color};
use crate::stats::Estimate;

fn invalid(origin: &str, message: String) -> DataError {
    DataError::Invalid {
        origin: origin.to_string(),
        message,
    }
}

/// Distinct values in order of first appearance.
fn distinct<T: PartialEq + Clone>(values: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for v in values {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    out
}

fn range_of(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        })
}

/// Tick names for a fine numeric axis of cells: every `k`-th value, with
/// `k` the smallest of 1, 2, 5, 10, 20, 25, 50, ... giving at most `most`.
fn sparse_names(values: &[f64], most: usize) -> Vec<String> {
    let n = values.len();
    let every = [1usize, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000]
        .into_iter()
        .find(|&k| n.div_ceil(k) <= most.max(1))
        .unwrap_or(n.max(1));
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            if i % every == 0 {
                style::tick(*v)
            } else {
                String::new()
            }
        })
        .collect()
}

/// A payoff as written in a cell: three decimals, no negative zero.
fn payoff_text(x: f64) -> String {
    let s = format!("{x:.3}");
    if s == "-0.000" { "0.000".into() } else { s }
}

/// A mark without an interval.
fn mark(label: &str, color: style::Rgb, marker: usize, hollow: bool, x: f64, y: f64) -> Point {
    Point {
        label: label.to_string(),
        color,
        marker,
        hollow,
        x,
        x_low: x,
        x_high: x,
        y,
        y_low: y,
        y_high: y,
    }
}

// ---------------------------------------------------------------------------
// The game's payoff table, read back.

/// Who a payoff belongs to: a strategy (symmetric games) or a seat.
#[derive(Debug, Clone)]
enum Kind {
    Symmetric { players: usize },
    Seats { seats: Vec<String> },
}

/// A game's payoff table, deviations and equilibria as written in its CSV
/// files. A profile is a count per strategy (symmetric) or a strategy per
/// seat.
#[derive(Debug, Clone)]
pub struct GameTables {
    kind: Kind,
    pub strategies: Vec<String>,
    /// `(profile, strategy or seat, payoff with its 95% interval)`.
    payoffs: Vec<(Vec<usize>, usize, Estimate)>,
    /// `(profile, P(catastrophe) with its 95% interval)`.
    catastrophe: Vec<(Vec<usize>, Estimate)>,
    /// `(profile, strategy or seat deviating, gains beyond 2 SE)`.
    gains: Vec<(Vec<usize>, usize, bool)>,
    /// Every profile, as `equilibria.csv` has it.
    pub equilibria: Vec<ProfileStatus>,
}

/// One row of `equilibria.csv`: a profile, whether it is an equilibrium
/// (`strict`, `weak` or `no`) and its most profitable deviation.
#[derive(Debug, Clone)]
pub struct ProfileStatus {
    pub profile: Vec<usize>,
    pub status: String,
    /// Who would deviate: a seat's name (seat games) or the strategy it
    /// leaves; empty in folders written before the column existed.
    pub best_seat: String,
    pub best_from: String,
    pub best_to: String,
    pub best_gain: f64,
    pub best_gain_se: f64,
}

/// The profiles of a game's three tables as strategy or seat indices, read
/// by [`GameTables::read`] from either layout (symmetric or seated).
struct Profiles {
    /// Per `payoffs.csv` row: its profile and whose payoff it is.
    keys: Vec<Vec<usize>>,
    who: Vec<usize>,
    /// Per `deviations.csv` row: its profile and who deviates.
    dev_keys: Vec<Vec<usize>>,
    dev_from: Vec<usize>,
    /// Per `equilibria.csv` row: its profile.
    eq_keys: Vec<Vec<usize>>,
}

impl Profiles {
    /// The tables, with the payoffs, catastrophe probabilities and verdicts
    /// of the rows these profiles index.
    fn tables(
        self,
        kind: Kind,
        strategies: Vec<String>,
        payoffs: &Table,
        deviations: &Table,
        equilibria: &Table,
    ) -> Result<GameTables, DataError> {
        let z = crate::stats::interval::Z95;
        let (mean, se) = (payoffs.column("payoff")?, payoffs.column("payoff_se")?);
        let (p, p_se) = (
            payoffs.column("p_catastrophe")?,
            payoffs.column("p_catastrophe_se")?,
        );
        let verdicts = deviations.text("verdict")?;
        Ok(GameTables {
            kind,
            strategies,
            payoffs: (0..self.keys.len())
                .map(|r| {
                    (
                        self.keys[r].clone(),
                        self.who[r],
                        Estimate {
                            mean: mean[r],
                            ci_low: mean[r] - z * se[r],
                            ci_high: mean[r] + z * se[r],
                        },
                    )
                })
                .collect(),
            catastrophe: catastrophe(&self.keys, &p, &p_se),
            gains: (0..self.dev_keys.len())
                .map(|r| {
                    (
                        self.dev_keys[r].clone(),
                        self.dev_from[r],
                        verdicts[r] == "gains",
                    )
                })
                .collect(),
            equilibria: read_equilibria(equilibria, self.eq_keys)?,
        })
    }
}

impl GameTables {
    /// The seats' names of a seat game (empty for a symmetric game).
    pub fn seat_names(&self) -> Vec<String> {
        match &self.kind {
            Kind::Seats { seats } => seats.clone(),
            Kind::Symmetric { .. } => Vec::new(),
        }
    }

    /// Reads `payoffs.csv`, `deviations.csv` and `equilibria.csv`.
    pub fn read(files: &dyn NamedFiles) -> Result<GameTables, DataError> {
        let payoffs = files.table("payoffs.csv")?;
        let deviations = files.table("deviations.csv")?;
        let equilibria = files.table("equilibria.csv")?;
        let origin = format!("{}/payoffs.csv", files.name());
        let header = payoffs.header().to_vec();
        let counts: Vec<String> = header
            .iter()
            .filter(|h| h.starts_with("n_"))
            .cloned()
            .collect();
        let seat_columns: Vec<String> = header
            .iter()
            .filter(|h| h.starts_with("seat_"))
            .cloned()
            .collect();
        if !counts.is_empty() {
            let strategies: Vec<String> = counts.iter().map(|c| c[2..].to_string()).collect();
            let key = |t: &Table| -> Result<Vec<Vec<usize>>, DataError> {
                let columns: Vec<Vec<f64>> = counts
                    .iter()
                    .map(|c| t.column(c))
                    .collect::<Result<_, _>>()?;
                Ok((0..t.rows().len())
                    .map(|r| columns.iter().map(|c| c[r] as usize).collect())
                    .collect())
            };
            let index = |names: Vec<String>, table: &str| -> Result<Vec<usize>, DataError> {
                names
                    .iter()
                    .map(|n| {
                        strategies
                            .iter()
                            .position(|s| s == n)
                            .ok_or_else(|| invalid(table, format!("unknown strategy `{n}`")))
                    })
                    .collect()
            };
            let keys = key(&payoffs)?;
            let who = index(payoffs.text("strategy")?, &origin)?;
            let players = keys.first().map_or(0, |k| k.iter().sum());
            let dev_origin = format!("{}/deviations.csv", files.name());
            let dev_from = index(deviations.text("from")?, &dev_origin)?;
            let profiles = Profiles {
                keys,
                who,
                dev_keys: key(&deviations)?,
                dev_from,
                eq_keys: key(&equilibria)?,
            };
            return profiles.tables(
                Kind::Symmetric { players },
                strategies,
                &payoffs,
                &deviations,
                &equilibria,
            );
        }
        if seat_columns.is_empty() {
            return Err(invalid(
                &origin,
                "no profile columns (n_STRATEGY or seat_SEAT)".into(),
            ));
        }
        let seats: Vec<String> = seat_columns.iter().map(|c| c[5..].to_string()).collect();
        let mut names = Vec::new();
        for row in payoffs.rows() {
            for c in &seat_columns {
                let i = header.iter().position(|h| h == c).unwrap_or(0);
                names.push(row[i].clone());
            }
        }
        let strategies = distinct(&names);
        let key = |t: &Table| -> Result<Vec<Vec<usize>>, DataError> {
            let columns: Vec<Vec<String>> = seat_columns
                .iter()
                .map(|c| t.text(c))
                .collect::<Result<_, _>>()?;
            Ok((0..t.rows().len())
                .map(|r| {
                    columns
                        .iter()
                        .map(|c| strategies.iter().position(|s| *s == c[r]).unwrap_or(0))
                        .collect()
                })
                .collect())
        };
        let seat_index = |names: Vec<String>| -> Vec<usize> {
            names
                .iter()
                .map(|n| seats.iter().position(|s| s == n).unwrap_or(0))
                .collect()
        };
        let profiles = Profiles {
            keys: key(&payoffs)?,
            who: seat_index(payoffs.text("seat")?),
            dev_keys: key(&deviations)?,
            dev_from: seat_index(deviations.text("deviator")?),
            eq_keys: key(&equilibria)?,
        };
        profiles.tables(
            Kind::Seats { seats },
            strategies,
            &payoffs,
            &deviations,
            &equilibria,
        )
    }

    pub fn is_symmetric(&self) -> bool {
        matches!(self.kind, Kind::Symmetric { .. })
    }

    /// The seats of a game whose seats differ (empty when symmetric).
    pub fn seats(&self) -> &[String] {
        match &self.kind {
            Kind::Seats { seats } => seats,
            Kind::Symmetric { .. } => &[],
        }
    }

    /// The payoff of a strategy (symmetric) or seat in a profile.
    pub fn payoff(&self, profile: &[usize], who: usize) -> Option<Estimate> {
        self.payoffs
            .iter()
            .find(|(k, w, _)| k == profile && *w == who)
            .map(|(_, _, e)| *e)
    }

    /// P(catastrophe) of a profile, with its 95% interval.
    pub fn catastrophe(&self, profile: &[usize]) -> Option<Estimate> {
        self.catastrophe
            .iter()
            .find(|(k, _)| k == profile)
            .map(|(_, e)| *e)
    }

    /// Whether no deviation of `who` from `profile` gains beyond 2 SE.
    fn best_response(&self, profile: &[usize], who: usize) -> bool {
        !self
            .gains
            .iter()
            .any(|(k, w, gains)| k == profile && *w == who && *gains)
    }

    fn status(&self, profile: &[usize]) -> &str {
        self.equilibria
            .iter()
            .find(|e| e.profile == profile)
            .map_or("no", |e| e.status.as_str())
    }

    /// A profile in words: `all race`, `2 race + 1 pause` or
    /// `Frontier: race, Challenger: pause`.
    pub fn profile_label(&self, profile: &[usize]) -> String {
        match &self.kind {
            Kind::Symmetric { .. } => {
                let used: Vec<usize> = (0..profile.len()).filter(|&s| profile[s] > 0).collect();
                if used.len() == 1 {
                    format!("all {}", self.strategies[used[0]])
                } else {
                    used.iter()
                        .map(|&s| format!("{} {}", profile[s], self.strategies[s]))
                        .collect::<Vec<_>>()
                        .join(" + ")
                }
            }
            Kind::Seats { seats } => profile
                .iter()
                .zip(seats)
                .map(|(&s, seat)| format!("{seat}: {}", self.strategies[s]))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    /// Who holds a payoff in `profile`: the strategies used, or every seat.
    pub fn holders(&self, profile: &[usize]) -> Vec<(usize, String)> {
        match &self.kind {
            Kind::Symmetric { .. } => (0..profile.len())
                .filter(|&s| profile[s] > 0)
                .map(|s| (s, self.strategies[s].clone()))
                .collect(),
            Kind::Seats { seats } => seats.iter().cloned().enumerate().collect(),
        }
    }
}

fn catastrophe(keys: &[Vec<usize>], p: &[f64], se: &[f64]) -> Vec<(Vec<usize>, Estimate)> {
    let z = crate::stats::interval::Z95;
    let mut out: Vec<(Vec<usize>, Estimate)> = Vec::new();
    for (r, k) in keys.iter().enumerate() {
        if !out.iter().any(|(o, _)| o == k) {
            out.push((
                k.clone(),
                Estimate {
                    mean: p[r],
                    ci_low: (p[r] - z * se[r]).max(0.0),
                    ci_high: (p[r] + z * se[r]).min(1.0),
                },
            ));
        }
    }
    out
}

fn read_equilibria(t: &Table, keys: Vec<Vec<usize>>) -> Result<Vec<ProfileStatus>, DataError> {
    let status = t.text("equilibrium")?;
    let (from, to) = (t.text("best_deviation_from")?, t.text("best_deviation_to")?);
    let (gain, gain_se) = (t.column("best_gain")?, t.column("best_gain_se")?);
    let seat = t
        .text("best_deviation_seat")
        .unwrap_or_else(|_| vec![String::new(); from.len()]);
    Ok(keys
        .into_iter()
        .enumerate()
        .map(|(r, profile)| ProfileStatus {
            profile,
            status: status[r].clone(),
            best_seat: seat[r].clone(),
            best_from: from[r].clone(),
            best_to: to[r].clone(),
            best_gain: gain[r],
            best_gain_se: gain_se[r],
        })
        .collect())
}

/// Every way to split `total` players among `m` strategies, the most on the
/// first strategy first.
fn splits(total: usize, m: usize) -> Vec<Vec<usize>> {
    if m == 1 {
        return vec![vec![total]];
    }
    let mut out = Vec::new();
    for first in (0..=total).rev() {
        for mut rest in splits(total - first, m - 1) {
            rest.insert(0, first);
            out.push(rest);
        }
    }
    out
}

/// Every tuple of `len` strategies out of `m`, in order.
fn tuples(len: usize, m: usize) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new()];
    for _ in 0..len {
        out = out
            .into_iter()
            .flat_map(|t| {
                (0..m).map(move |s| {
                    let mut t = t.clone();
                    t.push(s);
                    t
                })
            })
            .collect();
    }
    out
}

/// How a cell's text marks a strict and a weak equilibrium.
const STRICT: &str = "●";
const WEAK: &str = "○";

/// The payoff heatmap of one player: rows are what the others play (the
/// first row at the top), columns the player's own strategy.
struct PayoffGrid {
    rows: Vec<String>,
    /// `cells[row][strategy]`: the profile and who holds the payoff.
    cells: Vec<Vec<(Vec<usize>, usize)>>,
}

fn payoff_heatmap(
    g: &GameTables,
    grid: &PayoffGrid,
    title: String,
    x_label: String,
    y_label: String,
) -> Figure {
    let m = g.strategies.len();
    let ny = grid.rows.len();
    let mut values = vec![vec![None; m]; ny];
    let mut text = vec![vec![String::new(); m]; ny];
    let mut overlays = Vec::new();
    let (mut strict, mut weak) = (false, false);
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for (r, row) in grid.cells.iter().enumerate() {
        // Row r of the grid is drawn `r` rows from the top.
        let j = ny - 1 - r;
        for (s, (profile, who)) in row.iter().enumerate() {
            let Some(p) = g.payoff(profile, *who) else {
                continue;
            };
            values[j][s] = Some(p.mean);
            text[j][s] = payoff_text(p.mean);
            lo = lo.min(p.mean);
            hi = hi.max(p.mean);
            if g.best_response(profile, *who) {
                let (x0, x1, y0, y1) = (
                    s as f64 + 0.05,
                    s as f64 + 0.95,
                    j as f64 + 0.05,
                    j as f64 + 0.95,
                );
                let outline = vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)];
                let first = overlays.is_empty();
                overlays.push(Line {
                    label: if first {
                        "best response".into()
                    } else {
                        String::new()
                    },
                    color: BLACK,
                    dash: Dash::Solid,
                    width: 3.0,
                    points: outline.clone(),
                });
                overlays.push(Line {
                    label: String::new(),
                    color: style::Rgb(255, 255, 255),
                    dash: Dash::Solid,
                    width: 1.2,
                    points: outline,
                });
            }
            // Equilibria are marked in the cell's text, where it always fits.
            match g.status(profile) {
                "strict" => {
                    text[j][s] = format!("{STRICT} {}", text[j][s]);
                    strict = true;
                }
                "weak" => {
                    text[j][s] = format!("{WEAK} {}", text[j][s]);
                    weak = true;
                }
                "undecided" => text[j][s] = format!("? {}", text[j][s]),
                _ => {}
            }
        }
    }
    let mut text_legend = Vec::new();
    if strict {
        text_legend.push(LegendEntry {
            label: "strict equilibrium".into(),
            color: BLACK,
            kind: LegendKind::Marker(0),
        });
    }
    if weak {
        text_legend.push(LegendEntry {
            label: "weak equilibrium".into(),
            color: BLACK,
            kind: LegendKind::HollowMarker(0),
        });
    }
    let value_range = if hi > lo {
        (lo, hi)
    } else if lo.is_finite() {
        (lo - 0.5, lo + 0.5)
    } else {
        (0.0, 1.0)
    };
    Figure::Heatmap(Heatmap {
        title,
        x_label,
        y_label,
        value_label: "expected payoff".into(),
        x_values: (0..m).map(|i| i as f64).collect(),
        y_values: (0..ny).map(|j| j as f64).collect(),
        values,
        value_range,
        overlays,
        x_names: g.strategies.clone(),
        y_names: grid.rows.iter().rev().cloned().collect(),
        cell_text: text,
        zone: None,
        text_legend,
    })
}

/// The payoff figures: one for a symmetric game, one per seat otherwise.
pub fn payoff_figures(g: &GameTables, name: &str) -> Vec<(String, Figure)> {
    let m = g.strategies.len();
    match &g.kind {
        Kind::Symmetric { players } => {
            let others = players.saturating_sub(1);
            let splits = splits(others, m);
            let rows = splits
                .iter()
                .map(|o| {
                    let used: Vec<String> = (0..m)
                        .filter(|&s| o[s] > 0)
                        .map(|s| {
                            if o[s] == 1 {
                                g.strategies[s].clone()
                            } else {
                                format!("{} {}", o[s], g.strategies[s])
                            }
                        })
                        .collect();
                    if used.is_empty() {
                        "(no other player)".into()
                    } else {
                        used.join(" + ")
                    }
                })
                .collect();
            let cells = splits
                .iter()
                .map(|o| {
                    (0..m)
                        .map(|s| {
                            let mut profile = o.clone();
                            profile[s] += 1;
                            (profile, s)
                        })
                        .collect()
                })
                .collect();
            let y_label = match others {
                1 => "the other player's strategy".to_string(),
                n => format!("the other {n} players' strategies"),
            };
            vec![(
                "payoffs".into(),
                payoff_heatmap(
                    g,
                    &PayoffGrid { rows, cells },
                    format!("{name}: payoff by own strategy against the others'"),
                    "the player's own strategy".into(),
                    y_label,
                ),
            )]
        }
        Kind::Seats { seats } => (0..seats.len())
            .map(|seat| {
                let others: Vec<usize> = (0..seats.len()).filter(|&k| k != seat).collect();
                let combos = tuples(others.len(), m);
                let rows = combos
                    .iter()
                    .map(|c| {
                        c.iter()
                            .map(|&s| g.strategies[s].clone())
                            .collect::<Vec<_>>()
                            .join(" / ")
                    })
                    .collect();
                let cells = combos
                    .iter()
                    .map(|c| {
                        (0..m)
                            .map(|s| {
                                let mut profile = vec![0; seats.len()];
                                profile[seat] = s;
                                for (k, &other) in others.iter().enumerate() {
                                    profile[other] = c[k];
                                }
                                (profile, seat)
                            })
                            .collect()
                    })
                    .collect();
                let y_label = others
                    .iter()
                    .map(|&k| seats[k].as_str())
                    .collect::<Vec<_>>()
                    .join(" / ");
                (
                    format!("payoffs-{}", file_safe(&seats[seat])),
                    payoff_heatmap(
                        g,
                        &PayoffGrid { rows, cells },
                        format!(
                            "{name}: payoff to {} by its strategy and the others'",
                            seats[seat]
                        ),
                        format!("{}'s strategy", seats[seat]),
                        format!("{y_label} play"),
                    ),
                )
            })
            .collect(),
    }
}

/// A name usable in a file name.
fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Population dynamics.

/// The replicator figure: the velocity along the line for two strategies,
/// trajectories across the simplex for three, frequencies over time from
/// the most central start for more.
pub fn replicator(
    files: &dyn NamedFiles,
    strategies: &[String],
) -> Result<Option<Figure>, DataError> {
    let name = files.name();
    match strategies.len() {
        0 | 1 => Ok(None),
        2 => {
            let Some(flow) = files.optional("replicator_flow.csv")? else {
                return Ok(None);
            };
            let x = flow.column(&format!("x_{}", strategies[0]))?;
            let dx = flow.column(&format!("dx_{}", strategies[0]))?;
            let mut line: Vec<(f64, f64)> = x.iter().copied().zip(dx.iter().copied()).collect();
            line.sort_by(|a, b| a.0.total_cmp(&b.0));
            let (lo, hi) = range_of(dx.iter().copied());
            let pad = ((hi - lo) * 0.08).max(1e-9);
            let mut points = Vec::new();
            let stable = "stable rest point";
            let unstable = "unstable rest point";
            // The ends are rest points: stable if the flow next to them points in.
            if line.len() >= 2 {
                let near_zero = line[1].1;
                let near_one = line[line.len() - 2].1;
                points.push(mark(
                    if near_zero < 0.0 { stable } else { unstable },
                    BLACK,
                    0,
                    near_zero >= 0.0,
                    0.0,
                    0.0,
                ));
                points.push(mark(
                    if near_one > 0.0 { stable } else { unstable },
                    BLACK,
                    0,
                    near_one <= 0.0,
                    1.0,
                    0.0,
                ));
            }
            if let Some(mixed) = files.optional("mixed.csv")? {
                let column = |suffix: &str| mixed.column(&format!("x_{}{suffix}", strategies[0]));
                let (xm, low, high) = (column("")?, column("_low")?, column("_high")?);
                let is_stable = mixed.text("stable")?;
                for i in 0..xm.len() {
                    let s = is_stable[i] == "true";
                    points.push(Point {
                        x_low: low[i],
                        x_high: high[i],
                        ..mark(if s { stable } else { unstable }, BLACK, 0, !s, xm[i], 0.0)
                    });
                }
            }
            // Stable first in the legend.
            points.sort_by_key(|p| p.hollow);
            Ok(Some(Figure::Line(LineChart {
                title: format!("{name}: replicator dynamics"),
                x_label: format!(
                    "share playing {} (the rest play {})",
                    strategies[0], strategies[1]
                ),
                y_label: "growth of the share, dx/dt".into(),
                x_range: (0.0, 1.0),
                y_range: (lo.min(0.0) - pad, hi.max(0.0) + pad),
                bands: Vec::new(),
                lines: vec![
                    Line {
                        label: String::new(),
                        color: GREY,
                        dash: Dash::Dashed,
                        width: 0.8,
                        points: vec![(0.0, 0.0), (1.0, 0.0)],
                    },
                    Line {
                        label: "dx/dt".into(),
                        color: color(0),
                        dash: Dash::Solid,
                        width: 1.8,
                        points: line,
                    },
                ],
                x_log: false,
                x_ticks: 0,
                points,
            })))
        }
        m => {
            let Some(paths) = files.optional("replicator_paths.csv")? else {
                return Ok(None);
            };
            let start = paths.column("start")?;
            let time = paths.column("time")?;
            let xs: Vec<Vec<f64>> = strategies
                .iter()
                .map(|s| paths.column(&format!("x_{s}")))
                .collect::<Result<_, _>>()?;
            let converged = paths.text("converged")?;
            // Rows of one trajectory are consecutive.
            let mut runs: Vec<(usize, usize)> = Vec::new();
            for r in 0..start.len() {
                match runs.last_mut() {
                    Some((from, to)) if start[*from] == start[r] => *to = r + 1,
                    _ => runs.push((r, r + 1)),
                }
            }
            if m == 3 {
                let mut simplex_paths = Vec::new();
                let mut ends: Vec<(Frequencies, bool)> = Vec::new();
                for (k, &(from, to)) in runs.iter().enumerate() {
                    let points: Vec<Frequencies> =
                        (from..to).map(|r| [xs[0][r], xs[1][r], xs[2][r]]).collect();
                    if let Some(&end) = points.last() {
                        let settled = converged[from] == "true";
                        let near = |e: &(Frequencies, bool)| {
                            (0..3).map(|i| (e.0[i] - end[i]).abs()).fold(0.0, f64::max) < 0.02
                                && e.1 == settled
                        };
                        if !ends.iter().any(near) {
                            ends.push((end, settled));
                        }
                    }
                    simplex_paths.push(SimplexPath {
                        label: if k == 0 {
                            "trajectory (arrow: direction)".into()
                        } else {
                            String::new()
                        },
                        color: color(0),
                        width: 0.9,
                        points,
                        arrow: true,
                    });
                }
                let mut marks: Vec<SimplexMark> = ends
                    .iter()
                    .map(|&(at, settled)| SimplexMark {
                        label: if settled {
                            "where trajectories end".into()
                        } else {
                            "end of an unsettled trajectory".into()
                        },
                        color: color(1),
                        marker: 0,
                        hollow: !settled,
                        at,
                    })
                    .collect();
                // One legend entry per kind of mark.
                for i in 1..marks.len() {
                    if marks[..i].iter().any(|m| m.label == marks[i].label) {
                        marks[i].label = String::new();
                    }
                }
                return Ok(Some(Figure::Simplex(Simplex {
                    title: format!("{name}: replicator dynamics (a corner: all play it)"),
                    corners: [
                        strategies[0].clone(),
                        strategies[1].clone(),
                        strategies[2].clone(),
                    ],
                    paths: simplex_paths,
                    marks,
                })));
            }
            // More than three strategies: the trajectory starting nearest
            // the centre of the simplex, each strategy's share over time.
            let centre = 1.0 / m as f64;
            let Some(&(from, to)) = runs.iter().min_by(|a, b| {
                let d = |r: usize| (0..m).map(|s| (xs[s][r] - centre).powi(2)).sum::<f64>();
                d(a.0).total_cmp(&d(b.0))
            }) else {
                return Ok(None);
            };
            let lines = (0..m)
                .map(|s| Line {
                    label: strategies[s].clone(),
                    color: color(s),
                    dash: style::dash(s),
                    width: 1.8,
                    points: (from..to).map(|r| (time[r], xs[s][r])).collect(),
                })
                .collect();
            let (t0, t1) = range_of(time[from..to].iter().copied());
            Ok(Some(Figure::Line(LineChart {
                title: format!("{name}: replicator dynamics from the most even start"),
                x_label: "time (1 / largest payoff difference)".into(),
                y_label: "share of the population".into(),
                x_range: (t0, if t1 > t0 { t1 } else { t0 + 1.0 }),
                y_range: (0.0, 1.0),
                bands: Vec::new(),
                lines,
                x_log: false,
                x_ticks: 0,
                points: Vec::new(),
            })))
        }
    }
}

/// The population size `Z` (from `fixation.csv`'s neutral `1 / Z`) and the
/// selection intensity `beta` (from `summary.json`), when known.
fn population(files: &dyn NamedFiles) -> Result<(Option<usize>, Option<f64>), DataError> {
    let z = match files.optional("fixation.csv")? {
        Some(t) => t
            .column("neutral")?
            .first()
            .filter(|x| **x > 0.0)
            .map(|x| (1.0 / x).round() as usize),
        None => None,
    };
    let beta = files
        .summary()
        .and_then(|v| v.pointer("/stationary/selection").and_then(|b| b.as_f64()));
    Ok((z, beta))
}

/// The stationary distribution as bars, one per strategy.
pub fn stationary(files: &dyn NamedFiles) -> Result<Option<Figure>, DataError> {
    let Some(t) = files.optional("stationary.csv")? else {
        return Ok(None);
    };
    let names = t.text("strategy")?;
    let frequency = t.column("frequency")?;
    let (z, beta) = population(files)?;
    let mut at = Vec::new();
    if let Some(z) = z {
        at.push(format!("Z = {z}"));
    }
    if let Some(beta) = beta {
        at.push(format!("β = {}", style::tick(beta)));
    }
    let at = if at.is_empty() {
        String::new()
    } else {
        format!(" ({})", at.join(", "))
    };
    Ok(Some(Figure::Bars(Bars {
        title: format!("{}: stationary distribution{at}", files.name()),
        y_label: "share of time all play it".into(),
        y_max: 1.0,
        // The values in the names: the smallest bars cannot be seen.
        groups: names
            .iter()
            .zip(&frequency)
            .map(|(n, f)| {
                if *f < 0.0005 {
                    format!("{n}: <0.001")
                } else {
                    format!("{n}: {f:.3}")
                }
            })
            .collect(),
        series: vec![BarSeries {
            label: "stationary distribution".into(),
            color: BLACK,
            bar_colors: (0..names.len()).map(color).collect(),
            opacity: 0.8,
            values: frequency
                .iter()
                .map(|&f| {
                    Some(Estimate {
                        mean: f,
                        ci_low: f,
                        ci_high: f,
                    })
                })
                .collect(),
        }],
    })))
}

/// The stationary distribution against the selection intensity `beta`
/// (log axis when every value is positive), the game's `beta` marked.
pub fn stationary_sweep(files: &dyn NamedFiles) -> Result<Option<Figure>, DataError> {
    let Some(t) = files.optional("stationary_sweep.csv")? else {
        return Ok(None);
    };
    if t.rows().is_empty() {
        return Ok(None);
    }
    let beta = t.column("selection")?;
    let strategies: Vec<String> = t.header()[1..].to_vec();
    let mut lines = Vec::new();
    for (i, s) in strategies.iter().enumerate() {
        let f = t.column(s)?;
        lines.push(Line {
            label: s.clone(),
            color: color(i),
            dash: style::dash(i),
            width: 1.8,
            points: beta.iter().copied().zip(f).collect(),
        });
    }
    let (lo, hi) = range_of(beta.iter().copied());
    let log = lo > 0.0 && hi / lo >= 10.0;
    let x_range = if hi > lo {
        (lo, hi)
    } else {
        (lo - 0.5, hi + 0.5)
    };
    let (z, game_beta) = population(files)?;
    if let Some(b) = game_beta.filter(|b| (lo..=hi).contains(b)) {
        lines.push(Line {
            label: format!("β of the game ({})", style::tick(b)),
            color: GREY,
            dash: Dash::Dotted,
            width: 1.2,
            points: vec![(b, 0.0), (b, 1.0)],
        });
    }
    let z = z.map_or(String::new(), |z| format!(", Z = {z}"));
    Ok(Some(Figure::Line(LineChart {
        title: format!(
            "{}: stationary distribution against selection{z}",
            files.name()
        ),
        x_label: if log {
            "selection intensity β (log scale)".into()
        } else {
            "selection intensity β".into()
        },
        y_label: "share of time all play it".into(),
        x_range,
        y_range: (0.0, 1.0),
        bands: Vec::new(),
        lines,
        x_log: log,
        x_ticks: 0,
        points: Vec::new(),
    })))
}

/// Every figure of a game folder, by file stem.
pub fn game_figures(files: &dyn NamedFiles) -> Result<Vec<(String, Figure)>, DataError> {
    let g = GameTables::read(files)?;
    let mut out = payoff_figures(&g, files.name());
    if g.is_symmetric() {
        if let Some(f) = replicator(files, &g.strategies)? {
            out.push(("replicator".into(), f));
        }
        if let Some(f) = stationary(files)? {
            out.push(("stationary".into(), f));
        }
        if let Some(f) = stationary_sweep(files)? {
            out.push(("stationary-sweep".into(), f));
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// DSAIR.

/// One row of `boundaries.csv`: a speed and the `p_r` above which
/// society prefers SAFE and above which SAFE is risk-dominant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Boundary {
    pub speed: f64,
    pub society: f64,
    pub risk_dominant: f64,
}

fn boundaries(files: &dyn NamedFiles) -> Result<Vec<Boundary>, DataError> {
    let t = files.table("boundaries.csv")?;
    let (speed, society, dominant) = (
        t.column("speed")?,
        t.column("society_prefers_safe_above")?,
        t.column("safe_risk_dominant_above")?,
    );
    Ok((0..speed.len())
        .map(|i| Boundary {
            speed: speed[i],
            society: society[i],
            risk_dominant: dominant[i],
        })
        .collect())
}

/// Maps a value onto the cell axis whose cell centres are `values`.
fn to_cells(values: &[f64], v: f64) -> f64 {
    if values.len() < 2 || values[0] == values[values.len() - 1] {
        return 0.5;
    }
    let (lo, hi) = (values[0], values[values.len() - 1]);
    (v - lo) / (hi - lo) * (values.len() - 1) as f64 + 0.5
}

/// The paper's central figure: UNSAFE frequency over `(s, p_r)` with the
/// boundary above which society prefers SAFE and the one above which SAFE
/// is risk-dominant; between them, the dilemma.
pub fn dsair_heatmap(files: &dyn NamedFiles) -> Result<Figure, DataError> {
    let t = files.table("heatmap.csv")?;
    let (speed, risk, freq) = (
        t.column("speed")?,
        t.column("risk")?,
        t.column("unsafe_frequency")?,
    );
    let xs = distinct(&speed);
    let ys = distinct(&risk);
    let mut values = vec![vec![None; xs.len()]; ys.len()];
    for r in 0..speed.len() {
        if let (Some(i), Some(j)) = (
            xs.iter().position(|&x| x == speed[r]),
            ys.iter().position(|&y| y == risk[r]),
        ) {
            values[j][i] = Some(freq[r]);
        }
    }
    let b = boundaries(files)?;
    let mut overlays = Vec::new();
    if !xs.is_empty() && !ys.is_empty() {
        let curve = |f: &dyn Fn(&Boundary) -> f64| -> Vec<(f64, f64)> {
            b.iter()
                .map(|row| (to_cells(&xs, row.speed), to_cells(&ys, f(row))))
                .collect()
        };
        overlays.push(Line {
            label: "society prefers SAFE above".into(),
            color: BLACK,
            dash: Dash::Solid,
            width: 2.2,
            points: curve(&|r| r.society),
        });
        overlays.push(Line {
            label: "SAFE risk-dominant above".into(),
            color: color(1),
            dash: Dash::Dashed,
            width: 2.2,
            points: curve(&|r| r.risk_dominant),
        });
    }
    let zone = Zone {
        label: "dilemma zone".into(),
        color: BLACK,
        cells: dilemma_cells(&xs, &ys, &b),
    };
    Ok(Figure::Heatmap(Heatmap {
        title: format!("{}: frequency of UNSAFE", files.name()),
        x_label: format!("speed of UNSAFE, {SPEED} (SAFE = 1)"),
        y_label: format!("risk of disaster of UNSAFE, {RISK}"),
        value_label: "frequency of UNSAFE".into(),
        x_names: sparse_names(&xs, 9),
        y_names: sparse_names(&ys, 11),
        x_values: xs,
        y_values: ys,
        values,
        value_range: (0.0, 1.0),
        overlays,
        cell_text: Vec::new(),
        text_legend: Vec::new(),
        zone: zone.cells.iter().flatten().any(|&c| c).then_some(zone),
    }))
}

/// DSAIR's risk of disaster `p_r` as figures write it (a subscript r,
/// which DejaVu Sans has).
pub const RISK: &str = "p\u{1d63}";
/// DSAIR's speed of UNSAFE.
pub const SPEED: &str = "s";

/// The cells of the dilemma zone, `cells[j][i]` for risk `risks[j]` and
/// speed `speeds[i]`: where society prefers SAFE but SAFE is not
/// risk-dominant, `society(s) < p_r < risk_dominant(s)`, with the two
/// thresholds of the speed's row of `boundaries.csv` (the closed forms
/// `1 - pi_SS / (s B/(2W) + b/2)` and `1 - (pi_SS + pi_SU) / (K_US + K_UU)`,
/// [`crate::game::classic::dsair::Dsair`]). A speed without a row has no
/// cell in the zone.
pub fn dilemma_cells(speeds: &[f64], risks: &[f64], boundaries: &[Boundary]) -> Vec<Vec<bool>> {
    risks
        .iter()
        .map(|&p| {
            speeds
                .iter()
                .map(|&s| {
                    boundaries
                        .iter()
                        .find(|row| row.speed == s)
                        .is_some_and(|row| row.society < p && p < row.risk_dominant)
                })
                .collect()
        })
        .collect()
}

/// UNSAFE frequency against `p_r` at the reported speeds: simulated
/// (solid) and closed form (dashed), each speed's dilemma zone shaded.
pub fn dsair_curves(files: &dyn NamedFiles) -> Result<Figure, DataError> {
    let t = files.table("curves.csv")?;
    let (speed, risk) = (t.column("speed")?, t.column("risk")?);
    let (simulated, exact) = (
        t.column("unsafe_frequency")?,
        t.column("unsafe_frequency_closed_form")?,
    );
    let b = boundaries(files)?;
    let mut lines = Vec::new();
    let mut bands = Vec::new();
    for (i, &s) in distinct(&speed).iter().enumerate() {
        let rows: Vec<usize> = (0..speed.len()).filter(|&r| speed[r] == s).collect();
        let c = color(i);
        lines.push(Line {
            label: format!("s = {}", style::tick(s)),
            color: c,
            dash: Dash::Solid,
            width: 2.0,
            points: rows.iter().map(|&r| (risk[r], simulated[r])).collect(),
        });
        lines.push(Line {
            label: format!("s = {}, closed form", style::tick(s)),
            color: c,
            dash: Dash::Dashed,
            width: 1.0,
            points: rows.iter().map(|&r| (risk[r], exact[r])).collect(),
        });
        if let Some(row) = b.iter().find(|row| (row.speed - s).abs() < 1e-6) {
            if row.risk_dominant > row.society {
                bands.push(Band {
                    label: format!("s = {}: dilemma zone", style::tick(s)),
                    color: c,
                    opacity: 0.15,
                    lower: vec![(row.society, 0.0), (row.risk_dominant, 0.0)],
                    upper: vec![(row.society, 1.0), (row.risk_dominant, 1.0)],
                });
            }
        }
    }
    Ok(Figure::Line(LineChart {
        title: format!("{}: frequency of UNSAFE against {RISK}", files.name()),
        x_label: format!("risk of disaster of UNSAFE, {RISK}"),
        y_label: "frequency of UNSAFE".into(),
        x_range: (0.0, 1.0),
        y_range: (0.0, 1.04),
        bands,
        lines,
        x_log: false,
        x_ticks: 11,
        points: Vec::new(),
    }))
}

/// Every figure of a DSAIR folder, by file stem.
pub fn dsair_figures(files: &dyn NamedFiles) -> Result<Vec<(String, Figure)>, DataError> {
    Ok(vec![
        ("heatmap".into(), dsair_heatmap(files)?),
        ("curves".into(), dsair_curves(files)?),
    ])
}

// ---------------------------------------------------------------------------
// Racing to the precipice.

/// How a regime is named in figures.
pub fn regime_label(regime: &str) -> String {
    match regime {
        "no_information" => "no information".into(),
        "private" => "own capability known".into(),
        "public" => "all capabilities known".into(),
        other => other.replace('_', " "),
    }
}

/// P(disaster) against `mu`, a line per information regime (closed forms
/// dashed), a panel per enmity `e` (rows) and number of teams `n` (columns).
pub fn precipice_disaster(files: &dyn NamedFiles) -> Result<Figure, DataError> {
    let t = files.table("disaster.csv")?;
    let regime = t.text("regime")?;
    let (teams, enmity, mu) = (t.column("teams")?, t.column("enmity")?, t.column("mu")?);
    let (p, exact) = (t.column("p_disaster")?, t.column("p_disaster_closed_form")?);
    let converged = t.text("converged")?;
    let regimes = distinct(&regime);
    let team_values = distinct(&teams);
    let enmity_values = distinct(&enmity);
    let (_, mu_hi) = range_of(mu.iter().copied());
    // A single mu draws points, not lines: put them mid-axis.
    let single_mu = distinct(&mu).len() == 1;
    let x_hi = if mu_hi > 0.0 { mu_hi } else { 1.0 };
    let x_range = (0.0, if single_mu { 2.0 * x_hi } else { x_hi });
    let not_converged = "search did not converge";
    let mut panels = Vec::new();
    let mut any_unconverged = false;
    for &e in &enmity_values {
        for &n in &team_values {
            let mut lines = Vec::new();
            let mut points = Vec::new();
            for (k, r) in regimes.iter().enumerate() {
                let mut rows: Vec<usize> = (0..regime.len())
                    .filter(|&i| regime[i] == *r && teams[i] == n && enmity[i] == e)
                    .collect();
                rows.sort_by(|&a, &b| mu[a].total_cmp(&mu[b]));
                // A line through one point draws nothing: mark the value
                // (a shape per regime, so coinciding ones stay apart) and
                // draw the closed form as a short dashed tick through it.
                if let [i] = rows[..] {
                    points.push(mark(&regime_label(r), color(k), k, false, mu[i], p[i]));
                    let half = 0.08 * x_range.1;
                    lines.push(Line {
                        label: String::new(),
                        color: color(k),
                        dash: Dash::Dashed,
                        width: 0.9,
                        points: vec![(mu[i] - half, exact[i]), (mu[i] + half, exact[i])],
                    });
                }
                lines.push(Line {
                    label: regime_label(r),
                    color: color(k),
                    dash: Dash::Solid,
                    width: 1.6,
                    points: rows.iter().map(|&i| (mu[i], p[i])).collect(),
                });
                lines.push(Line {
                    label: String::new(),
                    color: color(k),
                    dash: Dash::Dashed,
                    width: 0.9,
                    points: rows.iter().map(|&i| (mu[i], exact[i])).collect(),
                });
                for &i in rows.iter().filter(|&&i| converged[i] != "true") {
                    any_unconverged = true;
                    points.push(mark(not_converged, color(k), 3, false, mu[i], p[i]));
                }
            }
            panels.push(LineChart {
                title: format!("n = {}, e = {}", style::tick(n), style::tick(e)),
                x_label: "μ, range of capabilities (capability ~ U[0, μ])".into(),
                y_label: "P(disaster)".into(),
                x_range,
                y_range: (0.0, 1.0),
                bands: Vec::new(),
                lines,
                x_log: false,
                x_ticks: 7,
                points,
            });
        }
    }
    let mut legend: Vec<LegendEntry> = regimes
        .iter()
        .enumerate()
        .map(|(k, r)| LegendEntry {
            label: regime_label(r),
            color: color(k),
            kind: if single_mu {
                LegendKind::Marker(k)
            } else {
                LegendKind::Line(Dash::Solid, 1.6)
            },
        })
        .collect();
    legend.push(LegendEntry {
        label: "closed form".into(),
        color: GREY,
        kind: LegendKind::Line(Dash::Dashed, 0.9),
    });
    if any_unconverged {
        legend.push(LegendEntry {
            label: not_converged.into(),
            color: GREY,
            kind: LegendKind::Marker(3),
        });
    }
    Ok(Figure::Panels(Panels {
        title: format!(
            "{}: probability of disaster by what teams know",
            files.name()
        ),
        columns: team_values.len().max(1),
        panels,
        legend,
    }))
}

/// Every figure of a precipice folder, by file stem.
pub fn precipice_figures(files: &dyn NamedFiles) -> Result<Vec<(String, Figure)>, DataError> {
    Ok(vec![("disaster".into(), precipice_disaster(files)?)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::game_folder::Files;

    #[test]
    fn splits_put_the_most_on_the_first_strategy_first() {
        assert_eq!(
            splits(2, 3),
            [
                vec![2, 0, 0],
                vec![1, 1, 0],
                vec![1, 0, 1],
                vec![0, 2, 0],
                vec![0, 1, 1],
                vec![0, 0, 2]
            ]
        );
        assert_eq!(
            tuples(2, 2),
            [vec![0, 0], vec![0, 1], vec![1, 0], vec![1, 1]]
        );
    }

    #[test]
    fn sparse_names_keep_round_values() {
        let speeds: Vec<f64> = (0..41).map(|i| 1.0 + i as f64 * 0.1).collect();
        let names = sparse_names(&speeds, 9);
        let shown: Vec<&str> = names
            .iter()
            .filter(|n| !n.is_empty())
            .map(String::as_str)
            .collect();
        assert_eq!(shown, ["1", "1.5", "2", "2.5", "3", "3.5", "4", "4.5", "5"]);
    }

    const PAYOFFS: &str = "profile,n_hawk,n_dove,strategy,players,payoff,payoff_se,payoff_ci_low,payoff_ci_high,p_catastrophe,p_catastrophe_se\n\
0,2,0,hawk,2,-1.0,0.01,-1.02,-0.98,0.5,0.01\n\
1,1,1,hawk,1,2.0,0.01,1.98,2.02,0.2,0.01\n\
1,1,1,dove,1,0.0,0.01,-0.02,0.02,0.2,0.01\n\
2,0,2,dove,2,1.0,0.01,0.98,1.02,0.1,0.01\n";
    const DEVIATIONS: &str = "profile,n_hawk,n_dove,deviator,from,to,target_profile,gain,gain_se,verdict\n\
0,2,0,hawk,hawk,dove,1,1.0,0.01,gains\n\
1,1,1,hawk,hawk,dove,2,-1.0,0.01,loses\n\
1,1,1,dove,dove,hawk,0,-1.0,0.01,loses\n\
2,0,2,dove,dove,hawk,1,1.0,0.01,gains\n";
    const EQUILIBRIA: &str = "profile,n_hawk,n_dove,equilibrium,deviations_gaining,deviations_tied,best_deviation_from,best_deviation_to,best_gain,best_gain_se,p_catastrophe\n\
0,2,0,no,1,0,hawk,dove,1.0,0.01,0.5\n\
1,1,1,strict,0,0,hawk,dove,-1.0,0.01,0.2\n\
2,0,2,no,1,0,dove,hawk,1.0,0.01,0.1\n";

    fn hawk_dove() -> Files {
        Files::new(
            "hd",
            vec![
                ("payoffs.csv".into(), PAYOFFS.into()),
                ("deviations.csv".into(), DEVIATIONS.into()),
                ("equilibria.csv".into(), EQUILIBRIA.into()),
                (
                    "replicator_flow.csv".into(),
                    "x_hawk,x_dove,dx_hawk,dx_dove,mean_payoff\n0,1,0,0,1\n0.5,0.5,0.25,-0.25,0.5\n0.9,0.1,-0.1,0.1,0\n1,0,0,0,-1\n".into(),
                ),
                (
                    "mixed.csv".into(),
                    "x_hawk,stable,x_hawk_low,x_hawk_high\n0.5,true,0.49,0.51\n".into(),
                ),
            ],
        )
    }

    #[test]
    fn the_payoff_heatmap_outlines_best_responses_and_marks_equilibria() {
        let figures = game_figures(&hawk_dove()).unwrap();
        let stems: Vec<&str> = figures.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(stems, ["payoffs", "replicator"]);
        let Figure::Heatmap(h) = &figures[0].1 else {
            panic!("a heatmap")
        };
        // Rows from the top: the other plays hawk, then dove.
        assert_eq!(h.y_names, ["dove", "hawk"]);
        // The mixed profile is a strict equilibrium: marked in both its cells.
        assert_eq!(h.cell_text[1], ["-1.000", "● 0.000"]);
        assert_eq!(h.cell_text[0], ["● 2.000", "1.000"]);
        assert_eq!(h.text_legend.len(), 1);
        // Best responses: dove against hawk, hawk against dove (two
        // outlines of two lines each).
        assert_eq!(h.overlays.len(), 4);
        let Figure::Line(r) = &figures[1].1 else {
            panic!("a line")
        };
        assert_eq!(r.points.iter().filter(|p| !p.hollow).count(), 1);
        assert_eq!(r.points.iter().filter(|p| p.hollow).count(), 2);
    }

    #[test]
    fn precipice_panels_are_rows_of_enmity_and_columns_of_teams() {
        let mut csv = String::from(
            "regime,teams,enmity,mu,p_disaster,p_disaster_se,p_disaster_closed_form,iterations,converged,max_regret\n",
        );
        for n in [2, 3] {
            for e in [0.5, 1.0] {
                for mu in [0.5, 1.0] {
                    for (r, converged) in [
                        ("no_information", true),
                        ("private", true),
                        ("public", mu < 1.0),
                    ] {
                        csv.push_str(&format!("{r},{n},{e},{mu},0.5,0.01,0.5,3,{converged},0\n"));
                    }
                }
            }
        }
        let files = Files::new("p", vec![("disaster.csv".into(), csv.into_bytes())]);
        let Figure::Panels(p) = precipice_disaster(&files).unwrap() else {
            panic!("panels")
        };
        assert_eq!(p.columns, 2);
        let titles: Vec<&str> = p.panels.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "n = 2, e = 0.5",
                "n = 3, e = 0.5",
                "n = 2, e = 1",
                "n = 3, e = 1"
            ]
        );
        // A line and its closed form per regime; the unconverged point marked.
        assert_eq!(p.panels[0].lines.len(), 6);
        assert_eq!(p.panels[0].points.len(), 1);
        assert_eq!(p.legend.last().unwrap().label, "search did not converge");
    }

    /// One mu gives one point per regime and panel, which a line cannot
    /// show: each becomes a marker, with its closed form as a short tick.
    #[test]
    fn a_precipice_series_of_one_point_is_marked() {
        let mut csv = String::from(
            "regime,teams,enmity,mu,p_disaster,p_disaster_se,p_disaster_closed_form,iterations,converged,max_regret\n",
        );
        for r in ["no_information", "private", "public"] {
            csv.push_str(&format!("{r},2,1,1,0.5,0.01,0.5,3,true,0\n"));
        }
        let files = Files::new("p", vec![("disaster.csv".into(), csv.into_bytes())]);
        let Figure::Panels(p) = precipice_disaster(&files).unwrap() else {
            panic!("panels")
        };
        let panel = &p.panels[0];
        let markers: Vec<(usize, bool, f64, f64)> = panel
            .points
            .iter()
            .map(|m| (m.marker, m.hollow, m.x, m.y))
            .collect();
        assert_eq!(
            markers,
            [
                (0, false, 1.0, 0.5),
                (1, false, 1.0, 0.5),
                (2, false, 1.0, 0.5)
            ]
        );
        assert_eq!(panel.x_range, (0.0, 2.0), "the points sit mid-axis");
        let ticks = panel.lines.iter().filter(|l| l.points.len() == 2).count();
        assert_eq!(ticks, 3, "a closed-form tick per regime");
        assert_eq!(p.legend[0].kind, LegendKind::Marker(0));
    }

    #[test]
    fn boundary_curves_land_on_cell_centres() {
        let speeds = [1.0, 1.5, 2.0];
        assert_eq!(to_cells(&speeds, 1.0), 0.5);
        assert_eq!(to_cells(&speeds, 2.0), 2.5);
        assert_eq!(to_cells(&speeds, 1.25), 1.0);
    }

    /// The hatched zone is the dilemma of the model's closed forms: at each
    /// speed the cells with `society(s) < p_r < risk_dominant(s)`, and at
    /// `s = 1` (thresholds 1 - 51/52 = 0.0192 and 1 - 52/154 = 0.6623, as
    /// the README works out) the 33 cells from p_r = 0.02 to 0.66.
    #[test]
    fn the_dsair_dilemma_zone_is_the_cells_the_closed_forms_say() {
        use crate::game::classic::dsair::Dsair;
        use crate::output::dsair_folder::boundaries_csv;
        let speeds: Vec<f64> = (0..41).map(|i| 1.0 + i as f64 * 0.1).collect();
        let risks: Vec<f64> = (0..51).map(|j| j as f64 * 0.02).collect();
        let mut heatmap = String::from("speed,risk,unsafe_frequency\n");
        for &s in &speeds {
            for &p in &risks {
                heatmap.push_str(&format!("{s},{p},0.5\n"));
            }
        }
        let g = Dsair::paper(1.0, 0.0);
        let boundaries = boundaries_csv(&g, &speeds, &vec![(None, None); speeds.len()], 100);
        let files = Files::new(
            "dsair",
            vec![
                ("heatmap.csv".into(), heatmap.into_bytes()),
                ("boundaries.csv".into(), boundaries.into_bytes()),
            ],
        );
        let figure = dsair_heatmap(&files).unwrap();
        let legend = figure.legend();
        let Figure::Heatmap(h) = figure else {
            panic!("a heatmap");
        };
        let zone = h.zone.expect("the paper's grid has a dilemma zone");
        assert_eq!(zone.cells.len(), risks.len());
        for (j, &p) in risks.iter().enumerate() {
            for (i, &s) in speeds.iter().enumerate() {
                let game = Dsair { speed: s, ..g };
                let dilemma = game.society_threshold() < p && p < game.risk_dominance_threshold();
                assert_eq!(zone.cells[j][i], dilemma, "s = {s}, p_r = {p}");
            }
        }
        let at_one: Vec<usize> = (0..risks.len()).filter(|&j| zone.cells[j][0]).collect();
        assert_eq!(at_one, (1..=33).collect::<Vec<_>>());
        assert!(
            legend
                .iter()
                .any(|e| e.kind == LegendKind::Hatch && e.label.starts_with("dilemma zone")),
            "{legend:?}"
        );
        // The symbols: a subscript r that the embedded font draws.
        assert!(h.y_label.ends_with("p\u{1d63}") && h.x_label.contains(", s "));
        let font = ab_glyph::FontRef::try_from_slice(dejavu::sans::regular()).unwrap();
        use ab_glyph::Font;
        assert_ne!(font.glyph_id('\u{1d63}').0, 0, "DejaVu Sans has U+1D63");
    }
}
