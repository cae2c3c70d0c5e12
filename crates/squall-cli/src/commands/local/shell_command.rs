//! Which command a shell component runs, for error reports: the runtime's error names the
//! component and task, and a user then wants the child's argv and working directory.

use std::path::Path;

use squall_flux::builtin::{FLUX_SHELL_BOLT, FLUX_SHELL_SPOUT};
use squall_flux::model::ArgDef;
use squall_flux::{LoadOptions, parse_file};

/// "component 'split' runs ["python3", "split.py"] in /dir" when `component` is a `FluxShellBolt`
/// or `FluxShellSpout` of `file`; `None` for other components or a file that no longer parses.
pub fn describe(file: &Path, options: &LoadOptions, component: &str) -> Option<String> {
    // Read again quietly: the file's warnings were logged when it was loaded.
    let doc = tracing::subscriber::with_default(tracing::subscriber::NoSubscriber::default(), || {
        parse_file(file, options)
    })
    .ok()?;
    let vertex = doc.def.spouts.iter().chain(&doc.def.bolts).find(|v| v.id.value == component)?;
    let class = vertex.object.class_name.value.as_str();
    if class != FLUX_SHELL_BOLT && class != FLUX_SHELL_SPOUT {
        return None;
    }
    let ArgDef::Value(first) = vertex.object.constructor_args.as_ref()?.value.first()? else {
        return None;
    };
    let argv: Vec<&str> = first.value.as_list()?.iter().map(|v| v.as_str()).collect::<Option<_>>()?;
    Some(format!("component '{component}' runs {argv:?} in {}", doc.resources_dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_argv_of_shell_components_only() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t.yaml");
        let yaml = r#"
name: "t"
spouts:
  - id: "words"
    className: "org.apache.storm.testing.TestWordSpout"
bolts:
  - id: "split"
    className: "org.apache.storm.flux.wrappers.bolts.FluxShellBolt"
    constructorArgs:
      - ["python3", "split bolt.py"]
      - ["word"]
streams:
  - from: "words"
    to: "split"
    grouping: {type: SHUFFLE}
"#;
        std::fs::write(&file, yaml).unwrap();
        let options = LoadOptions::default();
        let text = describe(&file, &options, "split").unwrap();
        let dir = std::path::absolute(dir.path()).unwrap();
        assert_eq!(
            text,
            format!("component 'split' runs [\"python3\", \"split bolt.py\"] in {}", dir.display())
        );
        assert_eq!(describe(&file, &options, "words"), None);
        assert_eq!(describe(&file, &options, "nobody"), None);
    }
}
