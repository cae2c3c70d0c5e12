//! The dry-run printout of a [`FluxTopology`], in the layout of Storm's `Flux --dry-run`
//! (`<id> [<parallelism>] (<className>)`, `<from> --<GROUPING>--> <to>`), with squall's details
//! (tasks, stream ids, grouping fields or class, config) appended.

use std::fmt;

use squall_api::DEFAULT_STREAM;

use crate::FluxTopology;

impl FluxTopology {
    /// The dry-run printout (the same text as `Display`).
    pub fn describe(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for FluxTopology {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "---------- TOPOLOGY DETAILS ----------")?;
        writeln!(f, "Topology Name: {}", self.name)?;
        writeln!(f, "--------------- SPOUTS ---------------")?;
        for c in self.components.iter().filter(|c| c.is_spout) {
            write_component(f, c)?;
        }
        writeln!(f, "---------------- BOLTS ---------------")?;
        for c in self.components.iter().filter(|c| !c.is_spout) {
            write_component(f, c)?;
        }
        writeln!(f, "--------------- STREAMS ---------------")?;
        for s in &self.streams {
            write!(f, "{} --{}--> {}", s.from, s.grouping, s.to)?;
            let mut details = Vec::new();
            if s.stream_id != DEFAULT_STREAM {
                details.push(format!("stream: {}", s.stream_id));
            }
            if let Some(fields) = &s.fields {
                details.push(format!("fields: [{}]", fields.join(", ")));
            }
            if let Some(class) = &s.custom_class {
                details.push(format!("class: {class}"));
            }
            if details.is_empty() {
                writeln!(f)?;
            } else {
                writeln!(f, " ({})", details.join(", "))?;
            }
        }
        if !self.config.is_empty() {
            writeln!(f, "--------------- CONFIG ---------------")?;
            for (key, value) in self.config.iter() {
                writeln!(f, "{key}: {value}")?;
            }
        }
        writeln!(f, "--------------------------------------")
    }
}

fn write_component(f: &mut fmt::Formatter<'_>, c: &crate::ComponentSummary) -> fmt::Result {
    let tasks = if c.num_tasks == 1 { "1 task".to_owned() } else { format!("{} tasks", c.num_tasks) };
    write!(f, "{} [{}] ({}), {tasks}", c.id, c.parallelism, c.class_name)?;
    if c.connected { writeln!(f) } else { writeln!(f, ", not in the topology: no stream ends at it") }
}
