//! From a parsed [`FluxDocument`] to a runnable [`FluxTopology`]: components, spouts, bolts and
//! custom groupings are made through the [`Registry`] (Storm's build order: components in order,
//! spouts, bolts, streams), then wired through [`TopologyBuilder`] so its validation runs.

use std::path::PathBuf;

use squall_api::{
    BoltFactory, Config, DEFAULT_STREAM, Fields, Grouping, SpoutFactory, Topology, TopologyBuilder,
    TopologyError,
};

use crate::error::Problems;
use crate::model::{GroupingDef, GroupingType, StreamDef, TopologyDef, VertexDef};
use crate::resolve::Resolver;
use crate::{FluxDocument, FluxError, FluxWarning, Registry, Site};

/// A loaded Flux topology: what a runner needs, plus what a dry run prints.
#[derive(Clone, Debug)]
pub struct FluxTopology {
    /// `name`.
    pub name: String,
    /// `config`, under Storm's key names.
    pub config: Config,
    /// The validated topology.
    pub topology: Topology,
    /// The directory of the top-level Flux file, absolute: the topology's resources directory, where
    /// shell components run.
    pub resources_dir: PathBuf,
    /// The spouts then the bolts, in definition order, with their classes.
    pub components: Vec<ComponentSummary>,
    /// The streams, in definition order (includes' streams after the file's own).
    pub streams: Vec<StreamSummary>,
    /// Suspicious but loadable definitions.
    pub warnings: Vec<FluxWarning>,
}

/// A spout or bolt as a dry run shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComponentSummary {
    /// Its id.
    pub id: String,
    /// Its `className`.
    pub class_name: String,
    /// True for a spout.
    pub is_spout: bool,
    /// Executors.
    pub parallelism: u32,
    /// Tasks (`numTasks`, else the parallelism).
    pub num_tasks: u32,
    /// False for a bolt no stream ends at: Storm leaves it out of the topology, and so does squall.
    pub connected: bool,
}

/// A stream as a dry run shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamSummary {
    /// `name`, if given.
    pub name: Option<String>,
    /// The emitting component.
    pub from: String,
    /// The receiving bolt.
    pub to: String,
    /// The stream of `from` subscribed to.
    pub stream_id: String,
    /// The grouping type.
    pub grouping: GroupingType,
    /// The grouping fields, for `FIELDS` and `PARTIAL_KEY`.
    pub fields: Option<Vec<String>>,
    /// The grouping class, for `CUSTOM`.
    pub custom_class: Option<String>,
}

pub(crate) fn build(doc: FluxDocument, registry: &Registry) -> Result<FluxTopology, FluxError> {
    let FluxDocument { def, mut warnings, resources_dir } = doc;
    let mut problems = Problems::default();
    let name = match &def.name {
        Some(n) if n.value.trim().is_empty() => {
            problems.at(&n.site, FluxError::invalid("the topology name must not be empty"));
            String::new()
        }
        Some(n) => n.value.clone(),
        None => {
            problems.at(&def.site, FluxError::MissingKey { key: "name", meaning: "the topology's name" });
            String::new()
        }
    };
    let mut config = Config::new();
    for entry in &def.config {
        config.set(entry.key.value.as_str(), entry.value.clone());
    }
    for bolt in &def.bolts {
        if let Some(spout) = def.spouts.iter().find(|s| s.id.value == bolt.id.value) {
            let first = format!("{}:{}", spout.id.site.line, spout.id.site.column);
            let error = FluxError::DuplicateId { id: bolt.id.value.clone(), first_kind: "spout", first };
            problems.at(&bolt.id.site, error);
        }
    }

    let mut resolver = Resolver::new(registry, resources_dir.clone(), &def.components);
    resolver.build_components(&def.components);
    let spouts: Vec<Option<SpoutFactory>> = def
        .spouts
        .iter()
        .map(|s| resolver.make(&s.object, Some(&s.id.value), "spout", |r, c| r.spout(c).cloned()))
        .collect();
    let bolts: Vec<Option<BoltFactory>> = def
        .bolts
        .iter()
        .map(|b| resolver.make(&b.object, Some(&b.id.value), "bolt", |r, c| r.bolt(c).cloned()))
        .collect();
    let mut groupings = Vec::with_capacity(def.streams.len());
    for stream in &def.streams {
        check_endpoints(stream, &def, &mut problems);
        groupings.push(grouping(&mut resolver, &stream.grouping));
    }
    problems.0.append(&mut resolver.problems.0);
    if !problems.is_empty() {
        return Err(FluxError::from_list(problems.0));
    }

    let mut builder = TopologyBuilder::new();
    for (spout, factory) in def.spouts.iter().zip(spouts) {
        let Some(factory) = factory else { continue };
        let mut declarer = builder.set_spout_factory(&spout.id.value, spout.parallelism(), factory);
        if let Some(n) = &spout.num_tasks {
            declarer.set_num_tasks(n.value);
        }
        for entry in &spout.config {
            declarer.add_configuration(&entry.key.value, entry.value.clone());
        }
    }
    for (bolt, factory) in def.bolts.iter().zip(bolts) {
        let Some(factory) = factory else { continue };
        let inputs: Vec<(&StreamDef, &Grouping)> = def
            .streams
            .iter()
            .zip(&groupings)
            .filter_map(|(s, g)| g.as_ref().map(|g| (s, g)))
            .filter(|(s, _)| s.to.value == bolt.id.value)
            .collect();
        if inputs.is_empty() {
            let message = format!(
                "bolt '{}' is left out of the topology: no stream ends at it (as in Storm)",
                bolt.id.value
            );
            let warning = FluxWarning { site: Some(bolt.id.site.clone()), message };
            tracing::warn!(%warning, "flux");
            warnings.push(warning);
            continue;
        }
        let mut declarer = builder.set_bolt_factory(&bolt.id.value, bolt.parallelism(), factory);
        if let Some(n) = &bolt.num_tasks {
            declarer.set_num_tasks(n.value);
        }
        for entry in &bolt.config {
            declarer.add_configuration(&entry.key.value, entry.value.clone());
        }
        for (stream, grouping) in inputs {
            let stream_id = stream.grouping.stream_id.as_ref().map_or(DEFAULT_STREAM, |s| s.value.as_str());
            declarer.grouping_on(&stream.from.value, stream_id, grouping.clone());
        }
    }
    let topology = builder.build().map_err(|invalid| {
        FluxError::from_list(
            invalid.0.into_iter().map(|e| problem_site(&e, &def).wrap(FluxError::Topology(e))).collect(),
        )
    })?;
    let (components, streams) = summaries(&def);
    Ok(FluxTopology { name, config, topology, resources_dir, components, streams, warnings })
}

fn ids(vertices: &[VertexDef]) -> String {
    let list: Vec<&str> = vertices.iter().map(|v| v.id.value.as_str()).collect();
    if list.is_empty() { "none".to_owned() } else { list.join(", ") }
}

fn check_endpoints(stream: &StreamDef, def: &TopologyDef, problems: &mut Problems) {
    let is = |list: &[VertexDef], id: &str| list.iter().any(|v| v.id.value == id);
    let from = &stream.from;
    if !is(&def.spouts, &from.value) && !is(&def.bolts, &from.value) {
        let message = format!(
            "stream from unknown component '{}' (spouts: {}; bolts: {})",
            from.value,
            ids(&def.spouts),
            ids(&def.bolts)
        );
        problems.at(&from.site, FluxError::UnknownComponent { id: from.value.clone(), message });
    }
    let to = &stream.to;
    if !is(&def.bolts, &to.value) {
        let message = if is(&def.spouts, &to.value) {
            format!("stream to '{}', which is a spout (a stream ends at a bolt)", to.value)
        } else {
            format!("stream to unknown bolt '{}' (bolts: {})", to.value, ids(&def.bolts))
        };
        problems.at(&to.site, FluxError::UnknownComponent { id: to.value.clone(), message });
    }
}

fn grouping(resolver: &mut Resolver<'_>, def: &GroupingDef) -> Option<Grouping> {
    let fields = || Fields::new(def.args.as_ref().map_or(&[][..], |a| a.value.as_slice()));
    Some(match def.kind.value {
        GroupingType::All => Grouping::All,
        GroupingType::Direct => Grouping::Direct,
        GroupingType::Shuffle => Grouping::Shuffle,
        GroupingType::LocalOrShuffle => Grouping::LocalOrShuffle,
        GroupingType::Global => Grouping::Global,
        GroupingType::None => Grouping::None,
        GroupingType::Fields => Grouping::Fields(fields()),
        GroupingType::PartialKey => Grouping::PartialKey(fields()),
        GroupingType::Custom => {
            let class = def.custom_class.as_ref()?;
            resolver.make(class, None, "custom grouping", |r, c| r.grouping(c).cloned())?
        }
    })
}

/// The node a builder problem is about.
fn problem_site<'d>(e: &TopologyError, def: &'d TopologyDef) -> &'d Site {
    let vertex = |id: &str| def.spouts.iter().chain(&def.bolts).find(|v| v.id.value == id);
    let streams = |to: &str, from: &str, stream: &str| -> Vec<&'d StreamDef> {
        def.streams
            .iter()
            .filter(|s| {
                let sid = s.grouping.stream_id.as_ref().map_or(DEFAULT_STREAM, |x| x.value.as_str());
                s.to.value == to && s.from.value == from && sid == stream
            })
            .collect()
    };
    let site = match e {
        TopologyError::UnknownStream { component, source_component, stream, .. } => {
            streams(component, source_component, stream)
                .first()
                .map(|s| s.grouping.stream_id.as_ref().map_or(&s.from.site, |x| &x.site))
        }
        TopologyError::UnknownField { component, source_component, stream, .. } => {
            streams(component, source_component, stream)
                .first()
                .map(|s| s.grouping.args.as_ref().map_or(&s.grouping.site, |a| &a.site))
        }
        TopologyError::DirectMismatch { component, source_component, stream, .. } => {
            streams(component, source_component, stream).first().map(|s| &s.grouping.kind.site)
        }
        TopologyError::DuplicateSubscription { component, source_component, stream } => {
            streams(component, source_component, stream).get(1).map(|s| &s.site)
        }
        TopologyError::UnknownComponent { component, .. }
        | TopologyError::ReservedId { component, .. }
        | TopologyError::ZeroParallelism { component, .. }
        | TopologyError::BadConfig { component, .. } => vertex(component).map(|v| &v.id.site),
        TopologyError::BadDeclaration { component, .. } => {
            vertex(component).map(|v| &v.object.class_name.site)
        }
        TopologyError::DuplicateComponent(id) => vertex(id).map(|v| &v.id.site),
        _ => None,
    };
    site.unwrap_or(&def.site)
}

fn summaries(def: &TopologyDef) -> (Vec<ComponentSummary>, Vec<StreamSummary>) {
    let summary = |v: &VertexDef, is_spout: bool| ComponentSummary {
        id: v.id.value.clone(),
        class_name: v.object.class_name.value.clone(),
        is_spout,
        parallelism: v.parallelism(),
        num_tasks: v.num_tasks.as_ref().map_or(v.parallelism(), |n| n.value),
        connected: is_spout || def.streams.iter().any(|s| s.to.value == v.id.value),
    };
    let components = def
        .spouts
        .iter()
        .map(|s| summary(s, true))
        .chain(def.bolts.iter().map(|b| summary(b, false)))
        .collect();
    let streams = def
        .streams
        .iter()
        .map(|s| StreamSummary {
            name: s.name.clone(),
            from: s.from.value.clone(),
            to: s.to.value.clone(),
            stream_id: s.grouping.stream_id.as_ref().map_or(DEFAULT_STREAM.to_owned(), |x| x.value.clone()),
            grouping: s.grouping.kind.value,
            fields: s.grouping.args.as_ref().map(|a| a.value.clone()),
            custom_class: s.grouping.custom_class.as_ref().map(|c| c.class_name.value.clone()),
        })
        .collect();
    (components, streams)
}
