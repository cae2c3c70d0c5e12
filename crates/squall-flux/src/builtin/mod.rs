//! The classes [`Registry::with_builtins`](crate::Registry::with_builtins) registers: native
//! stand-ins for the Java classes Storm's Flux examples name, and squall's own file spout and sink.
//!
//! | class name | kind | what |
//! |---|---|---|
//! | [`TEST_WORD_SPOUT`] | spout | [`TestWordSpout`]: random words, field `word` |
//! | [`TEST_WORD_COUNTER`] | bolt | [`TestWordCounter`]: `[word, count]` |
//! | [`LOG_INFO_BOLT`] | bolt | [`LogInfoBolt`]: logs each tuple at INFO |
//! | [`FILE_LINE_SPOUT`] | spout | [`FileLineSpout`]: the lines of a file, reliably |
//! | [`JSON_LINES_FILE_BOLT`] | bolt | [`JsonLinesFileBolt`]: one JSON object per tuple and line |
//! | [`N_GROUPING`] | custom grouping | [`NGrouping`]: the N lowest tasks |
//! | [`PARTIAL_KEY_GROUPING`] | custom grouping | squall's partial-key grouping |
//! | [`FIELDS`] | component | a [`Fields`](squall_api::Fields) list for `ref`s |
//! | [`FLUX_SHELL_SPOUT`] | spout | a multilang spout (`squall_multilang::ShellSpout`) |
//! | [`FLUX_SHELL_BOLT`] | bolt | a multilang bolt (`squall_multilang::ShellBolt`) |
//! | [`WORD_COUNTER`] | bolt | [`WordCounter`]: `[word, 1]` |
//! | [`TEST_PRINT_BOLT`] | bolt | [`TestPrintBolt`]: prints each tuple to stdout |
//! | [`TEST_WINDOW_BOLT`] | bolt | [`TestWindowBolt`]: the size of each window |
//! | [`WINDOW_COUNT`], [`WINDOW_DURATION`] | component | window lengths for `withWindow` |
//!
//! The shell wrappers take Storm's constructor arguments and configuration methods (see
//! [`shell`]), the windowed bolt those of Storm's `BaseWindowedBolt` (see [`windows`]).
//! Storm's `StatefulWordCounter` is not here: it needs keyed state, which squall does not have yet.

mod file_line_spout;
mod groupings;
mod json_lines_file_bolt;
mod log_info_bolt;
pub mod shell;
mod test_print_bolt;
mod test_word_counter;
mod test_word_spout;
pub mod windows;
mod word_counter;

pub use file_line_spout::FileLineSpout;
pub use groupings::NGrouping;
pub use json_lines_file_bolt::JsonLinesFileBolt;
pub use log_info_bolt::LogInfoBolt;
pub use test_print_bolt::TestPrintBolt;
pub use test_word_counter::TestWordCounter;
pub use test_word_spout::{EMIT_INTERVAL_MS, TestWordSpout, WORDS};
pub use windows::TestWindowBolt;
pub use word_counter::WordCounter;

use crate::Registry;

/// `org.apache.storm.testing.TestWordSpout`.
pub const TEST_WORD_SPOUT: &str = "org.apache.storm.testing.TestWordSpout";
/// `org.apache.storm.testing.TestWordCounter`.
pub const TEST_WORD_COUNTER: &str = "org.apache.storm.testing.TestWordCounter";
/// `org.apache.storm.flux.wrappers.bolts.LogInfoBolt`.
pub const LOG_INFO_BOLT: &str = "org.apache.storm.flux.wrappers.bolts.LogInfoBolt";
/// `squall.spouts.FileLineSpout`.
pub const FILE_LINE_SPOUT: &str = "squall.spouts.FileLineSpout";
/// `squall.bolts.JsonLinesFileBolt`.
pub const JSON_LINES_FILE_BOLT: &str = "squall.bolts.JsonLinesFileBolt";
/// `org.apache.storm.testing.NGrouping`.
pub const N_GROUPING: &str = "org.apache.storm.testing.NGrouping";
/// `org.apache.storm.grouping.PartialKeyGrouping`.
pub const PARTIAL_KEY_GROUPING: &str = "org.apache.storm.grouping.PartialKeyGrouping";
/// `org.apache.storm.tuple.Fields`.
pub const FIELDS: &str = "org.apache.storm.tuple.Fields";

/// `org.apache.storm.flux.wrappers.spouts.FluxShellSpout`.
pub const FLUX_SHELL_SPOUT: &str = "org.apache.storm.flux.wrappers.spouts.FluxShellSpout";
/// `org.apache.storm.flux.wrappers.bolts.FluxShellBolt`.
pub const FLUX_SHELL_BOLT: &str = "org.apache.storm.flux.wrappers.bolts.FluxShellBolt";

/// `org.apache.storm.flux.examples.WordCounter`.
pub const WORD_COUNTER: &str = "org.apache.storm.flux.examples.WordCounter";
/// `org.apache.storm.flux.examples.TestPrintBolt`.
pub const TEST_PRINT_BOLT: &str = "org.apache.storm.flux.examples.TestPrintBolt";
/// `org.apache.storm.flux.examples.TestWindowBolt`.
pub const TEST_WINDOW_BOLT: &str = "org.apache.storm.flux.examples.TestWindowBolt";
/// `org.apache.storm.topology.base.BaseWindowedBolt$Count`.
pub const WINDOW_COUNT: &str = "org.apache.storm.topology.base.BaseWindowedBolt$Count";
/// `org.apache.storm.topology.base.BaseWindowedBolt$Duration`.
pub const WINDOW_DURATION: &str = "org.apache.storm.topology.base.BaseWindowedBolt$Duration";

/// Registers every built-in class.
pub(crate) fn register(registry: &mut Registry) {
    registry
        .register_spout(TEST_WORD_SPOUT, test_word_spout::factory)
        .register_bolt(TEST_WORD_COUNTER, test_word_counter::factory)
        .register_bolt(LOG_INFO_BOLT, log_info_bolt::factory)
        .register_spout(FILE_LINE_SPOUT, file_line_spout::factory)
        .register_bolt(JSON_LINES_FILE_BOLT, json_lines_file_bolt::factory)
        .register_grouping(N_GROUPING, groupings::n_grouping)
        .register_grouping_rule(PARTIAL_KEY_GROUPING, groupings::partial_key)
        .register_object(FIELDS, groupings::fields)
        .register_spout(FLUX_SHELL_SPOUT, shell::spout)
        .register_bolt(FLUX_SHELL_BOLT, shell::bolt)
        .register_bolt(WORD_COUNTER, word_counter::factory)
        .register_bolt(TEST_PRINT_BOLT, test_print_bolt::factory)
        .register_bolt(TEST_WINDOW_BOLT, windows::test_window_bolt)
        .register_object(WINDOW_COUNT, windows::count)
        .register_object(WINDOW_DURATION, windows::duration);
}
