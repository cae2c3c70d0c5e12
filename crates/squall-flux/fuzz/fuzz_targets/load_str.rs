//! Loads arbitrary bytes (as UTF-8 text) as a Flux file, with and without `--env-filter`. Must never
//! panic, and every error must point at a line of the text.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use squall_flux::{LoadOptions, Registry, load_str};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let path = Path::new("/nonexistent/squall-flux-fuzz/topology.yaml");
    let registry = Registry::with_builtins();
    // Lines end at \n, \r\n or a lone \r, as YAML counts them.
    let lines = u32::try_from(text.replace("\r\n", "\n").split(['\n', '\r']).count()).unwrap_or(u32::MAX);
    for env_filter in [false, true] {
        let options = LoadOptions { properties_file: None, env_filter };
        if let Err(e) = load_str(text, path, &options, &registry) {
            for one in e.errors() {
                assert_eq!(one.file(), Some(path), "{one}");
                let (line, column) = one.position().expect("every error has a position");
                assert!(line >= 1 && column >= 1 && line <= lines, "{one}");
            }
        }
    }
});
