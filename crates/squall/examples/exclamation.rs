//! Storm's exclamation topology: words, then two bolts that each append "!!!".
//!
//! `cargo run -p squall --example exclamation`
#![allow(clippy::print_stdout, reason = "an example prints its result")]

use squall::prelude::*;
use squall::testing::{MockedSources, complete_topology};

struct ExclamationBolt;
impl BasicBolt for ExclamationBolt {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["word"]);
    }
    fn execute(&mut self, t: &Tuple, out: &mut BasicCollector<'_, '_>) -> Result<(), Failed> {
        let word = t.get_str(0).ok_or_else(|| Failed::new("expected a word"))?;
        out.emit(values![format!("{word}!!!")]);
        Ok(())
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = TopologyBuilder::new();
    builder.set_spout("word", 1, || squall::testing::FixedTupleSpout::new(["word"], vec![]));
    builder.set_basic_bolt("exclaim1", 3, || ExclamationBolt).shuffle_grouping("word");
    builder.set_basic_bolt("exclaim2", 2, || ExclamationBolt).shuffle_grouping("exclaim1");
    let words = ["nathan", "mike", "jackson", "golda", "bertels"];
    let mocked = MockedSources::new().with("word", words.iter().map(|w| values![*w]).collect());
    let result = complete_topology(builder.build()?, &Config::new(), mocked)?;
    let mut out: Vec<String> =
        result.emitted("exclaim2", "default").iter().map(|v| v[0].to_string()).collect();
    out.sort();
    for w in &out {
        println!("{w}");
    }
    let mut expected: Vec<String> = words.iter().map(|w| format!("{w}!!!!!!")).collect();
    expected.sort();
    if out != expected {
        return Err(format!("expected {expected:?}, got {out:?}").into());
    }
    println!("{}", result.stats.table());
    Ok(())
}
