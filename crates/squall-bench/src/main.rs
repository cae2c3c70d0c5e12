//! `squall-bench`: squall's benchmark binary. Named workloads (Storm-perf's const-null and
//! const-id-null, word count, the Yahoo Streaming Benchmark query, complete latency at a fixed
//! rate, the raw-queue reference, start-up and memory), each printing a human table line and one
//! JSON line per result; `smoke` runs them all small with their correctness checks, `summary`
//! turns a results file into the ratios BENCHMARKS.md cites. `bench/compare.sh` runs the lot
//! against the peer engines.
//!
//! ```text
//! squall-bench const-null -p 1,2 --grouping shuffle,local-or-shuffle --acking off,on --reps 3
//! squall-bench word-count -p 1 --records 5000000
//! squall-bench latency --sweep --plot bench/results/latency.svg
//! squall-bench smoke
//! ```

// A command-line tool: printing is its interface.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod cli;
mod measure;
mod plot;
mod report;
mod smoke;
mod summary;
mod workloads;

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("squall-bench: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}
