//! The handshake's `context` object (storm-interfaces.md §1.4), built from a task's
//! [`TopologyContext`].

use std::collections::BTreeMap;

use serde::Serialize;
use squall_api::{Grouping, StreamDeclaration, TopologyContext};

/// A grouping as Storm's multilang context spells it: `{"type": "FIELDS", "fields": [...]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupingJson {
    /// The Thrift union member name, upper case.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The grouping fields (`FIELDS` only; empty for a global grouping).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<String>>,
}

impl From<&Grouping> for GroupingJson {
    fn from(g: &Grouping) -> Self {
        let fields = match g {
            Grouping::Fields(f) => Some(f.iter().map(str::to_owned).collect()),
            Grouping::Global => Some(Vec::new()),
            _ => None,
        };
        Self { kind: g.kind(), fields }
    }
}

/// The task's context as the child sees it. Keys are exactly Storm's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HandshakeContext {
    /// Every task of the topology (system task −1 excluded), as a string, to its component.
    #[serde(rename = "task->component")]
    pub task_component: BTreeMap<String, String>,
    /// This task.
    pub taskid: i32,
    /// This component.
    pub componentid: String,
    /// This component's output streams.
    pub streams: Vec<String>,
    /// Output stream → field names.
    #[serde(rename = "stream->outputfields")]
    pub stream_outputfields: BTreeMap<String, Vec<String>>,
    /// Output stream → subscribing component → grouping.
    #[serde(rename = "stream->target->grouping")]
    pub stream_target_grouping: BTreeMap<String, BTreeMap<String, GroupingJson>>,
    /// Source component → source stream → grouping (this component's inputs).
    #[serde(rename = "source->stream->grouping")]
    pub source_stream_grouping: BTreeMap<String, BTreeMap<String, GroupingJson>>,
    /// Source component → source stream → field names. pystorm builds one namedtuple per entry.
    #[serde(rename = "source->stream->fields")]
    pub source_stream_fields: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

impl HandshakeContext {
    /// The context for `ctx`'s task. `own_outputs` are the streams the shell component declares; they
    /// are used when the topology description does not list this component (a context built by hand).
    pub fn new(ctx: &TopologyContext, own_outputs: &[StreamDeclaration]) -> Self {
        let me = ctx.this_component_id();
        let topology = ctx.topology();
        let outputs = if topology.components.contains_key(me) { ctx.this_outputs() } else { own_outputs };

        let task_component = topology
            .components
            .iter()
            .flat_map(|(id, c)| c.tasks.iter().map(move |t| (*t, id)))
            .filter(|(t, _)| t.get() >= 0)
            .map(|(t, id)| (t.to_string(), id.to_string()))
            .collect();

        let mut stream_target_grouping: BTreeMap<String, BTreeMap<String, GroupingJson>> = BTreeMap::new();
        for s in outputs {
            stream_target_grouping.insert(s.id.to_string(), BTreeMap::new());
        }
        for (consumer, info) in &topology.components {
            for sub in info.inputs.iter().filter(|s| &s.source.component == me) {
                if let Some(targets) = stream_target_grouping.get_mut(sub.source.stream.as_str()) {
                    targets.insert(consumer.to_string(), GroupingJson::from(&sub.grouping));
                }
            }
        }
        // Storm lists only streams somebody subscribes to.
        stream_target_grouping.retain(|_, targets| !targets.is_empty());

        let mut source_stream_grouping: BTreeMap<String, BTreeMap<String, GroupingJson>> = BTreeMap::new();
        let mut source_stream_fields: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
        for sub in ctx.this_inputs() {
            let (src, stream) = (sub.source.component.as_str(), sub.source.stream.as_str());
            source_stream_grouping
                .entry(src.to_owned())
                .or_default()
                .insert(stream.to_owned(), GroupingJson::from(&sub.grouping));
            if let Some(fields) = ctx.output_fields(src, stream) {
                source_stream_fields
                    .entry(src.to_owned())
                    .or_default()
                    .insert(stream.to_owned(), fields.iter().map(str::to_owned).collect());
            }
        }

        Self {
            task_component,
            taskid: ctx.this_task_id().get(),
            componentid: me.to_string(),
            streams: outputs.iter().map(|s| s.id.to_string()).collect(),
            stream_outputfields: outputs
                .iter()
                .map(|s| (s.id.to_string(), s.fields.iter().map(str::to_owned).collect()))
                .collect(),
            stream_target_grouping,
            source_stream_grouping,
            source_stream_fields,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use squall_api::{
        ComponentId, ComponentInfo, Config, Fields, GlobalStreamId, StreamId, Subscription, TaskId,
        TopologyInfo,
    };

    use super::*;

    fn decl(id: &str, fields: &[&str]) -> StreamDeclaration {
        StreamDeclaration { id: StreamId::new(id), fields: Fields::from(fields), direct: false }
    }

    fn sub(component: &str, grouping: Grouping) -> Subscription {
        Subscription {
            source: GlobalStreamId {
                component: ComponentId::new(component),
                stream: StreamId::default_stream(),
            },
            grouping,
        }
    }

    /// The topology of storm-interfaces.md §1.10: lines (2) → split (5) → count (3, 4), plus an acker.
    fn words() -> TopologyInfo {
        let mut components = BTreeMap::new();
        let info = |tasks: &[i32], outputs, inputs| ComponentInfo {
            tasks: tasks.iter().copied().map(TaskId).collect(),
            outputs,
            inputs,
        };
        components.insert(ComponentId::new("__acker"), info(&[1], vec![], vec![]));
        components.insert(ComponentId::new("lines"), info(&[2], vec![decl("default", &["line"])], vec![]));
        components.insert(
            ComponentId::new("count"),
            info(&[3, 4], vec![], vec![sub("split", Grouping::Fields(Fields::from(["word"])))]),
        );
        components.insert(
            ComponentId::new("split"),
            info(&[5], vec![decl("default", &["word"])], vec![sub("lines", Grouping::Shuffle)]),
        );
        TopologyInfo { name: "words".into(), config: Config::new(), components, resources_dir: None }
    }

    #[test]
    fn matches_the_storm_example() {
        let ctx = TopologyContext::new(
            Arc::new(words()),
            ComponentId::new("split"),
            TaskId(5),
            Arc::new(Config::new()),
        );
        let json = serde_json::to_string(&HandshakeContext::new(&ctx, &[])).unwrap();
        assert_eq!(
            json,
            concat!(
                r#"{"task->component":{"1":"__acker","2":"lines","3":"count","4":"count","5":"split"},"#,
                r#""taskid":5,"componentid":"split","streams":["default"],"#,
                r#""stream->outputfields":{"default":["word"]},"#,
                r#""stream->target->grouping":{"default":{"count":{"type":"FIELDS","fields":["word"]}}},"#,
                r#""source->stream->grouping":{"lines":{"default":{"type":"SHUFFLE"}}},"#,
                r#""source->stream->fields":{"lines":{"default":["line"]}}}"#
            )
        );
    }

    #[test]
    fn global_is_fields_without_fields_and_own_outputs_fill_in() {
        assert_eq!(
            serde_json::to_string(&GroupingJson::from(&Grouping::Global)).unwrap(),
            r#"{"type":"FIELDS","fields":[]}"#
        );
        let ctx = TopologyContext::new(
            Arc::new(words()),
            ComponentId::new("absent"),
            TaskId(9),
            Arc::new(Config::new()),
        );
        let c = HandshakeContext::new(&ctx, &[decl("out", &["a", "b"])]);
        assert_eq!(c.streams, vec!["out".to_owned()]);
        assert_eq!(c.stream_outputfields["out"], vec!["a".to_owned(), "b".to_owned()]);
        assert!(c.source_stream_fields.is_empty());
    }
}
