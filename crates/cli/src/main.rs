//! The `standpoint` binary: argument parsing, the model-free commands, exit codes. It links no
//! model runtime, so it starts in milliseconds; the commands that load a model (`run`,
//! `classify`, `bench`, `train`, `finetune`, `speed`, `train-tagger`, `attribute --tagger`) are handed to `standpoint-model`, the
//! binary beside it that links libtorch, with the same arguments.

use std::process::ExitCode;

use clap::Parser;
use standpoint_cli::args::{Cli, Command};
use standpoint_cli::{commands, finish};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Segment(a) => finish(commands::segment(a)),
        Command::Attribute(a) if a.tagger.is_empty() => finish(commands::attribute(a)),
        Command::Merge(a) => finish(commands::merge(a)),
        Command::Report(a) => finish(commands::report(a)),
        Command::Speakers(a) => finish(commands::speakers(a)),
        Command::Sample(a) => finish(standpoint_cli::validate_cmd::sample(a)),
        Command::Estimate(a) => finish(standpoint_cli::validate_cmd::estimate(a)),
        Command::Label(a) => finish(standpoint_cli::validate_cmd::label(a)),
        _ => finish(hand_over()),
    }
}

/// Runs `standpoint-model` from this executable's folder with this process's arguments, and
/// exits as it does (on Unix the process is replaced, so signals and exit codes are its own).
fn hand_over() -> anyhow::Result<standpoint_cli::Outcome> {
    use anyhow::Context;
    let exe = std::env::current_exe().context("finding the standpoint executable")?;
    let name = format!("standpoint-model{}", std::env::consts::EXE_SUFFIX);
    let model_exe = exe.with_file_name(&name);
    if !model_exe.exists() {
        anyhow::bail!(
            "this command loads a model and needs {name} beside {} (build both with \
             `cargo build --release -p standpoint-cli`, or install with \
             `cargo install --path crates/cli`)",
            exe.display()
        );
    }
    let mut cmd = std::process::Command::new(&model_exe);
    cmd.args(std::env::args_os().skip(1));
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let err = cmd.exec();
        Err(err).with_context(|| format!("starting {}", model_exe.display()))
    }
    #[cfg(not(unix))]
    {
        let status = cmd
            .status()
            .with_context(|| format!("starting {}", model_exe.display()))?;
        std::process::exit(status.code().unwrap_or(2));
    }
}
