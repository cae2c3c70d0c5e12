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
//! names are errors (Storm warns, keeps the last, passes `null` or fails at run time).
//!
//! # Rules, as Storm's Flux has them unless marked
//!
//! - **Substitution** runs on the raw text, line by line (lines end at `\n`, `\r\n` or `\r`), before
//!   YAML parsing. Per line one placeholder is substituted, the last `${...}`: `${ENV-NAME}` from
//!   the environment with `env_filter`, `${key[N]}` as element N of a property written like
//!   `["a", "b"]`, `${key}` from the properties file; every occurrence of it on the line. *squall:*
//!   an unresolvable placeholder, or a second different one on a line, is an error (full-line
//!   comments excepted).
//! - **Keys** a Flux model class lacks are errors, as in Storm. *squall:* a key given twice in one
//!   map, and two spouts, bolts or components with one id, are errors too.
//! - **Scalars** follow SnakeYAML: plain `yes`/`no`/`on`/`off` are booleans; `y`/`n` are strings.
//! - **Includes** merge `name`, `config`, `components`, `spouts` and `bolts` by key or id (kept
//!   unless `override: true`) and append `streams`; an include's own includes are ignored. *squall:*
//!   a relative `file` is looked up next to the including file, then in the working directory; a
//!   `resource` in the including file's directory and each directory above it.
//! - **References** (`ref`, `reflist`) are recognised as whole arguments only, and a component may
//!   only refer to components declared above it.
//! - **Bolts** that no stream ends at are left out of the topology (with a warning), as in Storm.
//! - **`topologySource`** and **`workerHooks`** are rejected as not supported; `onHeapMemoryLoad`,
//!   `offHeapMemoryLoad` and `cpuLoad` are accepted and ignored.
//! - The **resources directory** (where shell components run, what relative paths in built-in
//!   components' arguments are relative to) is the directory of the top-level file.
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
