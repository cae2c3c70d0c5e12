//! Golden table of malformed Flux files: each `tests/malformed/NAME.yaml` fails to load with exactly
//! the error text in `NAME.err` (file:line:col, key path, message; one line per problem). A sibling
//! `NAME.properties` is passed as the `--filter` file; `--env-filter` is always on.
//!
//! After changing a message on purpose, rewrite the `.err` files with `SQUALL_BLESS=1 cargo test -p
//! squall-flux --test malformed` and review the diff.

use std::path::{Path, PathBuf};

use squall_flux::{LoadOptions, Registry, load_file};

#[test]
fn every_malformed_file_fails_with_its_golden_error() {
    // Paths relative to the crate (cargo runs tests there), so errors name them as a user would.
    let dir = Path::new("tests/malformed");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("tests/malformed")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 20, "the table has {} cases", cases.len());
    let bless = std::env::var_os("SQUALL_BLESS").is_some();
    let registry = Registry::with_builtins();
    let mut mismatches = Vec::new();
    for case in &cases {
        let properties = case.with_extension("properties");
        let options =
            LoadOptions { properties_file: properties.exists().then_some(properties), env_filter: true };
        let got = match load_file(case, &options, &registry) {
            Ok(_) => "<loaded without error>".to_owned(),
            Err(e) => e.to_string(),
        };
        let golden = case.with_extension("err");
        if bless {
            std::fs::write(&golden, format!("{got}\n")).expect("write golden");
            continue;
        }
        let want =
            std::fs::read_to_string(&golden).unwrap_or_else(|_| format!("<missing {}>", golden.display()));
        if got != want.trim_end_matches('\n') {
            mismatches.push(format!("{}:\n  want: {}\n  got:  {}", case.display(), want.trim_end(), got));
        }
    }
    for golden in std::fs::read_dir(dir).expect("tests/malformed").map(|e| e.expect("entry").path()) {
        if golden.extension().is_some_and(|e| e == "err") && !golden.with_extension("yaml").exists() {
            mismatches.push(format!("{} has no .yaml", golden.display()));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
