//! `org.apache.storm.flux.wrappers.spouts.FluxShellSpout` and
//! `org.apache.storm.flux.wrappers.bolts.FluxShellBolt`: multilang components declared in Flux,
//! mapped onto `squall-multilang`'s [`ShellSpout`] and [`ShellBolt`].
//!
//! Constructors, as Storm's: `(command)` or `(command, outputFields)`, both lists of strings; the
//! second declares the `default` stream. Configuration methods, as Storm's wrappers (and the public
//! methods they inherit from Storm's `ShellBolt`/`ShellSpout`):
//!
//! | method | args | effect |
//! |---|---|---|
//! | `setDefaultStream` | `[fields...]` | declares (or redeclares) the `default` stream |
//! | `setNamedStream` | `name`, `[fields...]` | declares (or redeclares) stream `name` |
//! | `addComponentConfig` | `key`, value (scalar or list) | a per-component config entry |
//! | `setEnv` | `{NAME: value, ...}` | environment variables for the child (`PATH` is appended to) |
//! | `changeChildCWD` | `true` | accepted; `false` (run in the worker's directory) is not supported |
//!
//! As in Storm, the streams live in a map: declaring a stream again replaces its fields.

use std::sync::Arc;

use squall_api::{BoltFactory, DEFAULT_STREAM, SpoutFactory, Value};
use squall_multilang::{ShellBolt, ShellSpout};

use crate::{ArgError, Args, ObjectSpec};

const METHODS: &[&str] =
    &["setDefaultStream", "setNamedStream", "addComponentConfig", "setEnv", "changeChildCWD"];

/// A shell wrapper's definition, gathered from its arguments; each task's component is made from it.
struct ShellDef {
    command: Vec<String>,
    streams: Vec<(String, Vec<String>)>,
    config: Vec<(String, Value)>,
    env: Vec<(String, String)>,
}

impl ShellDef {
    fn set_stream(&mut self, name: &str, fields: Vec<String>) {
        match self.streams.iter_mut().find(|(n, _)| n == name) {
            Some(existing) => existing.1 = fields,
            None => self.streams.push((name.to_owned(), fields)),
        }
    }
}

fn read(spec: &ObjectSpec) -> Result<ShellDef, ArgError> {
    spec.expect_no_factory()?;
    spec.expect_no_properties()?;
    spec.expect_config_methods(METHODS)?;
    let args = &spec.args;
    args.expect_len(1..=2, "the command as a list of strings, then optionally the output fields")?;
    let command = args.string_list(0)?;
    if command.is_empty() {
        return Err(args.error(0, "the command must name a program, got an empty list"));
    }
    let mut def = ShellDef { command, streams: Vec::new(), config: Vec::new(), env: Vec::new() };
    if args.len() == 2 {
        def.set_stream(DEFAULT_STREAM, args.string_list(1)?);
    }
    for method in &spec.config_methods {
        let a = &method.args;
        match method.name.as_str() {
            "setDefaultStream" => {
                a.expect_len(1..=1, "the output fields")?;
                def.set_stream(DEFAULT_STREAM, a.string_list(0)?);
            }
            "setNamedStream" => {
                a.expect_len(2..=2, "the stream name, then its output fields")?;
                let name = a.string(0)?.to_owned();
                def.set_stream(&name, a.string_list(1)?);
            }
            "addComponentConfig" => {
                a.expect_len(2..=2, "the config key, then its value")?;
                let key = a.string(0)?.to_owned();
                def.config.push((key, a.value(1)?.clone()));
            }
            "setEnv" => def.env.extend(env(a)?),
            "changeChildCWD" => {
                a.expect_len(1..=1, "true or false")?;
                if !a.bool(0)? {
                    let problem = "changeChildCWD(false) is not supported: squall always runs the child in the resources directory";
                    return Err(a.error(0, problem));
                }
            }
            _ => {}
        }
    }
    Ok(def)
}

/// `setEnv`'s map of variable names to string values.
fn env(args: &Args) -> Result<Vec<(String, String)>, ArgError> {
    args.expect_len(1..=1, "a map of environment variable names to values")?;
    let expected = || args.error(0, "expected a map of environment variable names to strings as argument 1");
    let map = args.value(0)?.as_map().ok_or_else(expected)?;
    map.iter()
        .map(|(k, v)| match v {
            Value::Str(s) => Ok((k.to_string(), s.to_string())),
            Value::I64(_) | Value::F64(_) | Value::Bool(_) => Ok((k.to_string(), v.to_string())),
            _ => Err(expected()),
        })
        .collect()
}

/// Applies the gathered definition to a shell bolt or spout through their shared builder methods.
macro_rules! apply {
    ($component:expr, $def:expr) => {{
        let mut c = $component;
        for (name, fields) in &$def.streams {
            c = if name == DEFAULT_STREAM {
                c.with_output_fields(squall_api::Fields::new(fields))
            } else {
                c.with_stream(name, squall_api::Fields::new(fields))
            };
        }
        for (key, value) in &$def.config {
            c = c.with_component_config(key, value.clone());
        }
        for (key, value) in &$def.env {
            c = c.with_env(key, value);
        }
        c
    }};
}

/// The Flux factory of `FluxShellSpout`.
pub(crate) fn spout(spec: &ObjectSpec) -> Result<SpoutFactory, ArgError> {
    let def = read(spec)?;
    Ok(Arc::new(move || Box::new(apply!(ShellSpout::new(def.command.clone()), def))))
}

/// The Flux factory of `FluxShellBolt`.
pub(crate) fn bolt(spec: &ObjectSpec) -> Result<BoltFactory, ArgError> {
    let def = read(spec)?;
    Ok(Arc::new(move || Box::new(apply!(ShellBolt::new(def.command.clone()), def))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Arg, ArgSite};
    use squall_api::OutputDeclarer;

    fn strings(items: &[&str]) -> Arg {
        Arg::Value(Value::list(items.iter().map(|s| Value::from(*s)).collect()))
    }

    #[test]
    fn streams_are_a_map_and_config_accumulates() {
        let spec = ObjectSpec::new("FluxShellSpout")
            .with_args(vec![strings(&["node", "randomsentence.js"]), strings(&["word"])])
            .with_config_method(
                "setNamedStream",
                vec![Arg::Value("rejects".into()), strings(&["line", "reason"])],
            )
            .with_config_method("setDefaultStream", vec![strings(&["sentence"])])
            .with_config_method(
                "addComponentConfig",
                vec![Arg::Value("rabbitmq.configfile".into()), Arg::Value("etc/rabbit.yml".into())],
            )
            .with_config_method(
                "addComponentConfig",
                vec![Arg::Value("publisher.data_paths".into()), strings(&["actions"])],
            )
            .with_config_method("changeChildCWD", vec![Arg::Value(true.into())]);
        let spout = spout(&spec).unwrap()();
        let mut d = OutputDeclarer::new();
        spout.declare_outputs(&mut d);
        let streams: Vec<String> = d.streams().iter().map(|s| format!("{}{}", s.id, s.fields)).collect();
        assert_eq!(streams, vec!["default[sentence]", "rejects[line, reason]"]);
        let config = spout.component_config();
        assert_eq!(config.get_str("rabbitmq.configfile"), Some("etc/rabbit.yml"));
        assert_eq!(config.get_own("publisher.data_paths"), Some(&Value::list(vec!["actions".into()])));
    }

    #[test]
    fn bad_shell_arguments_are_named() {
        let no_command = ObjectSpec::new("FluxShellBolt").with_args(vec![strings(&[])]);
        assert_eq!(
            bolt(&no_command).err().unwrap().problem,
            "the command must name a program, got an empty list"
        );
        let string_command =
            ObjectSpec::new("FluxShellBolt").with_args(vec![Arg::Value("python3 x.py".into())]);
        assert_eq!(
            bolt(&string_command).err().unwrap().problem,
            "expected a list of strings as argument 1, got string 'python3 x.py'"
        );
        let cwd = ObjectSpec::new("FluxShellBolt")
            .with_args(vec![strings(&["x"])])
            .with_config_method("changeChildCWD", vec![Arg::Value(false.into())]);
        let e = bolt(&cwd).err().unwrap();
        assert_eq!(e.at, ArgSite::Arg(crate::ArgOwner::ConfigMethod(0), 0));
        let unknown = ObjectSpec::new("FluxShellBolt")
            .with_args(vec![strings(&["x"])])
            .with_config_method("setFoo", vec![]);
        assert_eq!(
            bolt(&unknown).err().unwrap().problem,
            "it has no such configuration method (it has: setDefaultStream, setNamedStream, addComponentConfig, setEnv, changeChildCWD)"
        );
    }
}
