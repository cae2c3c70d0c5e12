use super::*;

fn props() -> HashMap<String, String> {
    [
        ("topo.name", "clicks-dev"),
        ("hosts", "[\"h1:9092\", \"h2:9092\"]"),
        ("multi", "one\ntwo"),
        ("ENV-FAKE", "from-properties"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

fn env(name: &str) -> Option<String> {
    (name == "HOME").then(|| "/home/me".to_owned())
}

fn run(text: &str, with_props: bool, with_env: bool) -> Result<Substituted, Vec<Unresolved>> {
    let p = props();
    let sources = Sources { properties: with_props.then_some(&p), env: with_env, env_lookup: &env };
    substitute(text, &sources)
}

fn messages(e: Vec<Unresolved>) -> Vec<String> {
    e.into_iter().map(|u| format!("{}:{}: {}", u.line, u.column, u.error)).collect()
}

#[test]
fn the_doc_example_substitutes() {
    let text = "name: \"${topo.name}\"\nconfig:\n  kafka.first: ${hosts[0]}\n  kafka.all: ${hosts}\n  user.home: \"${ENV-HOME}\"\n";
    let s = run(text, true, true).map_err(messages).unwrap();
    assert_eq!(
        s.text,
        "name: \"clicks-dev\"\nconfig:\n  kafka.first: h1:9092\n  kafka.all: [\"h1:9092\", \"h2:9092\"]\n  user.home: \"/home/me\"\n"
    );
}

#[test]
fn every_occurrence_of_the_chosen_placeholder_is_replaced() {
    let s = run("a: ${topo.name}-${topo.name}", true, false).map_err(messages).unwrap();
    assert_eq!(s.text, "a: clicks-dev-clicks-dev");
}

#[test]
fn env_placeholders_read_properties_when_env_is_off() {
    let s = run("a: ${ENV-FAKE}", true, false).map_err(messages).unwrap();
    assert_eq!(s.text, "a: from-properties");
    let e = run("a: ${ENV-HOME}", true, false).map_err(messages).err().unwrap();
    assert_eq!(
        e,
        vec!["1:4: cannot substitute '${ENV-HOME}': environment substitution is off (use --env-filter)"]
    );
}

#[test]
fn unresolved_placeholders_are_errors_with_positions() {
    let text = "# ${nothing} in a comment is fine\nname: ${missing}\nx: ${hosts[5]}\ny: ${ENV-NOPE}\n";
    let e = run(text, true, true).map_err(messages).err().unwrap();
    assert_eq!(
        e,
        vec![
            "2:7: cannot substitute '${missing}': property 'missing' is not in the properties file",
            "3:4: cannot substitute '${hosts[5]}': property 'hosts' = [\"h1:9092\", \"h2:9092\"] has no element 5 (expected a list written like [\"a\", \"b\"])",
            "4:4: cannot substitute '${ENV-NOPE}': environment variable 'NOPE' is not set",
        ]
    );
    let e = run("name: ${topo.name}", false, true).map_err(messages).err().unwrap();
    assert_eq!(
        e,
        vec!["1:7: cannot substitute '${topo.name}': no properties file was given (use --filter FILE)"]
    );
}

#[test]
fn a_second_placeholder_on_a_line_is_an_error() {
    let e = run("a: ${topo.name} ${hosts}", true, false).map_err(messages).err().unwrap();
    assert_eq!(
        e,
        vec![
            "1:4: cannot substitute '${topo.name}': only one placeholder per line is substituted (as in Storm), and on this line it is '${hosts}'; put each placeholder on its own line"
        ]
    );
}

#[test]
fn lines_without_placeholders_are_untouched() {
    let text = "a: $notaplaceholder\nb: ${}\nc: ${unclosed\n";
    let s = run(text, false, false).map_err(messages).unwrap();
    assert_eq!(s.text, text);
}

#[test]
fn positions_map_back_to_the_original_text() {
    // "  all: ${hosts} # x" -> "  all: [\"h1:9092\", \"h2:9092\"] # x"
    let text = "name: a\n  all: ${hosts} # x\nz: ${multi}!\nlast: 1";
    let s = run(text, true, false).map_err(messages).unwrap();
    assert_eq!(s.text, "name: a\n  all: [\"h1:9092\", \"h2:9092\"] # x\nz: one\ntwo!\nlast: 1");
    assert_eq!(s.original(1, 3), (1, 3));
    assert_eq!(s.original(2, 3), (2, 3)); // before the value
    assert_eq!(s.original(2, 8), (2, 8)); // the value's first character -> the placeholder
    assert_eq!(s.original(2, 20), (2, 8)); // inside the value
    assert_eq!(s.original(2, 29), (2, 8)); // the value's last character
    assert_eq!(s.original(2, 30), (2, 16)); // the space after the value -> after the placeholder
    assert_eq!(s.original(2, 32), (2, 18)); // '#'
    assert_eq!(s.original(3, 4), (3, 4));
    assert_eq!(s.original(4, 1), (3, 4)); // second line of a multi-line value
    assert_eq!(s.original(4, 4), (3, 12)); // '!' after it
    assert_eq!(s.original(5, 7), (4, 7)); // later lines keep their numbers
    assert_eq!(s.original(5, 9), (4, 9)); // past the end of a line
}

#[test]
fn list_elements_are_trimmed_and_unquoted() {
    assert_eq!(list_element("[\"a\", 'b' , c]", 0).as_deref(), Some("a"));
    assert_eq!(list_element("[\"a\", 'b' , c]", 1).as_deref(), Some("b"));
    assert_eq!(list_element("[\"a\", 'b' , c]", 2).as_deref(), Some("c"));
    assert_eq!(list_element("[\"a\"]", 1), None);
    assert_eq!(list_element("", 0), None);
    assert_eq!(split_list_index("a.b[12]"), Some(("a.b", 12)));
    assert_eq!(split_list_index("[1]"), None);
    assert_eq!(split_list_index("a[x]"), None);
}

#[test]
fn carriage_returns_end_lines_as_in_yaml() {
    assert_eq!(split_lines("a\r\nb\rc\n\nd"), vec!["a", "b", "c", "", "d"]);
    assert_eq!(split_lines(""), vec![""]);
    assert_eq!(split_lines("x\n"), vec!["x", ""]);
    let s = run("a: 1\r\nname: ${topo.name}\rz: 2", true, false).map_err(messages).unwrap();
    assert_eq!(s.text, "a: 1\nname: clicks-dev\nz: 2");
    assert_eq!(s.original(3, 1), (3, 1));
}
