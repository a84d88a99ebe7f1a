//! The `waferwatt` command line as a library: it parses arguments, loads the data (with any
//! scenario and `--set` overrides), calls the model and renders what comes back. The binary
//! (`main.rs`) prints the answer; [`api`] hands the same answers, errors and samples to the
//! other faces (the Python package), so that they take exactly the command line's inputs.

pub mod api;
mod chart;
mod chip_cmd;
mod compare_cmd;
mod data_cmd;
mod explain;
mod figures;
mod fleet_cmd;
mod input;
mod map;
mod output;
mod render;
mod report;
mod sampling;
mod sensitivity_cmd;
mod strategy_cmd;
mod train_cmd;
mod validate_cmd;
mod wafer_cmd;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "waferwatt",
    version,
    about = "A sourced model of AI compute economics: from the lithography scanner to the electricity bill",
    long_about = None,
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// What a training run costs, item by item, in one or more regions
    Train(Box<train_cmd::TrainArgs>),
    /// What a wafer costs on a process node, EUV or DUV multi-patterning, and its dies
    Wafer(Box<wafer_cmd::WaferArgs>),
    /// What an accelerator costs to build: dies, HBM, packaging, test; chiplets; porting
    Chip(Box<chip_cmd::ChipArgs>),
    /// From a scanner fleet to wafers, accelerators, training compute and gigawatts
    Fleet(Box<fleet_cmd::FleetArgs>),
    /// Compute now or lithography first: paths year by year, who leads, when it breaks even
    Strategy(Box<strategy_cmd::StrategyArgs>),
    /// Which uncertain numbers move a result most: a tornado, or Sobol' indices
    Sensitivity(sensitivity_cmd::SensitivityArgs),
    /// Inspect and check the built-in data and its sources
    Data(data_cmd::DataArgs),
    /// The report: the accounts that test the source commentary's claims
    Report(report::ReportArgs),
    /// The calibration record: published cases rerun, each beside its published figure
    Validate(validate_cmd::ValidateArgs),
    /// One command under two methods (`--method A --method B train …`), and what accounts for the difference
    Compare(compare_cmd::CompareArgs),
}

/// How a command failed: bad input (2) or a failed check (1).
pub enum Failure {
    Input(waferwatt::diag::Diagnostics),
    /// A check that found faults: what to print on standard output and on standard error.
    Check {
        stdout: String,
        stderr: String,
    },
}

impl From<waferwatt::diag::Diagnostics> for Failure {
    fn from(d: waferwatt::diag::Diagnostics) -> Self {
        Failure::Input(d)
    }
}

impl From<waferwatt::diag::Diagnostic> for Failure {
    fn from(d: waferwatt::diag::Diagnostic) -> Self {
        Failure::Input(d.into())
    }
}

/// Every file the command is asked to write, with its flag.
pub fn outputs(c: &Command) -> Vec<output::Output<'_>> {
    use output::Output;
    let file = Output::opt;
    let mut out: Vec<Option<Output>> = match c {
        Command::Train(a) => vec![file(&a.chart, "--chart"), file(&a.sampling.raw, "--raw")],
        Command::Wafer(a) => {
            vec![file(&a.chart, "--chart"), file(&a.map, "--map"), file(&a.sampling.raw, "--raw")]
        }
        Command::Chip(a) => vec![file(&a.chart, "--chart"), file(&a.sampling.raw, "--raw")],
        Command::Fleet(a) => vec![file(&a.chart, "--chart"), file(&a.sampling.raw, "--raw")],
        Command::Strategy(a) => vec![file(&a.chart, "--chart"), file(&a.sampling.raw, "--raw")],
        Command::Sensitivity(a) => sensitivity_cmd::outputs(a),
        Command::Data(_) | Command::Validate(_) => vec![],
        Command::Compare(a) => match &a.command {
            compare_cmd::CompareCommand::Train(t) => vec![file(&t.chart, "--chart")],
            compare_cmd::CompareCommand::Fleet(f) => vec![file(&f.chart, "--chart")],
        },
        Command::Report(a) => vec![
            file(&a.html, "--html"),
            a.markdown.as_deref().map(|p| Output { path: p, flag: "--markdown", with_charts: true }),
            file(&a.pdf, "--pdf"),
        ],
    };
    out.drain(..).flatten().collect()
}

/// Runs a parsed command line: the files it writes are checked first, then the command.
pub fn run(cli: Cli) -> Result<String, Failure> {
    output::check(&outputs(&cli.command))?;
    match cli.command {
        Command::Train(args) => train_cmd::run(&args),
        Command::Wafer(args) => wafer_cmd::run(&args),
        Command::Chip(args) => chip_cmd::run(&args),
        Command::Fleet(args) => fleet_cmd::run(&args),
        Command::Strategy(args) => strategy_cmd::run(&args),
        Command::Sensitivity(args) => sensitivity_cmd::run(&args),
        Command::Data(args) => data_cmd::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Validate(args) => validate_cmd::run(&args),
        Command::Compare(args) => compare_cmd::run(&args),
    }
}
