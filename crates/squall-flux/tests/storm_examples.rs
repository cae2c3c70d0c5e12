//! Storm's own Flux files (as docs/storm-interfaces.md §2.8 and §2.11 describe them) load unchanged
//! with the built-in registry, with the shape Storm gives them.

use std::path::{Path, PathBuf};

use squall_api::{ComponentKind, Value};
use squall_flux::{FluxTopology, LoadOptions, Registry, load_file};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/flux/storm").join(name)
}

fn load_with(name: &str, options: &LoadOptions) -> FluxTopology {
    load_file(&fixture(name), options, &Registry::with_builtins()).unwrap_or_else(|e| panic!("{e}"))
}

fn load(name: &str) -> FluxTopology {
    load_with(name, &LoadOptions::default())
}

/// Each component as `id kind parallelism/tasks`, and each subscription as `from:stream grouping`.
fn shape(t: &FluxTopology) -> Vec<String> {
    t.topology
        .components()
        .map(|c| {
            let kind = if c.is_spout() { "spout" } else { "bolt" };
            let inputs: Vec<String> =
                c.inputs.iter().map(|s| format!("{} {}", s.source, s.grouping)).collect();
            let tasks = c.num_tasks.map_or(String::new(), |n| format!("/{n}"));
            format!("{} {kind} {}{tasks} [{}]", c.id, c.parallelism, inputs.join("; "))
        })
        .collect()
}

fn outputs(t: &FluxTopology, id: &str) -> Vec<String> {
    let c = t.topology.component(id).expect("component");
    c.outputs.iter().map(|s| format!("{}{}", s.id, s.fields)).collect()
}

#[test]
fn simple_wordcount() {
    let t = load("simple_wordcount.yaml");
    assert_eq!(t.name, "yaml-topology");
    assert_eq!(t.config.workers(), 1);
    assert_eq!(
        shape(&t),
        vec![
            "bolt-1 bolt 1 [spout-1:default fields[word]]",
            "bolt-2 bolt 1 [bolt-1:default shuffle]",
            "spout-1 spout 1 []",
        ]
    );
    assert_eq!(outputs(&t, "spout-1"), vec!["default[word]"]);
    assert_eq!(outputs(&t, "bolt-1"), vec!["default[word, count]"]);
    assert!(outputs(&t, "bolt-2").is_empty());
    assert!(t.warnings.is_empty(), "{:?}", t.warnings);
    assert_eq!(
        t.describe(),
        "---------- TOPOLOGY DETAILS ----------\n\
         Topology Name: yaml-topology\n\
         --------------- SPOUTS ---------------\n\
         spout-1 [1] (org.apache.storm.testing.TestWordSpout), 1 task\n\
         ---------------- BOLTS ---------------\n\
         bolt-1 [1] (org.apache.storm.testing.TestWordCounter), 1 task\n\
         bolt-2 [1] (org.apache.storm.flux.wrappers.bolts.LogInfoBolt), 1 task\n\
         --------------- STREAMS ---------------\n\
         spout-1 --FIELDS--> bolt-1 (fields: [word])\n\
         bolt-1 --SHUFFLE--> bolt-2\n\
         --------------- CONFIG ---------------\n\
         topology.workers: 1\n\
         --------------------------------------\n"
    );
}

#[test]
fn multilang() {
    let t = load("multilang.yaml");
    assert_eq!(t.name, "shell-topology");
    assert_eq!(
        shape(&t),
        vec![
            "count bolt 1 [splitsentence:default fields[word]]",
            "log bolt 1 [count:default shuffle]",
            "sentence-spout spout 1 []",
            "splitsentence bolt 1 [sentence-spout:default shuffle]",
        ]
    );
    assert_eq!(outputs(&t, "sentence-spout"), vec!["default[word]"]);
    assert_eq!(outputs(&t, "splitsentence"), vec!["default[word]"]);
    assert!(matches!(t.topology.component("splitsentence").unwrap().kind, ComponentKind::Bolt(_)));
    assert_eq!(t.resources_dir, fixture(""), "shell children run next to the Flux file");
}

#[test]
fn tck() {
    let t = load("configs/tck.yaml");
    assert_eq!(
        shape(&t),
        vec![
            "bolt-1 bolt 1/100 [spout-1:default fields[word]]",
            "bolt-2 bolt 1 [bolt-1:default custom(org.apache.storm.testing.NGrouping)]",
            "spout-1 spout 1/5 []",
        ]
    );
}

#[test]
fn shell_components_with_component_config() {
    let t = load("configs/shell_test.yaml");
    for id in ["sentence-spout", "splitsentence"] {
        let config = &t.topology.component(id).unwrap().config;
        assert_eq!(config.get_str("rabbitmq.configfile"), Some("etc/rabbit.yml"), "{id}");
        assert_eq!(
            config.get_own("publisher.data_paths"),
            Some(&Value::list(vec!["actions".into()])),
            "{id}"
        );
    }
}

#[test]
fn substitution_from_properties_and_environment() {
    let options = LoadOptions { properties_file: Some(fixture("configs/test.properties")), env_filter: true };
    let t = load_with("configs/substitution-test.yaml", &options);
    assert_eq!(t.name, "substitution-topology");
    assert_eq!(t.config.get_str("test.env.value"), std::env::var("PATH").ok().as_deref());
    assert_eq!(t.config.get_own("list.property.target"), Some(&Value::list(vec!["A string list".into()])));
    assert_eq!(t.config.get_str("list.element.property.target"), Some("A string list"));
}

#[test]
fn include_of_a_resource_without_override() {
    let t = load("configs/include_test.yaml");
    assert_eq!(t.name, "include-topology", "override: false keeps the including file's name");
    assert_eq!(t.topology.components().count(), 4);
    assert_eq!(t.config.workers(), 1);
    assert_eq!(t.streams.len(), 3);
}

#[test]
fn component_config_blocks() {
    let t = load("configs/component-config-test.yaml");
    let spout = &t.topology.component("spout-1").unwrap().config;
    let bolt = &t.topology.component("bolt-1").unwrap().config;
    assert_eq!(spout.get_bool("topology.tuple.compression.enable"), Some(true));
    assert_eq!(bolt.get_bool("topology.tuple.compression.enable"), Some(false));
    let warnings: Vec<&str> = t.warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(
        warnings,
        vec![
            "unknown config key 'topology.tuple.compression.enable' (misspelt? squall ignores it)",
            "unknown config key 'topology.tuple.compression.enable' (misspelt? squall ignores it)"
        ]
    );
}

#[test]
fn the_docs_shell_example() {
    let t = load("shell_words.yaml");
    assert_eq!(outputs(&t, "split"), vec!["default[word]", "rejects[line, reason]"]);
    let split = t.topology.component("split").unwrap();
    assert_eq!(split.parallelism, 3);
    assert_eq!(split.config.tick_tuple_freq_secs(), Some(5));
}

#[test]
fn a_streamparse_generated_file() {
    let t = load("streamparse.yaml");
    assert_eq!(
        shape(&t),
        vec![
            "count_bolt bolt 4 [word_spout:default fields[word]]",
            "sink_bolt bolt 1 [count_bolt:errors shuffle]",
            "word_spout spout 2 []",
        ]
    );
    assert_eq!(outputs(&t, "count_bolt"), vec!["default[word, count]", "errors[error, n]"]);
    assert_eq!(outputs(&t, "sink_bolt"), vec!["default[NONE_BUT_FLUX_WANTS_SOMETHING_HERE]"]);
    assert_eq!(t.config.max_spout_pending(), Some(5000));
    assert_eq!(t.topology.component("count_bolt").unwrap().config.tick_tuple_freq_secs(), Some(5));
}

#[test]
fn simple_windowing() {
    let t = load("simple_windowing.yaml");
    assert_eq!(t.name, "sliding-window-topology");
    assert_eq!(
        shape(&t),
        vec![
            "bolt-1 bolt 1 [spout-1:default fields[word]]",
            "bolt-2 bolt 1 [bolt-1:default shuffle]",
            "spout-1 spout 1 []"
        ]
    );
    assert_eq!(outputs(&t, "bolt-1"), vec!["default[count]"]);
    let config = &t.topology.component("bolt-1").unwrap().config;
    let options = squall_window::WindowOptions::from_config(config).unwrap();
    assert_eq!(options.length(), Some(squall_window::Length::Count(5)));
    assert_eq!(options.slide(), Some(squall_window::Length::Count(3)));
}

#[test]
fn time_windows_from_durations() {
    let t = load("time_windowing.yaml");
    assert_eq!(outputs(&t, "window"), vec!["late[late_tuple]", "default[count]"]);
    let config = &t.topology.component("window").unwrap().config;
    let options = squall_window::WindowOptions::from_config(config).unwrap();
    assert_eq!(options.length(), Some(squall_window::Length::secs(10)));
    assert_eq!(outputs(&t, "count"), vec!["default[word, count]"]);
}
