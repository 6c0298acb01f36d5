//! Figures for papers, drawn with plotters as SVG and PNG from the same code.
//!
//! Every figure is built from the CSV outputs ([`data`]) into a plain
//! description ([`figure`]) and then drawn ([`render`]). `airace run` draws
//! from the bytes of the CSV files it writes, and `airace plot DIR` from the
//! files on disk, so the two give identical SVG bytes.

pub mod data;
pub mod figure;
pub mod figures;
pub mod game_figures;
pub mod legend;
pub mod pdf;
pub mod render;
pub mod style;
pub mod svg_text;
pub mod text;

pub use data::{DataError, ScenarioData};
pub use figure::Figure;
pub use render::Size;
pub use svg_text::SvgText;

use rayon::prelude::*;

/// The file formats figures are written in (`--format svg,png,pdf`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    pub svg: bool,
    pub png: bool,
    pub pdf: bool,
}

impl Default for Formats {
    /// SVG and PNG.
    fn default() -> Self {
        Formats {
            svg: true,
            png: true,
            pdf: false,
        }
    }
}

impl Formats {
    /// Every format's name, as `--format` takes them.
    pub const NAMES: [&str; 3] = ["svg", "png", "pdf"];

    /// A comma-separated list of format names (at least one, each once at
    /// most); the error names the bad one and what is allowed.
    pub fn parse(list: &str) -> Result<Formats, String> {
        let mut f = Formats {
            svg: false,
            png: false,
            pdf: false,
        };
        for name in list.split(',').map(str::trim) {
            let slot = match name {
                "svg" => &mut f.svg,
                "png" => &mut f.png,
                "pdf" => &mut f.pdf,
                _ => {
                    return Err(format!(
                        "unknown figure format `{name}`: allowed {}, as a comma-separated list (e.g. svg,png,pdf)",
                        Formats::NAMES.join(", ")
                    ));
                }
            };
            if *slot {
                return Err(format!("figure format `{name}` is listed twice"));
            }
            *slot = true;
        }
        Ok(f)
    }

    /// The extensions of the chosen formats, in the order svg, png, pdf.
    pub fn extensions(self) -> Vec<&'static str> {
        [("svg", self.svg), ("png", self.png), ("pdf", self.pdf)]
            .into_iter()
            .filter_map(|(ext, on)| on.then_some(ext))
            .collect()
    }
}

/// A drawn figure: its file stem and its bytes in each format chosen.
///
/// The SVG is always drawn (the report page inlines it), with its text as
/// `Size::svg_text` says; `png` and `pdf` are empty unless chosen.
#[derive(Debug, Clone)]
pub struct Drawn {
    pub stem: String,
    pub svg: String,
    pub png: Vec<u8>,
    pub pdf: Vec<u8>,
    pub formats: Formats,
}

impl Drawn {
    /// The figure's files, `<dir>/<stem>.<ext>` with their bytes, in the
    /// formats chosen (`dir` is the folder's figure folder, named by
    /// `output::files`).
    pub fn files(&self, dir: &str) -> Vec<(String, &[u8])> {
        self.formats
            .extensions()
            .into_iter()
            .map(|ext| {
                let bytes: &[u8] = match ext {
                    "svg" => self.svg.as_bytes(),
                    "png" => &self.png,
                    _ => &self.pdf,
                };
                (format!("{dir}/{}.{ext}", self.stem), bytes)
            })
            .collect()
    }

    /// The names of [`Drawn::files`], comma-separated (for captions).
    pub fn file_names(&self, dir: &str) -> String {
        let names: Vec<String> = self.files(dir).into_iter().map(|(name, _)| name).collect();
        names.join(", ")
    }
}

/// Draws figures in parallel (each figure's bytes do not depend on it).
pub fn draw_all(figures: Vec<(String, Figure)>, size: &Size) -> Vec<Drawn> {
    render::register_fonts();
    figures
        .into_par_iter()
        .map(|(stem, mut figure)| {
            if !size.titles {
                figure.title_mut().clear();
            }
            // A signal stops the drawing between figures (and formats): the
            // caller then commits nothing (see `crate::output::folder`).
            let stopped = crate::interrupt::interrupted;
            let plain = if stopped() {
                String::new()
            } else {
                render::svg(&figure, size)
            };
            let pdf = if stopped() || !size.formats.pdf {
                Vec::new()
            } else {
                pdf::from_svg(&plain)
            };
            let svg = if stopped() {
                String::new()
            } else {
                size.svg_text.apply(&plain)
            };
            let png = if stopped() || !size.formats.png {
                Vec::new()
            } else {
                render::png(&figure, size)
            };
            Drawn {
                stem,
                svg,
                png,
                pdf,
                formats: size.formats,
            }
        })
        .collect()
}

/// The figures of a scenario from the bytes of its CSV files.
pub fn scenario(
    name: &str,
    timeseries: &[u8],
    summary: &[u8],
    size: &Size,
) -> Result<Vec<Drawn>, DataError> {
    let data = ScenarioData::parse(name, timeseries, summary)?;
    Ok(draw_all(figures::scenario_figures(&data)?, size))
}

/// The figures of a comparison, from its table and its scenarios' data.
pub fn comparison_of(data: &figures::ComparisonData, size: &Size) -> Result<Vec<Drawn>, DataError> {
    Ok(draw_all(figures::comparison_figures(data)?, size))
}

/// The figures of a sweep from the bytes of its `sweep.csv`.
pub fn sweep(name: &str, sweep_csv: &[u8], size: &Size) -> Result<Vec<Drawn>, DataError> {
    let table = data::Table::parse(sweep_csv, &format!("{name}/{}", crate::file_names::SWEEP))?;
    Ok(draw_all(figures::sweep_figures(&table, name)?, size))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TS: &str = "step,p_catastrophe,p_catastrophe_ci_low,p_catastrophe_ci_high,p_catastrophe_sampled,racing,frontier_mean,\
frontier_p05,frontier_p25,frontier_p50,frontier_p75,frontier_p95,capability_mean_A,capability_mean_B,safety_mean_A,\
safety_mean_B,paused_A,paused_B,delayed_A,delayed_B\n\
0,0,0,0,0,1,1,1,1,1,1,1,1,1,1,1,0,0,0,0\n\
1,0.1,0.09,0.11,0.1,1,1.5,1.2,1.4,1.5,1.6,1.8,1.5,1.2,1.1,1.0,0.2,0,0,0.1\n\
2,0.2,0.18,0.22,0.21,0.5,2.0,1.5,1.8,2.0,2.2,2.5,2.0,1.5,1.2,1.1,0.3,0,0,0.2\n";
    const SUMMARY: &str = "metric,lab,mean,ci_low,ci_high\np_catastrophe,,0.2,0.18,0.22\np_no_winner,,0.5,0.4,0.6\n\
p_win,A,0.3,0.2,0.4\np_win,B,0.2,0.1,0.3\n";

    #[test]
    fn a_scenario_gets_four_figures_in_both_formats() {
        let size = Size {
            width: 4.0,
            height: 3.0,
            dpi: 50.0,
            ..Size::default()
        };
        let drawn = scenario("demo", TS.as_bytes(), SUMMARY.as_bytes(), &size).unwrap();
        let stems: Vec<_> = drawn.iter().map(|d| d.stem.as_str()).collect();
        assert_eq!(stems, ["risk", "capability", "outcomes", "policy"]);
        for d in &drawn {
            assert!(d.svg.starts_with("<svg"), "{}", d.stem);
            assert!(
                d.svg.contains("width=\"384\" height=\"288\""),
                "{}",
                &d.svg[..200]
            );
            assert_eq!(&d.png[1..4], b"PNG");
            // IHDR width and height, big-endian, at bytes 16..24.
            assert_eq!(u32::from_be_bytes(d.png[16..20].try_into().unwrap()), 200);
            assert_eq!(u32::from_be_bytes(d.png[20..24].try_into().unwrap()), 150);
        }
        assert!(
            drawn[1].svg.contains("B safety"),
            "the legend names each lab's lines"
        );
    }

    #[test]
    fn drawing_twice_gives_the_same_bytes() {
        let size = Size::default();
        let a = scenario("demo", TS.as_bytes(), SUMMARY.as_bytes(), &size).unwrap();
        let b = scenario("demo", TS.as_bytes(), SUMMARY.as_bytes(), &size).unwrap();
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.svg, y.svg);
            assert_eq!(x.png, y.png);
        }
    }

    #[test]
    fn a_missing_column_is_an_error_not_a_panic() {
        let err = scenario("demo", b"step\n0\n", SUMMARY.as_bytes(), &Size::default()).unwrap_err();
        assert!(
            err.to_string().contains("no column `p_catastrophe`"),
            "{err}"
        );
    }
}
