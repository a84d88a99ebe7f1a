//! `waferwatt sensitivity <command> [its flags] --output KEY`: which uncertain numbers move one
//! result of a ledger command most.

use clap::{Args, Subcommand};

use crate::Failure;
use crate::sampling::SensOptions;

#[derive(Args, Debug)]
pub struct SensitivityArgs {
    #[command(subcommand)]
    pub command: SensCommand,
}

/// A ledger command with its own flags, and the analysis's.
#[derive(Args, Debug)]
pub struct With<T: Args> {
    #[command(flatten)]
    pub command: T,
    #[command(flatten)]
    pub sens: SensOptions,
}

#[derive(Subcommand, Debug)]
pub enum SensCommand {
    /// A training run's result (e.g. --output total_usd)
    Train(Box<With<crate::train_cmd::TrainArgs>>),
    /// A wafer's result (e.g. --output cost_per_good_die_usd)
    Wafer(Box<With<crate::wafer_cmd::WaferArgs>>),
    /// An accelerator's build cost (e.g. --output build_cost_usd)
    Chip(Box<With<crate::chip_cmd::ChipArgs>>),
    /// A fleet's output (e.g. --output accelerators_per_year)
    Fleet(Box<With<crate::fleet_cmd::FleetArgs>>),
}

/// The files the analysis writes: the tornado chart, and the samples.
pub fn outputs(args: &SensitivityArgs) -> Vec<Option<crate::output::Output<'_>>> {
    let (chart, opts) = match &args.command {
        SensCommand::Train(w) => (&w.command.chart, &w.command.sampling),
        SensCommand::Wafer(w) => (&w.command.chart, &w.command.sampling),
        SensCommand::Chip(w) => (&w.command.chart, &w.command.sampling),
        SensCommand::Fleet(w) => (&w.command.chart, &w.command.sampling),
    };
    use crate::output::Output;
    vec![Output::opt(chart, "--chart"), Output::opt(&opts.raw, "--raw")]
}

pub fn run(args: &SensitivityArgs) -> Result<String, Failure> {
    // The command's `--chart` draws the tornado here.
    let (sens, opts, explain, chart) = match &args.command {
        SensCommand::Train(w) => (&w.sens, &w.command.sampling, w.command.explain, &w.command.chart),
        SensCommand::Wafer(w) => (&w.sens, &w.command.sampling, w.command.explain, &w.command.chart),
        SensCommand::Chip(w) => (&w.sens, &w.command.sampling, w.command.explain, &w.command.chart),
        SensCommand::Fleet(w) => (&w.sens, &w.command.sampling, w.command.explain, &w.command.chart),
    };
    let sens = SensOptions { chart: chart.clone(), ..sens.clone() };
    sens.check(opts, explain)?;
    match &args.command {
        SensCommand::Train(w) => crate::train_cmd::sensitivity(&w.command, &sens),
        SensCommand::Wafer(w) => crate::wafer_cmd::sensitivity(&w.command, &sens),
        SensCommand::Chip(w) => crate::chip_cmd::sensitivity(&w.command, &sens),
        SensCommand::Fleet(w) => crate::fleet_cmd::sensitivity(&w.command, &sens),
    }
}
