//! Storm's Flux topology files for squall: YAML in, a validated [`Topology`](squall_api::Topology)
//! out.
//!
//! This crate owns the Flux format and nothing that runs: reading a file ([`load_file`]), Storm's
//! `${...}` substitution from a properties file (`--filter`) and the environment (`--env-filter`),
//! `includes`, the typed [`model`], the [`Registry`] that maps Flux's Java `className`s to squall
//! factories (with the [`builtin`] classes Storm's examples use), and the dry-run printout
//! ([`FluxTopology::describe`]). Running the topology is `squall-runtime`'s job; the `squall` CLI
//! wires `squall local FILE.yaml` onto [`load_file`]. Shell components (`FluxShellSpout`,
//! `FluxShellBolt`) map onto `squall-multilang`.
//!
//! Errors point at the file, line and column, with the key path, and say what was expected:
//!
//! ```text
//! topology.yaml:14:7: bolts[1].grouping.type: unknown grouping type 'FEILDS' (expected one of ALL, ...)
//! ```
//!
//! Where squall departs from Storm's Flux, it is stricter, never silently different: unresolved
//! placeholders, duplicate keys and duplicate ids, `ref`s to unknown components and unknown class
//! names are errors (Storm warns, keeps the last, passes `null` or fails at run time). Each module
//! documents its rules.
//!
//! ```
//! use std::path::Path;
//! use squall_flux::{LoadOptions, Registry, load_str};
//!
//! let yaml = r#"
//! name: "yaml-topology"
//! config:
//!   topology.workers: 1
//! spouts:
//!   - id: "spout-1"
//!     className: "org.apache.storm.testing.TestWordSpout"
//! bolts:
//!   - id: "bolt-1"
//!     className: "org.apache.storm.testing.TestWordCounter"
//!     parallelism: 2
//! streams:
//!   - from: "spout-1"
//!     to: "bolt-1"
//!     grouping:
//!       type: FIELDS
//!       args: ["word"]
//! "#;
//! let registry = Registry::with_builtins();
//! let loaded = load_str(yaml, Path::new("topology.yaml"), &LoadOptions::default(), &registry).unwrap();
//! assert_eq!(loaded.name, "yaml-topology");
//! assert_eq!(loaded.config.workers(), 1);
//! assert_eq!(loaded.topology.component("bolt-1").unwrap().parallelism, 2);
//! assert!(loaded.describe().contains("spout-1 --FIELDS--> bolt-1"));
//!
//! let bad = yaml.replace("FIELDS", "FEILDS");
//! let err = load_str(&bad, Path::new("topology.yaml"), &LoadOptions::default(), &registry).unwrap_err();
//! assert!(err.to_string().starts_with(
//!     "topology.yaml:16:13: streams[0].grouping.type: unknown grouping type 'FEILDS' (expected one of ALL, CUSTOM,"
//! ));
//! ```

#![deny(missing_docs)]

mod build;
pub mod builtin;
mod describe;
mod error;
mod include;
mod load;
pub mod model;
mod properties;
mod registry;
mod resolve;
mod substitute;
mod yaml;

pub use build::{ComponentSummary, FluxTopology, StreamSummary};
pub use error::{FluxError, FluxWarning, GROUPING_TYPES, Site};
pub use load::{FluxDocument, LoadOptions, load_file, load_str, parse_file, parse_str};
pub use registry::{
    Arg, ArgError, ArgOwner, ArgSite, Args, ConfigMethod, ObjectRef, ObjectSpec, Property, Registry,
    basic_bolt_factory, bolt_factory, grouping_factory, spout_factory,
};
