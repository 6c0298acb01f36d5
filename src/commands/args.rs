//! The options several commands share, flattened into each command's
//! `Args` with clap's `#[command(flatten)]` (as ixa's `BaseArgs`), and
//! their value parsers: [`CommonArgs`] (threads, `--out`, how a folder is
//! written and drawn), [`NameArg`], [`SeedArg`], [`RunsArg`] and
//! [`FigureArgs`]. Each group turns into the library's plain options here,
//! so the commands' files only name what is theirs.

use crate::context::{CommonOptions, InputError};
use crate::explore::file::Overrides;
use std::path::PathBuf;

/// What every command that simulates and writes a folder takes (`run`,
/// `sweep`, `game`, `explore`, `classic`): its threads, where its folder
/// goes, and how it writes it.
#[derive(clap::Args)]
pub struct CommonArgs {
    #[command(flatten)]
    pub threads: ThreadsArg,
    #[command(flatten)]
    pub out: OutArg,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl CommonArgs {
    /// The library's plain copy of these options, with the command line
    /// for the manifests; refuses a figure too large to draw.
    pub fn options(self) -> Result<CommonOptions, InputError> {
        self.output.options(self.out.out, self.threads.get())
    }
}

/// `--threads`: `run`, `sweep`, `game`, `explore`, `classic` and `serve`.
#[derive(clap::Args)]
pub struct ThreadsArg {
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
}

impl ThreadsArg {
    pub fn get(&self) -> Option<usize> {
        self.threads.map(|t| t as usize)
    }
}

/// `--out`: every command that writes folders.
#[derive(clap::Args)]
pub struct OutArg {
    /// Folder under which the command's output folder(s) go.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
}

/// `--name`: the commands whose folder name is not fixed by their input
/// (`run` of several scenarios, `sweep`, `merge`, `classic`).
#[derive(clap::Args)]
pub struct NameArg {
    /// Output folder name [default: `run`: comparison (several scenarios);
    /// `sweep`: SCENARIO-sweep; `merge`: the name the shards' command used;
    /// `classic`: the model's name].
    #[arg(long)]
    pub name: Option<String>,
}

/// `--runs` and `--seed`, one after the other: the commands that run a
/// file (`run`, `sweep`, `game`, `explore`).
#[derive(clap::Args)]
pub struct OverrideArgs {
    #[command(flatten)]
    pub runs: RunsArg,
    #[command(flatten)]
    pub seed: SeedArg,
}

impl OverrideArgs {
    /// What these replace in the file.
    pub fn get(&self) -> Overrides {
        Overrides {
            runs: self.runs.runs,
            seed: self.seed.seed,
        }
    }
}

/// `--seed`: every command that simulates (`run`, `sweep`, `game`,
/// `explore`, `classic`).
#[derive(clap::Args)]
pub struct SeedArg {
    /// Master seed [default: the file's; `classic`: 1]. Overrides the file.
    // At most what a TOML file can hold, so the scenario.toml written
    // with the results can be run again.
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    pub seed: Option<u64>,
}

/// `--runs`: every command whose file (or model) sets how many runs
/// (`run`, `sweep`, `game`, `explore`, `classic dsair`).
#[derive(clap::Args)]
pub struct RunsArg {
    /// Runs of each scenario, sweep point, game profile, exploration
    /// experiment or DSAIR pairing and cell [default: the file's; `classic
    /// dsair`: 1000]. Overrides the file.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    pub runs: Option<u64>,
}

/// What every command that writes a folder takes: whether it may write
/// beside other files, how much it prints, and its figures.
#[derive(clap::Args)]
pub struct OutputArgs {
    /// Write into output folders that hold files airace did not write
    /// (airace never deletes files it did not create).
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Do not draw figures.
    #[arg(long)]
    pub no_plots: bool,
    #[command(flatten)]
    pub figure: FigureArgs,
}

impl OutputArgs {
    /// The library's plain copy of the shared options, with the command
    /// line for the manifests; refuses a figure too large to draw.
    pub fn options(
        self,
        out: PathBuf,
        threads: Option<usize>,
    ) -> Result<CommonOptions, InputError> {
        Ok(CommonOptions {
            threads,
            quiet: self.quiet,
            force: self.force,
            figures: self.figure.options(self.no_plots)?,
            command_line: command_line(),
            out,
        })
    }
}

/// Figure size in physical units.
#[derive(clap::Args)]
pub struct FigureArgs {
    /// Figure width in inches.
    #[arg(long, default_value_t = 6.5, value_parser = inches)]
    pub width: f64,
    /// Figure height in inches [default: 4; a figure of several rows of
    /// panels narrower than 5 in is then made taller, 1.1 in + 1.25 in a row].
    #[arg(long, value_parser = inches)]
    pub height: Option<f64>,
    /// PNG resolution in pixels per inch (SVG is resolution-free).
    #[arg(long, default_value_t = 200.0, value_parser = dpi)]
    pub dpi: f64,
    /// The figure files to write, a comma-separated list of svg, png and
    /// pdf (vector, fonts embedded).
    #[arg(long, default_value = "svg,png", value_parser = crate::plot::Formats::parse)]
    pub format: crate::plot::Formats,
    /// How SVG figures carry their text: `embedded` (text, with the subset
    /// of DejaVu Sans it uses embedded) or `paths` (text drawn as outlines,
    /// for tools that ignore embedded fonts).
    #[arg(long, default_value = "embedded", value_parser = svg_text)]
    pub svg_text: crate::plot::SvgText,
    /// Draw figures without their titles (for a caption that carries them).
    #[arg(long)]
    pub no_title: bool,
}

impl FigureArgs {
    /// What to draw: this size, or nothing with `--no-plots` (whose size is
    /// then not checked).
    pub fn options(&self, no_plots: bool) -> Result<crate::output::FigureOptions, InputError> {
        Ok(crate::output::FigureOptions {
            size: if no_plots {
                None
            } else {
                Some(self.checked_size()?)
            },
        })
    }

    /// The figure size, refused if its PNG would be too large to draw.
    pub fn checked_size(&self) -> Result<crate::plot::Size, InputError> {
        self.check()?;
        Ok(self.size())
    }

    fn size(&self) -> crate::plot::Size {
        crate::plot::Size {
            width: self.width,
            height: self.height.unwrap_or(4.0),
            dpi: self.dpi,
            formats: self.format,
            svg_text: self.svg_text,
            titles: !self.no_title,
            height_set: self.height.is_some(),
        }
    }
}

/// The most pixels of a PNG figure: 100 megapixels, 300 MB of bitmap while
/// it is drawn (a paper's full page at 1200 dpi is under 100).
const MAX_PIXELS: f64 = 1e8;

impl FigureArgs {
    /// Refuses a size whose PNG would be too large to draw: every value may
    /// be within its range and their product not.
    fn check(&self) -> Result<(), InputError> {
        let (w, h) = crate::plot::render::pixels(&self.size(), self.dpi);
        let pixels = f64::from(w) * f64::from(h);
        if pixels <= MAX_PIXELS {
            return Ok(());
        }
        Err(InputError::Usage(format!(
            "--width {} x --height {} inches at --dpi {} is a PNG of {w} x {h} pixels ({:.0} megapixels); \
             airace draws at most {:.0}: lower --dpi or the size (the SVG figures do not depend on --dpi)",
            self.width,
            self.size().height,
            self.dpi,
            pixels / 1e6,
            MAX_PIXELS / 1e6
        )))
    }
}

fn bounded(text: &str, low: f64, high: f64, unit: &str) -> Result<f64, String> {
    let x: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    if x.is_finite() && (low..=high).contains(&x) {
        Ok(x)
    } else {
        Err(format!(
            "{text} is out of range: allowed {low} to {high} {unit}"
        ))
    }
}

fn inches(text: &str) -> Result<f64, String> {
    bounded(text, 1.0, 40.0, "inches")
}

fn dpi(text: &str) -> Result<f64, String> {
    bounded(text, 30.0, 1200.0, "pixels per inch")
}

fn svg_text(text: &str) -> Result<crate::plot::SvgText, String> {
    crate::plot::SvgText::parse(text).ok_or_else(|| {
        format!(
            "`{text}`: allowed {}",
            crate::plot::SvgText::NAMES.join(", ")
        )
    })
}

/// The command line as typed, for the manifests.
fn command_line() -> Vec<String> {
    std::env::args().collect()
}
