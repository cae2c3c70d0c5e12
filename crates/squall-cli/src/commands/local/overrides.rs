//! Storm's `-c key=value` overrides: the value is JSON when it parses as JSON, else a string.

use squall::{Config, Value};

use crate::exit::UsageError;

/// Applies every `KEY=VALUE` in order over `config`.
///
/// # Errors
/// An override without `=` or with an empty key.
pub fn apply(config: &mut Config, overrides: &[String]) -> Result<(), UsageError> {
    for text in overrides {
        let (key, value) = text.split_once('=').ok_or_else(|| {
            UsageError(format!("-c {text}: expected KEY=VALUE, e.g. -c topology.workers=2"))
        })?;
        let key = key.trim();
        if key.is_empty() {
            return Err(UsageError(format!("-c {text}: the key is empty")));
        }
        config.set(key, parse_value(value));
    }
    Ok(())
}

/// JSON when it parses (numbers, booleans, null, lists, maps, quoted strings), else the text.
fn parse_value(text: &str) -> Value {
    serde_json::from_str::<Value>(text).unwrap_or_else(|_| Value::from(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_json_when_they_can_be() {
        let mut config = Config::new();
        let overrides = [
            "topology.workers=2",
            "topology.debug=true",
            "a.list=[\"x\", 1]",
            "a.string=hello world",
            "a.quoted=\"7\"",
            "an.equation=a=b",
        ]
        .map(String::from);
        apply(&mut config, &overrides).unwrap();
        assert_eq!(config.get_i64("topology.workers"), Some(2));
        assert_eq!(config.get_bool("topology.debug"), Some(true));
        assert_eq!(config.get_own("a.list"), Some(&Value::from(vec![Value::from("x"), Value::from(1_i64)])));
        assert_eq!(config.get_str("a.string"), Some("hello world"));
        assert_eq!(config.get_str("a.quoted"), Some("7"));
        assert_eq!(config.get_str("an.equation"), Some("a=b"));
    }

    #[test]
    fn malformed_overrides_are_usage_errors() {
        let mut config = Config::new();
        let err = apply(&mut config, &["topology.workers".to_owned()]).unwrap_err();
        assert!(err.0.contains("expected KEY=VALUE"), "{err}");
        let err = apply(&mut config, &[" =3".to_owned()]).unwrap_err();
        assert!(err.0.contains("the key is empty"), "{err}");
    }
}
