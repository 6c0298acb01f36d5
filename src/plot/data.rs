//! The CSV outputs read back for drawing. Figures are always drawn from
//! these files' bytes, during a run and by `airace plot`, so both give the
//! same figures.

use crate::file_names::{SUMMARY_CSV, TIMESERIES};
use crate::stats::{Estimate, normal_interval};
use std::collections::HashMap;
use std::path::Path;

/// Why a folder's CSV files cannot be drawn.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{origin}: {message}")]
    Invalid { origin: String, message: String },
}

/// An output folder's files by name, as the figures read them: the
/// folder's kind in `output` holds them (in memory while a command writes
/// them, read back by `airace plot`), and `name` is what titles call the
/// folder's subject (the manifest's game or model name).
pub trait NamedFiles {
    /// The name titles give the folder's subject.
    fn name(&self) -> &str;

    /// A file's bytes, if the folder holds it.
    fn bytes(&self, file: &str) -> Option<&[u8]>;

    /// The folder's headline numbers (its `summary.json`), if present and
    /// valid: the folder's kind knows the file's name.
    fn summary(&self) -> Option<serde_json::Value>;

    /// A file as text (empty if absent).
    fn text(&self, file: &str) -> String {
        self.bytes(file)
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default()
    }

    /// A JSON file, if present and valid.
    fn json(&self, file: &str) -> Option<serde_json::Value> {
        self.bytes(file)
            .and_then(|b| serde_json::from_slice(b).ok())
    }

    /// A CSV file that must be there.
    fn table(&self, file: &str) -> Result<Table, DataError> {
        self.optional(file)?.ok_or_else(|| DataError::Invalid {
            origin: format!("{}/{file}", self.name()),
            message: "the file is missing".into(),
        })
    }

    /// A CSV file that may be absent.
    fn optional(&self, file: &str) -> Result<Option<Table>, DataError> {
        self.bytes(file)
            .map(|b| Table::parse(b, &format!("{}/{file}", self.name())))
            .transpose()
    }
}

/// A CSV file as columns of text.
#[derive(Debug, Clone)]
pub struct Table {
    origin: String,
    header: Vec<String>,
    index: HashMap<String, usize>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn parse(bytes: &[u8], origin: &str) -> Result<Table, DataError> {
        let invalid = |message: String| DataError::Invalid {
            origin: origin.to_string(),
            message,
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(bytes);
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| invalid(e.to_string()))?
            .iter()
            .map(str::to_string)
            .collect();
        let mut rows = Vec::new();
        for record in reader.records() {
            rows.push(
                record
                    .map_err(|e| invalid(e.to_string()))?
                    .iter()
                    .map(str::to_string)
                    .collect(),
            );
        }
        let index = header
            .iter()
            .enumerate()
            .map(|(i, h)| (h.clone(), i))
            .collect();
        Ok(Table {
            origin: origin.to_string(),
            header,
            index,
            rows,
        })
    }

    pub fn read(path: &Path) -> Result<Table, DataError> {
        let bytes = std::fs::read(path).map_err(|source| DataError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Table::parse(&bytes, &path.display().to_string())
    }

    pub fn header(&self) -> &[String] {
        &self.header
    }

    pub fn rows(&self) -> &[Vec<String>] {
        &self.rows
    }

    /// A numeric column; empty cells are NaN.
    pub fn column(&self, name: &str) -> Result<Vec<f64>, DataError> {
        let i = *self.index.get(name).ok_or_else(|| DataError::Invalid {
            origin: self.origin.clone(),
            message: format!("no column `{name}`"),
        })?;
        self.rows
            .iter()
            .map(|r| number(&r[i], &self.origin, name))
            .collect()
    }

    /// A column of numbers, or of text (a sweep's categorical key) as the
    /// index of each value in order of first appearance: 0, 1, 2, ...
    pub fn column_or_codes(&self, name: &str) -> Result<Vec<f64>, DataError> {
        match self.column(name) {
            Ok(numbers) => Ok(numbers),
            Err(e) => {
                let text = self.text(name).map_err(|_| e)?;
                let mut seen: Vec<&str> = Vec::new();
                Ok(text
                    .iter()
                    .map(|v| match seen.iter().position(|s| s == v) {
                        Some(i) => i as f64,
                        None => {
                            seen.push(v);
                            (seen.len() - 1) as f64
                        }
                    })
                    .collect())
            }
        }
    }

    /// A text column.
    pub fn text(&self, name: &str) -> Result<Vec<String>, DataError> {
        let i = *self.index.get(name).ok_or_else(|| DataError::Invalid {
            origin: self.origin.clone(),
            message: format!("no column `{name}`"),
        })?;
        Ok(self.rows.iter().map(|r| r[i].clone()).collect())
    }
}

fn number(cell: &str, origin: &str, column: &str) -> Result<f64, DataError> {
    if cell.is_empty() {
        return Ok(f64::NAN);
    }
    cell.parse().map_err(|_| DataError::Invalid {
        origin: origin.to_string(),
        message: format!("`{cell}` in column `{column}` is not a number"),
    })
}

/// A scenario's `timeseries.csv` and `summary.csv`.
#[derive(Debug, Clone)]
pub struct ScenarioData {
    pub name: String,
    pub labs: Vec<String>,
    pub timeseries: Table,
    /// `(metric, lab)` -> estimate.
    summary: HashMap<(String, String), Estimate>,
}

impl ScenarioData {
    pub fn parse(name: &str, timeseries: &[u8], summary: &[u8]) -> Result<ScenarioData, DataError> {
        let timeseries = Table::parse(timeseries, &format!("{name}/{TIMESERIES}"))?;
        let labs = timeseries
            .header()
            .iter()
            .filter_map(|h| h.strip_prefix("capability_mean_").map(str::to_string))
            .collect();
        let table = Table::parse(summary, &format!("{name}/{SUMMARY_CSV}"))?;
        let (metric, lab) = (table.text("metric")?, table.text("lab")?);
        let (mean, low, high) = (
            table.column("mean")?,
            table.column("ci_low")?,
            table.column("ci_high")?,
        );
        let summary = (0..metric.len())
            .map(|i| {
                (
                    (metric[i].clone(), lab[i].clone()),
                    Estimate {
                        mean: mean[i],
                        ci_low: low[i],
                        ci_high: high[i],
                    },
                )
            })
            .collect();
        Ok(ScenarioData {
            name: name.to_string(),
            labs,
            timeseries,
            summary,
        })
    }

    /// Reads `DIR/timeseries.csv` and `DIR/summary.csv`
    /// ([`TIMESERIES`], [`SUMMARY_CSV`]).
    pub fn read(dir: &Path) -> Result<ScenarioData, DataError> {
        let read = |file: &str| {
            let path = dir.join(file);
            std::fs::read(&path).map_err(|source| DataError::Read {
                path: path.display().to_string(),
                source,
            })
        };
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        ScenarioData::parse(&name, &read(TIMESERIES)?, &read(SUMMARY_CSV)?)
    }

    /// The step at which a lab reaches the decisive capability, over the
    /// `runs` runs in which one does: its mean and 95% normal interval
    /// (1.96 standard errors either side, [`normal_interval`]), or `None` when no run has a
    /// winner.
    ///
    /// The `racing` column is the fraction of runs without a winner at the
    /// end of each step, so `runs (racing[t-1] - racing[t])` runs are won at
    /// step `t`; with `W` the runs won, the mean is `sum_t t w_t / W` (the
    /// same number as `win_step_mean` in `summary.json`) and the standard
    /// error `sqrt(var / W)` with the sample variance of the win steps.
    pub fn win_step(&self, runs: u64) -> Result<Option<Estimate>, DataError> {
        let step = self.timeseries.column("step")?;
        let racing = self.timeseries.column("racing")?;
        let n = runs as f64;
        let count = |fraction: f64| (fraction * n).round();
        let (mut sum, mut sum_sq, mut wins) = (0.0, 0.0, 0.0);
        let mut before = racing.first().map_or(n, |&r| count(r));
        for (&t, &r) in step.iter().zip(&racing).skip(1) {
            let now = count(r);
            let won = (before - now).max(0.0);
            sum += t * won;
            sum_sq += t * t * won;
            wins += won;
            before = now;
        }
        Ok((wins > 0.0).then(|| normal_interval(sum, sum_sq, wins as u64, None)))
    }

    /// A summary metric (with interval where it has one).
    pub fn estimate(&self, metric: &str, lab: &str) -> Option<Estimate> {
        self.summary
            .get(&(metric.to_string(), lab.to_string()))
            .copied()
    }
}
