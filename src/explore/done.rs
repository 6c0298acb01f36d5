//! Finished experiments kept on disk, exactly: the file a checkpoint of an
//! interrupted exploration keeps (for `--resume`) and a shard of one writes
//! (for `airace merge`). Each experiment's outcomes and standard errors are
//! stored as the bits of their `f64`s, so the analyses of the whole,
//! resumed or merged, are the same bytes as those of one uninterrupted run.
//!
//! The file is text: a header line
//! `airace-explore-experiments 1 VERSION IDENTITY EXPERIMENTS OUTCOMES`,
//! then one line per finished experiment (its index, then per outcome its
//! value's and standard error's bits in hex), then `end COUNT FNV` with the
//! FNV-1a of every byte before it, so a file cut short or edited is refused.

use crate::scenario::Scenario;
use crate::stats::codec::{FNV1A_START, fnv_hex, fnv1a_extend, hex_digest};
use std::collections::BTreeMap;
use std::fmt::Write as _;

const FORMAT: &str = "airace-explore-experiments 1";

/// An experiment's outcomes: `(value, standard error)` per outcome.
pub type Measured = Vec<(f64, f64)>;

/// Finished experiments of one exploration.
#[derive(Debug, Clone, PartialEq)]
pub struct Done {
    /// What they are experiments of ([`identity`]).
    pub identity: String,
    /// Experiments of the whole exploration.
    pub experiments: usize,
    pub outcomes: usize,
    /// By experiment index (`world × policies + policy`).
    pub measured: BTreeMap<usize, Measured>,
}

/// What an exploration's experiments are, so that saved ones are never
/// taken for another's: FNV-1a of the airace version, every experiment's
/// scenario as run (with its seed and runs) and the outcomes' names.
///
/// The text is hashed piece by piece as it is written (the scenarios' TOML
/// in parallel on the current rayon pool, a block at a time, hashed in
/// order), never held whole: the same digest as hashing it in one piece.
pub fn identity(scenarios: &[Scenario], outcomes: &[String]) -> String {
    use rayon::prelude::*;
    /// Scenarios written to TOML at a time.
    const BLOCK: usize = 1024;
    let mut state = fnv1a_extend(FNV1A_START, env!("CARGO_PKG_VERSION").as_bytes());
    for block in scenarios.chunks(BLOCK) {
        let texts: Vec<String> = block
            .par_iter()
            .map(|s| format!("\n{}\n{} {}\n", s.to_toml(), s.meta.seed, s.meta.runs))
            .collect();
        for text in &texts {
            state = fnv1a_extend(state, text.as_bytes());
        }
    }
    for o in outcomes {
        state = fnv1a_extend(state, format!("outcome {o}\n").as_bytes());
    }
    hex_digest(state)
}

impl Done {
    pub fn new(identity: String, experiments: usize, outcomes: usize) -> Done {
        Done {
            identity,
            experiments,
            outcomes,
            measured: BTreeMap::new(),
        }
    }

    /// The file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = format!(
            "{FORMAT} {} {} {} {}\n",
            env!("CARGO_PKG_VERSION"),
            self.identity,
            self.experiments,
            self.outcomes
        );
        for (x, m) in &self.measured {
            let _ = write!(out, "{x}");
            for (v, se) in m {
                let _ = write!(out, " {:016x} {:016x}", v.to_bits(), se.to_bits());
            }
            out.push('\n');
        }
        let fnv = fnv_hex(out.as_bytes());
        let _ = writeln!(out, "end {} {fnv}", self.measured.len());
        out.into_bytes()
    }

    /// Reads a file written by [`to_bytes`](Self::to_bytes); what is wrong
    /// with it, in words, if anything.
    pub fn parse(bytes: &[u8]) -> Result<Done, String> {
        let text = std::str::from_utf8(bytes).map_err(|_| "it is not text".to_string())?;
        let body_end = text
            .trim_end_matches('\n')
            .rfind('\n')
            .map(|i| i + 1)
            .ok_or("it is cut short")?;
        let (body, end) = text.split_at(body_end);
        let end: Vec<&str> = end.split_whitespace().collect();
        if end.len() != 3 || end[0] != "end" {
            return Err("it is cut short (no end line)".into());
        }
        if fnv_hex(body.as_bytes()) != end[2] {
            return Err("its checksum does not match (changed or damaged)".into());
        }
        let mut lines = body.lines();
        let header = lines.next().unwrap_or_default();
        let rest = header
            .strip_prefix(FORMAT)
            .ok_or("it is not a file of finished experiments")?;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.len() != 4 {
            return Err("its header is damaged".into());
        }
        if fields[0] != env!("CARGO_PKG_VERSION") {
            return Err(format!(
                "it was written by airace {}, this is {}",
                fields[0],
                env!("CARGO_PKG_VERSION")
            ));
        }
        let number = |s: &str| {
            s.parse::<usize>()
                .map_err(|_| "its header is damaged".to_string())
        };
        let mut done = Done::new(
            fields[1].to_string(),
            number(fields[2])?,
            number(fields[3])?,
        );
        for line in lines {
            let mut cells = line.split(' ');
            let x = number(cells.next().unwrap_or_default())?;
            let bits: Vec<f64> = cells
                .map(|c| u64::from_str_radix(c, 16).map(f64::from_bits))
                .collect::<Result<_, _>>()
                .map_err(|_| format!("experiment {x}'s line is damaged"))?;
            if x >= done.experiments || bits.len() != 2 * done.outcomes {
                return Err(format!("experiment {x}'s line is damaged"));
            }
            let m = bits.chunks_exact(2).map(|p| (p[0], p[1])).collect();
            if done.measured.insert(x, m).is_some() {
                return Err(format!("experiment {x} is there twice"));
            }
        }
        if end[1] != done.measured.len().to_string() {
            return Err("its count of experiments does not match".into());
        }
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The identity hashed in pieces is the digest of the whole text, over
    /// more scenarios than one block.
    #[test]
    fn identity_is_the_digest_of_the_whole_text() {
        let base: Scenario = crate::scenario::one_lab_scenario!("name = \"t\"\n")
            .parse()
            .unwrap();
        let scenarios: Vec<Scenario> = (0..1500u64)
            .map(|i| {
                let mut s = base.clone();
                s.meta.seed = i;
                s.meta.runs = 1 + i % 7;
                s
            })
            .collect();
        let outcomes = vec!["p_catastrophe".to_string(), "A.p_win".to_string()];
        let mut text = String::from(env!("CARGO_PKG_VERSION"));
        for s in &scenarios {
            let _ = write!(text, "\n{}\n{} {}\n", s.to_toml(), s.meta.seed, s.meta.runs);
        }
        for o in &outcomes {
            let _ = writeln!(text, "outcome {o}");
        }
        assert_eq!(identity(&scenarios, &outcomes), fnv_hex(text.as_bytes()));
        assert_ne!(
            identity(&scenarios[..1499], &outcomes),
            identity(&scenarios, &outcomes)
        );
    }

    #[test]
    fn experiments_read_back_to_the_same_bits() {
        let mut d = Done::new("abc".into(), 10, 2);
        d.measured
            .insert(3, vec![(0.1 + 0.2, f64::NAN), (-0.0, 1e-300)]);
        d.measured.insert(7, vec![(-f64::NAN, 0.5), (1.0, 2.0)]);
        let bytes = d.to_bytes();
        let back = Done::parse(&bytes).unwrap();
        assert_eq!(back.to_bytes(), bytes);
        let bits = |m: &Measured| -> Vec<u64> {
            m.iter()
                .flat_map(|p| [p.0.to_bits(), p.1.to_bits()])
                .collect()
        };
        for (x, m) in &d.measured {
            assert_eq!(bits(m), bits(&back.measured[x]));
        }
    }

    #[test]
    fn a_damaged_or_short_file_is_refused() {
        let mut d = Done::new("abc".into(), 10, 1);
        d.measured.insert(1, vec![(0.5, 0.1)]);
        let bytes = d.to_bytes();
        let text = String::from_utf8(bytes.clone()).unwrap();
        let cut = &bytes[..bytes.len() - 30];
        assert!(Done::parse(cut).is_err());
        let edited = text.replace("\n1 ", "\n2 ");
        assert!(
            Done::parse(edited.as_bytes())
                .unwrap_err()
                .contains("checksum")
        );
    }
}
