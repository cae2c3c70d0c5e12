//! Stateful bolts for squall (work in progress).
#![deny(missing_docs)]
