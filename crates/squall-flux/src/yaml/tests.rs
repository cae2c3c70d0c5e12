use super::*;
use crate::substitute::{Sources, substitute};

fn tree(text: &str) -> Result<Node, YamlError> {
    let sources = Sources { properties: None, env: false, env_lookup: &|_| None };
    let s = substitute(text, &sources).map_err(|_| ()).expect("no placeholders");
    parse(&s)
}

#[test]
fn scalars_follow_snakeyaml() {
    let node = tree("a: yes\nb: \"yes\"\nc: y\nd: n\ne: Off\nf: 0x1F\ng: ~\nh: 1.5\ni: true\n").unwrap();
    let Kind::Map(entries) = &node.kind else { panic!("map") };
    let got: Vec<String> =
        entries.iter().map(|(k, v)| format!("{}={}", k.key_text(), v.describe())).collect();
    assert_eq!(
        got,
        vec![
            "a=boolean true",
            "b=string 'yes'",
            "c=string 'y'",
            "d=string 'n'",
            "e=boolean false",
            "f=integer 31",
            "g=null",
            "h=number 1.5",
            "i=boolean true"
        ]
    );
    assert_eq!(entries[5].1.scalar_text().as_deref(), Some("0x1F"));
    assert_eq!(entries[0].1.scalar_text().as_deref(), Some("yes"));
}

#[test]
fn positions_are_one_based_lines_and_columns() {
    let node = tree("---\n# comment\nspouts:\n  - id: \"s\"\n    args: [a, b]\n").unwrap();
    let Kind::Map(top) = &node.kind else { panic!("map") };
    let (key, spouts) = &top[0];
    assert_eq!((key.line, key.column), (3, 1));
    let Kind::Seq(items) = &spouts.kind else { panic!("seq") };
    let Kind::Map(fields) = &items[0].kind else { panic!("map") };
    assert_eq!((fields[0].1.line, fields[0].1.column), (4, 9));
    let Kind::Seq(args) = &fields[1].1.kind else { panic!("seq") };
    assert_eq!((args[1].line, args[1].column), (5, 15));
}

#[test]
fn syntax_errors_carry_a_position_and_no_snippet() {
    let e = tree("name: x\nspouts:\n  - id: [a, b\n").unwrap_err();
    assert_eq!((e.line, e.column), (3, 9));
    assert!(!e.message.contains('\n'), "{}", e.message);
    assert!(!e.message.contains("line"), "{}", e.message);
}

#[test]
fn empty_documents_are_null() {
    assert!(matches!(tree("").unwrap().kind, Kind::Null));
    assert!(matches!(tree("# only a comment\n---\n").unwrap().kind, Kind::Null));
}

#[test]
fn duplicate_keys_reach_the_walker() {
    let node = tree("a: 1\na: 2\n").unwrap();
    let Kind::Map(entries) = &node.kind else { panic!("map") };
    assert_eq!(entries.len(), 2);
}

#[test]
fn values_convert() {
    let node = tree("{a: [1, x, 2.5, null], b: {c: true}}").unwrap();
    assert_eq!(node.to_value().to_string(), "{a: [1, x, 2.5, null], b: {c: true}}");
}
