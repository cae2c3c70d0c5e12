//! Flux files load as Storm reads them: every grouping type, includes with and without override,
//! property and environment substitution, per-component config, references.

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use squall_api::{OutputDeclarer, Spout, SpoutCollector, SpoutFactory, Value, config};
use squall_flux::model::GroupingType;
use squall_flux::{FluxTopology, LoadOptions, ObjectSpec, Registry, load_file, load_str, parse_file};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/flux").join(name)
}

/// A spout with a default stream, a second stream and a direct stream.
struct ThreeStreamSpout;
impl Spout for ThreeStreamSpout {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["word"]);
        d.declare_stream("pairs", ["left", "right"]);
        d.declare_direct_stream("direct", ["x"]);
    }
    fn next_tuple(&mut self, _c: &mut SpoutCollector<'_>) {}
}

fn registry() -> Registry {
    let mut r = Registry::with_builtins();
    r.register_spout("test.ThreeStreamSpout", |spec: &ObjectSpec| {
        spec.expect_constructor_only()?;
        let f: SpoutFactory = Arc::new(|| Box::new(ThreeStreamSpout));
        Ok(f)
    });
    r
}

fn load(name: &str) -> FluxTopology {
    load_file(&fixture(name), &LoadOptions::default(), &registry()).unwrap_or_else(|e| panic!("{e}"))
}

fn inputs(t: &FluxTopology, bolt: &str) -> Vec<String> {
    t.topology
        .component(bolt)
        .expect("bolt in the topology")
        .inputs
        .iter()
        .map(|s| format!("{} {}", s.source, s.grouping))
        .collect()
}

#[test]
fn every_grouping_type_maps_to_its_squall_grouping() {
    let t = load("groupings.yaml");
    let expected = [
        ("b-all", "src:default all"),
        ("b-custom", "src:default custom(org.apache.storm.testing.NGrouping)"),
        ("b-direct", "src:direct direct"),
        ("b-shuffle", "src:default shuffle"),
        ("b-local", "src:default local-or-shuffle"),
        ("b-fields", "src:default fields[word]"),
        ("b-global", "src:default global"),
        ("b-none", "src:default none"),
        ("b-partial", "src:pairs partial-key[left, right]"),
        ("b-pkg-list", "src:pairs partial-key[right]"),
        ("b-pkg-ref", "src:pairs partial-key[left]"),
    ];
    for (bolt, grouping) in expected {
        assert_eq!(inputs(&t, bolt), vec![grouping], "{bolt}");
    }
    let types: Vec<GroupingType> = t.streams.iter().map(|s| s.grouping).collect();
    for ty in GroupingType::ALL {
        assert!(types.contains(&ty), "{ty} is exercised");
    }
    assert!(t.warnings.is_empty(), "{:?}", t.warnings);
}

#[test]
fn includes_merge_by_id_with_and_without_override() {
    let t = load("includes/main.yaml");
    assert_eq!(t.name, "overridden-name", "override: true replaces the name");
    assert_eq!(t.config.workers(), 3, "override: true replaces a config key");
    assert_eq!(t.config.get_str("shared.key"), Some("from main"), "override: false keeps main's key");
    assert_eq!(t.config.get_str("common.key"), Some("from common"), "new keys are added");
    let words = t.topology.component("words").unwrap();
    assert_eq!(words.parallelism, 4, "override: true replaces the spout");
    let count = t.components.iter().find(|c| c.id == "count").unwrap();
    assert_eq!(
        (count.class_name.as_str(), count.parallelism),
        ("org.apache.storm.testing.TestWordCounter", 1),
        "override: false keeps main's bolt"
    );
    let streams: Vec<String> = t.streams.iter().map(|s| format!("{}->{}", s.from, s.to)).collect();
    assert_eq!(streams, vec!["words->count", "count->log", "words->extra"], "included streams are appended");
    assert_eq!(inputs(&t, "extra"), vec!["words:default all"], "the resource include is found");
    let warnings: Vec<String> = t.warnings.iter().map(ToString::to_string).collect();
    let common = fixture("includes/common.yaml");
    let c = common.display();
    assert_eq!(
        warnings,
        vec![
            format!("{c}:7:5: includes[0]: includes of an included file are ignored (as in Storm)"),
            format!("{c}:2:7: name: 'name' from an include is ignored (the include has override: false)"),
            format!(
                "{c}:4:3: config.shared.key: config key 'shared.key' from an include is ignored (override: false)"
            ),
            format!("{c}:9:9: bolts[0].id: bolt 'count' from an include is ignored (override: false)"),
        ]
    );
}

#[test]
fn resource_includes_are_looked_up_in_parent_directories() {
    let t = load("includes/nested/deep.yaml");
    assert_eq!(inputs(&t, "extra"), vec!["words:default all"]);
}

#[test]
fn properties_and_environment_are_substituted_before_parsing() {
    let options = LoadOptions { properties_file: Some(fixture("substitution.properties")), env_filter: true };
    let t = load_file(&fixture("substitution.yaml"), &options, &registry()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(t.name, "substitution-topology");
    assert_eq!(t.config.workers(), 2, "an unquoted number stays a number");
    assert_eq!(t.config.get_str("test.env.value"), Some("squall-flux"));
    assert_eq!(
        t.config.get_own("list.property.target"),
        Some(&Value::list(vec!["A string list".into(), "second".into()])),
        "a property written as a list becomes a YAML list"
    );
    assert_eq!(t.config.get_str("list.element.property.target"), Some("second"));
    assert_eq!(t.components[1].class_name, "org.apache.storm.testing.TestWordCounter");
}

#[test]
fn env_placeholders_need_the_env_filter() {
    let options =
        LoadOptions { properties_file: Some(fixture("substitution.properties")), env_filter: false };
    let e = load_file(&fixture("substitution.yaml"), &options, &registry()).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}:4:20: cannot substitute '${{ENV-CARGO_PKG_NAME}}': environment substitution is off (use --env-filter)",
            fixture("substitution.yaml").display()
        )
    );
}

#[test]
fn a_missing_properties_file_is_reported() {
    let options = LoadOptions { properties_file: Some(fixture("nope.properties")), env_filter: false };
    let e = load_file(&fixture("substitution.yaml"), &options, &registry()).unwrap_err();
    assert!(
        e.to_string()
            .starts_with(&format!("{}: cannot read properties file: ", fixture("nope.properties").display()))
    );
}

const WITH_COMPONENT_CONFIG: &str = r#"
name: "component-config"
config:
  topology.workers: 1
  topology.max.spout.pending: 500
spouts:
  - id: "spout-1"
    className: "org.apache.storm.testing.TestWordSpout"
    constructorArgs: [false]
    parallelism: 1
    numTasks: -1
    onHeapMemoryLoad: 100
    offHeapMemoryLoad: 50.5
    cpuLoad: 100
    config:
      topology.max.spout.pending: 10
bolts:
  - id: "bolt-1"
    className: "org.apache.storm.testing.TestWordCounter"
    parallelism: 2
    numTasks: 6
    config:
      topology.tick.tuple.freq.secs: 5
      my.own.key: [1, 2]
  - id: "bolt-unused"
    className: "org.apache.storm.flux.wrappers.bolts.LogInfoBolt"
streams:
  - name: "spout-1 --> bolt-1"
    from: "spout-1"
    to: "bolt-1"
    grouping:
      type: SHUFFLE
"#;

#[test]
fn per_component_settings_reach_the_topology() {
    let t = load_str(WITH_COMPONENT_CONFIG, Path::new("cc.yaml"), &LoadOptions::default(), &registry())
        .unwrap_or_else(|e| panic!("{e}"));
    let spout = t.topology.component("spout-1").unwrap();
    assert_eq!(spout.num_tasks, None);
    assert_eq!(spout.config.max_spout_pending(), Some(10));
    assert_eq!(
        spout.config.get_i64(config::TOPOLOGY_MAX_TASK_PARALLELISM),
        Some(1),
        "the component's own config (TestWordSpout(false)) is kept"
    );
    let bolt = t.topology.component("bolt-1").unwrap();
    assert_eq!((bolt.parallelism, bolt.num_tasks), (2, Some(6)));
    assert_eq!(bolt.config.tick_tuple_freq_secs(), Some(5));
    assert_eq!(bolt.config.get_own("my.own.key"), Some(&Value::list(vec![Value::I64(1), Value::I64(2)])));
    assert!(
        t.topology.component("bolt-unused").is_none(),
        "a bolt no stream ends at is left out, as in Storm"
    );
    assert_eq!(
        t.warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
        vec![
            "cc.yaml:25:9: bolts[1].id: bolt 'bolt-unused' is left out of the topology: no stream ends at it (as in Storm)"
        ]
    );
    assert_eq!(
        t.describe(),
        "---------- TOPOLOGY DETAILS ----------\n\
         Topology Name: component-config\n\
         --------------- SPOUTS ---------------\n\
         spout-1 [1] (org.apache.storm.testing.TestWordSpout), 1 task\n\
         ---------------- BOLTS ---------------\n\
         bolt-1 [2] (org.apache.storm.testing.TestWordCounter), 6 tasks\n\
         bolt-unused [1] (org.apache.storm.flux.wrappers.bolts.LogInfoBolt), 1 task, not in the topology: no stream ends at it\n\
         --------------- STREAMS ---------------\n\
         spout-1 --SHUFFLE--> bolt-1\n\
         --------------- CONFIG ---------------\n\
         topology.max.spout.pending: 500\n\
         topology.workers: 1\n\
         --------------------------------------\n"
    );
}

#[test]
fn parse_file_gives_the_model_without_a_registry() {
    let doc = parse_file(&fixture("groupings.yaml"), &LoadOptions::default()).unwrap();
    assert_eq!(doc.def.bolts.len(), 11);
    let custom = &doc.def.streams[1].grouping;
    assert_eq!(custom.kind.value, GroupingType::Custom);
    let class = &custom.custom_class.as_ref().unwrap().class_name;
    assert_eq!(class.value, "org.apache.storm.testing.NGrouping");
    assert_eq!(
        (class.site.line, class.site.column, class.site.path.as_str()),
        (30, 20, "streams[1].grouping.customClass.className")
    );
    assert_eq!(doc.resources_dir, fixture(""));
}

#[test]
fn references_hand_components_to_factories_in_declaration_order() {
    let yaml = r#"
name: refs
components:
  - id: a
    className: org.apache.storm.tuple.Fields
    constructorArgs: [[x]]
  - id: b
    className: test.Holder
    constructorArgs: [{ref: a}, {reflist: [a, a]}, {ref: a, not: "a reference"}]
    properties:
      - {name: p, ref: a}
      - {name: q, value: 3}
    configMethods:
      - {name: m, args: [{ref: a}]}
spouts:
  - id: s
    className: org.apache.storm.testing.TestWordSpout
"#;
    let mut r = registry();
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let s = seen.clone();
    r.register_object("test.Holder", move |spec: &ObjectSpec| {
        let args: Vec<String> = spec.args.iter().map(|a| a.describe()).collect();
        let props: Vec<String> =
            spec.properties.iter().map(|p| format!("{}={}", p.name, p.value.describe())).collect();
        let methods: Vec<String> = spec
            .config_methods
            .iter()
            .map(|m| format!("{}({})", m.name, m.args.get(0).unwrap().describe()))
            .collect();
        let fields = spec.args.object::<squall_api::Fields>(0, "a Fields component")?;
        s.lock().unwrap().push(format!("{args:?} {props:?} {methods:?} {fields}"));
        Ok(Arc::new(()))
    });
    load_str(yaml, Path::new("refs.yaml"), &LoadOptions::default(), &r).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        seen.lock().unwrap().as_slice(),
        [
            "[\"a reference to component 'a' (org.apache.storm.tuple.Fields)\", \"a reference list\", \"a map\"] \
             [\"p=a reference to component 'a' (org.apache.storm.tuple.Fields)\", \"q=integer 3\"] \
             [\"m(a reference to component 'a' (org.apache.storm.tuple.Fields))\"] [x]"
        ]
    );
}
