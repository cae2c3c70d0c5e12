//! The loader never panics, whatever text it is given, and every error it returns points at a
//! position in the file: arbitrary text, mutations of valid Flux files, and hostile YAML (deep
//! nesting, alias bombs).

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use squall_flux::{FluxError, LoadOptions, Registry, load_str};

const CORPUS: &[&str] = &[
    include_str!("flux/storm/simple_wordcount.yaml"),
    include_str!("flux/storm/multilang.yaml"),
    include_str!("flux/storm/configs/tck.yaml"),
    include_str!("flux/storm/configs/shell_test.yaml"),
    include_str!("flux/storm/streamparse.yaml"),
    include_str!("flux/groupings.yaml"),
    include_str!("flux/includes/main.yaml"),
    include_str!("flux/substitution.yaml"),
];

/// Where the text pretends to live: a directory without Flux files, so includes do not resolve.
fn origin() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("squall-flux-never-panics").join("topology.yaml")
}

/// Loads `text`; on error, checks that each error names the file and a position inside the text.
fn check(text: &str) -> Result<(), TestCaseError> {
    let path = origin();
    let registry = Registry::with_builtins();
    for env_filter in [false, true] {
        let options = LoadOptions { properties_file: None, env_filter };
        if let Err(e) = load_str(text, &path, &options, &registry) {
            check_error(&e, text, &path)?;
        }
    }
    Ok(())
}

fn check_error(e: &FluxError, text: &str, path: &Path) -> Result<(), TestCaseError> {
    // Lines end at \n, \r\n or a lone \r, as YAML counts them.
    let lines = u32::try_from(text.replace("\r\n", "\n").split(['\n', '\r']).count()).unwrap_or(u32::MAX);
    for one in e.errors() {
        prop_assert_eq!(one.file(), Some(path), "error without the file: {}", one);
        let (line, column) =
            one.position().ok_or_else(|| TestCaseError::fail(format!("no position: {one}")))?;
        prop_assert!(line >= 1 && column >= 1, "{}", one);
        prop_assert!(line <= lines, "line {} of {}: {}", line, lines, one);
        prop_assert!(!one.to_string().is_empty());
    }
    Ok(())
}

/// One edit of a text: delete, insert or replace a span, or duplicate or drop a line.
#[derive(Debug, Clone)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, String),
    Replace(usize, usize, String),
    DuplicateLine(usize),
    DropLine(usize),
}

fn snippet() -> impl Strategy<Value = String> {
    prop_oneof![
        "[-:\\[\\]{},#&*!|>'\" \\n\\r\\t$]{1,4}",
        Just("${".to_owned()),
        Just("${ENV-HOME}".to_owned()),
        Just("${x[1]}".to_owned()),
        Just("ref: a".to_owned()),
        Just("{ref: spout-1}".to_owned()),
        Just("reflist: [a, b]".to_owned()),
        Just("type: CUSTOM".to_owned()),
        Just("type: DIRECT".to_owned()),
        Just("type: PARTIAL_KEY".to_owned()),
        Just("streamId: nope".to_owned()),
        Just("numTasks: 0".to_owned()),
        Just("parallelism: -1".to_owned()),
        Just("parallelism: 99999999999999999999".to_owned()),
        Just("constructorArgs: [[], {}, ~]".to_owned()),
        Just("configMethods: [{name: setNamedStream, args: [x, [y]]}]".to_owned()),
        Just("includes: [{file: nowhere.yaml}]".to_owned()),
        Just("topologySource: {className: x}".to_owned()),
        Just("\n  - id: \"spout-1\"\n".to_owned()),
        Just("<<: *a".to_owned()),
        Just("&a ".to_owned()),
        Just("\u{feff}é\u{0}".to_owned()),
        any::<String>(),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 0usize..40).prop_map(|(a, n)| Edit::Delete(a, n)),
        (any::<usize>(), snippet()).prop_map(|(a, s)| Edit::Insert(a, s)),
        (any::<usize>(), 0usize..20, snippet()).prop_map(|(a, n, s)| Edit::Replace(a, n, s)),
        any::<usize>().prop_map(Edit::DuplicateLine),
        any::<usize>().prop_map(Edit::DropLine),
    ]
}

fn char_boundary(text: &str, at: usize) -> usize {
    let mut at = at % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(text: &str, edit: &Edit) -> String {
    let mut out = text.to_owned();
    match edit {
        Edit::Delete(at, n) => {
            let a = char_boundary(&out, *at);
            let b = char_boundary(&out, (a + n).min(out.len()));
            out.replace_range(a..b.max(a), "");
        }
        Edit::Insert(at, s) => {
            let a = char_boundary(&out, *at);
            out.insert_str(a, s);
        }
        Edit::Replace(at, n, s) => {
            let a = char_boundary(&out, *at);
            let b = char_boundary(&out, (a + n).min(out.len()));
            out.replace_range(a..b.max(a), s);
        }
        Edit::DuplicateLine(i) | Edit::DropLine(i) => {
            let mut lines: Vec<&str> = text.split('\n').collect();
            let i = i % lines.len();
            if matches!(edit, Edit::DuplicateLine(_)) {
                lines.insert(i, lines[i]);
            } else {
                lines.remove(i);
            }
            out = lines.join("\n");
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        check(&text)?;
    }

    #[test]
    fn yaml_looking_text_never_panics(text in "[-a-zA-Z: \\n\\r\\[\\]{},\"'#&*!|>.$0-9]{0,200}") {
        check(&text)?;
    }

    #[test]
    fn mutated_flux_files_never_panic(index in 0..CORPUS.len(), edits in prop::collection::vec(edit(), 1..6)) {
        let mut text = CORPUS[index].to_owned();
        for e in &edits {
            text = apply(&text, e);
        }
        check(&text)?;
    }
}

#[test]
fn the_corpus_loads_or_fails_cleanly() {
    for text in CORPUS {
        check(text).unwrap();
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for text in
        ["[".repeat(100_000), "{a: ".repeat(50_000), format!("name: x\nconfig:\n  k: {}", "[".repeat(10_000))]
    {
        let e = load_str(&text, &origin(), &LoadOptions::default(), &Registry::with_builtins()).unwrap_err();
        assert!(e.to_string().contains("YAML syntax error"), "{e}");
    }
}

#[test]
fn alias_bombs_are_refused() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let e = load_str(&text, &origin(), &LoadOptions::default(), &Registry::with_builtins()).unwrap_err();
    assert!(e.to_string().contains("YAML syntax error"), "{e}");
}

/// Found by the fuzzer: lone carriage returns are line breaks to YAML, so they must be to the
/// position mapping too.
#[test]
fn lone_carriage_returns_keep_positions_right() {
    let text = "name: \"x\"\rspouts:\r  - id: \"a\"\r    className: [\r\r\r";
    check(text).unwrap();
    let e = load_str(text, &origin(), &LoadOptions::default(), &Registry::with_builtins()).unwrap_err();
    assert_eq!(e.position(), Some((4, 16)), "{e}");
}
