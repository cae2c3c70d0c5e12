//! [`StreamTable`]: the streams a shell component declared, for checking its child's emits.

use std::collections::BTreeMap;

use squall_api::{DEFAULT_STREAM, StreamDeclaration, TaskId};

use crate::error::ProtocolError;

/// The declared output streams and whether each is direct.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StreamTable {
    direct: BTreeMap<String, bool>,
}

impl StreamTable {
    /// The table of these declarations.
    pub fn new(decls: &[StreamDeclaration]) -> Self {
        Self { direct: decls.iter().map(|d| (d.id.to_string(), d.direct)).collect() }
    }

    /// Checks an emit on `stream` (`None` = `default`) with an optional direct `task`, returning the
    /// stream id and the direct target.
    ///
    /// # Errors
    /// An undeclared stream, a task on a non-direct stream, no task on a direct one, or a task id
    /// out of range: each would otherwise make the runtime's collector panic or misroute.
    pub fn check<'s>(
        &self,
        stream: Option<&'s str>,
        task: Option<i64>,
    ) -> Result<(&'s str, Option<TaskId>), ProtocolError> {
        let stream = stream.unwrap_or(DEFAULT_STREAM);
        let Some(&direct) = self.direct.get(stream) else {
            let declared = self.direct.keys().map(String::as_str).collect::<Vec<_>>().join(", ");
            return Err(ProtocolError::UnknownStream {
                stream: stream.to_owned(),
                declared: if declared.is_empty() { "none".to_owned() } else { declared },
            });
        };
        match (direct, task) {
            (false, None) => Ok((stream, None)),
            (true, Some(task)) => match i32::try_from(task) {
                Ok(t) if t >= 0 => Ok((stream, Some(TaskId(t)))),
                _ => Err(ProtocolError::BadTask { task }),
            },
            (false, Some(task)) => Err(ProtocolError::NotDirect { stream: stream.to_owned(), task }),
            (true, None) => Err(ProtocolError::NeedsTask { stream: stream.to_owned() }),
        }
    }
}

#[cfg(test)]
mod tests {
    use squall_api::{Fields, StreamId};

    use super::*;

    #[test]
    fn checks_streams_and_direct_targets() {
        let decl = |id: &str, direct| StreamDeclaration {
            id: StreamId::new(id),
            fields: Fields::from(["x"]),
            direct,
        };
        let t = StreamTable::new(&[decl("default", false), decl("d", true)]);
        assert_eq!(t.check(None, None), Ok(("default", None)));
        assert_eq!(t.check(Some("d"), Some(7)), Ok(("d", Some(TaskId(7)))));
        assert_eq!(
            t.check(Some("nope"), None).unwrap_err().to_string(),
            "emit on undeclared stream 'nope' (declared: d, default)"
        );
        assert_eq!(
            t.check(None, Some(3)).unwrap_err().to_string(),
            "emit with \"task\" 3 on stream 'default', which is not declared direct"
        );
        assert_eq!(
            t.check(Some("d"), None).unwrap_err().to_string(),
            "emit without \"task\" on direct stream 'd'"
        );
        assert_eq!(
            t.check(Some("d"), Some(-1)).unwrap_err().to_string(),
            "emit to task -1, which is not a task id"
        );
        assert_eq!(
            StreamTable::default().check(None, None).unwrap_err().to_string(),
            "emit on undeclared stream 'default' (declared: none)"
        );
    }
}
