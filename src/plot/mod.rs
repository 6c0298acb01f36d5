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
pub mod render;
pub mod style;
pub mod text;

pub use data::{DataError, ScenarioData};
pub use figure::Figure;
pub use render::Size;

use rayon::prelude::*;

/// A drawn figure: its file stem and its SVG and PNG bytes.
#[derive(Debug, Clone)]
pub struct Drawn {
    pub stem: String,
    pub svg: String,
    pub png: Vec<u8>,
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
            let svg = if stopped() {
                String::new()
            } else {
                render::svg(&figure, size)
            };
            let png = if stopped() {
                Vec::new()
            } else {
                render::png(&figure, size)
            };
            Drawn { stem, svg, png }
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
    let table = data::Table::parse(sweep_csv, &format!("{name}/sweep.csv"))?;
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
            titles: true,
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
