//! A game's payoff tables read back from `payoffs.csv`, `deviations.csv`
//! and `equilibria.csv`, and the payoff heatmaps drawn from them (best
//! responses outlined, equilibria marked).

use super::*;
use crate::file_names::game;

/// Who a payoff belongs to: a strategy (symmetric games) or a seat.
#[derive(Debug, Clone)]
pub(super) enum Kind {
    Symmetric { players: usize },
    Seats { seats: Vec<String> },
}

/// A game's payoff table, deviations and equilibria as written in its CSV
/// files. A profile is a count per strategy (symmetric) or a strategy per
/// seat.
#[derive(Debug, Clone)]
pub struct GameTables {
    pub(super) kind: Kind,
    pub strategies: Vec<String>,
    /// `(profile, strategy or seat, payoff with its 95% interval)`.
    pub(super) payoffs: Vec<(Vec<usize>, usize, Estimate)>,
    /// `(profile, P(catastrophe) with its 95% interval)`.
    pub(super) catastrophe: Vec<(Vec<usize>, Estimate)>,
    /// `(profile, strategy or seat deviating, gains beyond 2 SE)`.
    pub(super) gains: Vec<(Vec<usize>, usize, bool)>,
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
pub(super) struct Profiles {
    /// Per `payoffs.csv` row: its profile and whose payoff it is.
    pub(super) keys: Vec<Vec<usize>>,
    pub(super) who: Vec<usize>,
    /// Per `deviations.csv` row: its profile and who deviates.
    pub(super) dev_keys: Vec<Vec<usize>>,
    pub(super) dev_from: Vec<usize>,
    /// Per `equilibria.csv` row: its profile.
    pub(super) eq_keys: Vec<Vec<usize>>,
}

impl Profiles {
    /// The tables, with the payoffs, catastrophe probabilities and verdicts
    /// of the rows these profiles index.
    pub(super) fn tables(
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
        let payoffs = files.table(game::PAYOFFS)?;
        let deviations = files.table(game::DEVIATIONS)?;
        let equilibria = files.table(game::EQUILIBRIA)?;
        let origin = format!("{}/{}", files.name(), game::PAYOFFS);
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
            let dev_origin = format!("{}/{}", files.name(), game::DEVIATIONS);
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
    pub(super) fn best_response(&self, profile: &[usize], who: usize) -> bool {
        !self
            .gains
            .iter()
            .any(|(k, w, gains)| k == profile && *w == who && *gains)
    }

    pub(super) fn status(&self, profile: &[usize]) -> &str {
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

pub(super) fn catastrophe(
    keys: &[Vec<usize>],
    p: &[f64],
    se: &[f64],
) -> Vec<(Vec<usize>, Estimate)> {
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

pub(super) fn read_equilibria(
    t: &Table,
    keys: Vec<Vec<usize>>,
) -> Result<Vec<ProfileStatus>, DataError> {
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
pub(super) fn splits(total: usize, m: usize) -> Vec<Vec<usize>> {
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
pub(super) fn tuples(len: usize, m: usize) -> Vec<Vec<usize>> {
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
pub(super) const STRICT: &str = "●";

pub(super) const WEAK: &str = "○";

/// The payoff heatmap of one player: rows are what the others play (the
/// first row at the top), columns the player's own strategy.
pub(super) struct PayoffGrid {
    pub(super) rows: Vec<String>,
    /// `cells[row][strategy]`: the profile and who holds the payoff.
    pub(super) cells: Vec<Vec<(Vec<usize>, usize)>>,
}

pub(super) fn payoff_heatmap(
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
        labels: Labels {
            title,
            x_label,
            y_label,
        },
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
pub(super) fn file_safe(name: &str) -> String {
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

// Population dynamics.
