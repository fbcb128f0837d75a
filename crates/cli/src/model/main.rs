//! `standpoint-model`: the commands that load a stance model (`run`, `classify`, `bench`,
//! `train`, `finetune`, `speed`), linked with libtorch. `standpoint` hands these commands over
//! to it; it also runs every other command itself, so it can be used directly.

use std::process::ExitCode;

#[macro_use]
extern crate standpoint_cli;

use clap::Parser;
use standpoint_cli::args::{Cli, Command};
use standpoint_cli::{commands, finish};

mod bench_cmd;
mod classify_cmd;
mod finetune_cmd;
mod model_setup;
mod run_cmd;
mod speed_cmd;
mod tagger_cmd;
mod train_cmd;

fn main() -> ExitCode {
    let cli = Cli::parse();
    finish(match cli.command {
        Command::Segment(a) => commands::segment(a),
        Command::Attribute(a) if !a.tagger.is_empty() => tagger_cmd::attribute(a),
        Command::Attribute(a) => commands::attribute(a),
        Command::TrainTagger(a) => tagger_cmd::train(a),
        Command::Merge(a) => commands::merge(a),
        Command::Report(a) => commands::report(a),
        Command::Classify(a) => classify_cmd::run(a),
        Command::Train(a) => train_cmd::run(a),
        Command::Finetune(a) => finetune_cmd::run(a),
        Command::Speed(a) => speed_cmd::run(a),
        Command::Run(a) => run_cmd::run(a),
        Command::Bench(a) => bench_cmd::run(a),
        Command::BenchWorker(a) => bench_cmd::worker(a),
    })
}
