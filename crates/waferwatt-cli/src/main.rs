//! `waferwatt`: the command line, a thin face over the waferwatt library. Problems with input
//! exit with code 2, a failed check (`data check`, `validate`) with 1.

use std::process::ExitCode;

use clap::Parser;
use waferwatt_cli::{Cli, Failure};

fn main() -> ExitCode {
    match waferwatt_cli::run(Cli::parse()) {
        Ok(text) => emit(&text, ExitCode::SUCCESS),
        Err(Failure::Input(diags)) => {
            eprintln!("{diags}");
            ExitCode::from(2)
        }
        Err(Failure::Check { stdout, stderr }) => {
            eprint!("{stderr}");
            emit(&stdout, ExitCode::from(1))
        }
    }
}

/// Writes the answer to standard output. A reader that stops reading (`waferwatt report |
/// head`) is no failure: the rest is dropped quietly, never a panic; any other write error is
/// said on standard error.
fn emit(text: &str, code: ExitCode) -> ExitCode {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => code,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => code,
        Err(e) => {
            eprintln!("error: cannot write the answer to standard output: {e}");
            ExitCode::from(1)
        }
    }
}
