//! `standpoint-model`: the commands that load a stance model (`run`, `classify`, `bench`,
//! `train`, `finetune`, `speed`), linked with libtorch. `standpoint` hands these commands over
//! to it; it also runs every other command itself, so it can be used directly.

use std::process::ExitCode;

#[macro_use]
extern crate standpoint_cli;

use clap::Parser;
use standpoint_cli::args::{Cli, Command};
use standpoint_cli::{commands, finish};

mod adapt_cmd;
mod bench_cmd;
mod classify_cmd;
mod finetune_cmd;
mod model_setup;
mod run_cmd;
mod speed_cmd;
mod tagger_cmd;
mod train_cmd;

fn main() -> ExitCode {
    // MKL's strict conditional numerical reproducibility: matrix products give the same bits
    // whatever the thread count (without it, on a Xeon with AMX, --threads 1 and 2 gave
    // probabilities differing in the fourth decimal for 6 of 280 sentences). Set before libtorch
    // starts, only when the user has not chosen a mode; speed measured the same.
    if std::env::var_os("MKL_CBWR").is_none() {
        // SAFETY: the first statement of main, before any other thread exists.
        unsafe { std::env::set_var("MKL_CBWR", "AUTO,STRICT") };
    }
    let cli = Cli::parse();
    finish(match cli.command {
        Command::Segment(a) => commands::segment(a),
        Command::Attribute(a) if !a.tagger.is_empty() => tagger_cmd::attribute(a),
        Command::Attribute(a) => commands::attribute(a),
        Command::TrainTagger(a) => tagger_cmd::train(a),
        Command::Merge(a) => commands::merge(a),
        Command::Report(a) => commands::report(a),
        Command::Speakers(a) => commands::speakers(a),
        Command::Sample(a) => standpoint_cli::validate_cmd::sample(a),
        Command::Estimate(a) => standpoint_cli::validate_cmd::estimate(a),
        Command::Label(a) => standpoint_cli::validate_cmd::label(a),
        Command::Classify(a) => classify_cmd::run(a),
        Command::Train(a) => train_cmd::run(a),
        Command::Finetune(a) => finetune_cmd::run(a),
        Command::Speed(a) => speed_cmd::run(a),
        Command::Run(a) => run_cmd::run(a),
        Command::Bench(a) => bench_cmd::run(a),
        Command::BenchWorker(a) => bench_cmd::worker(a),
    })
}
