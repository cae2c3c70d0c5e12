//! [`Deduper`]: the per-task side of deduplication, over the state's system keyspace.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use squall_api::{Fields, Tuple, Value};

use super::{Dedup, Output, SysKey, SysValue};
use crate::codec::encode_values;
use crate::state::TypedMap;

/// Where the identity fields sit in one input stream's tuples.
#[derive(Debug)]
struct Layout {
    /// Identity fields, in [`Dedup`] order (plain mode).
    identity: Vec<usize>,
    partition: Vec<usize>,
    sequence: Option<usize>,
    /// Identity fields that are neither source nor sequence.
    rest: Vec<usize>,
    watermark: Option<usize>,
}

/// A recognized input identity, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Identity {
    key: SysKey,
    position: Option<Vec<u8>>,
}

/// What to do with an input.
#[derive(Debug)]
pub(crate) enum Check {
    /// Not seen before: process it, and record it when it is acked.
    Fresh(Identity),
    /// Applied before: skip it, emit these recorded outputs again, ack it.
    Duplicate(Vec<Output>),
    /// The input carries no identity (a tick, a stream without the fields): process it as is.
    Unidentified,
}

#[derive(Debug)]
struct Source {
    watermark: i64,
    sequences: BTreeSet<i64>,
}

impl Default for Source {
    fn default() -> Self {
        Self { watermark: i64::MIN, sequences: BTreeSet::new() }
    }
}

/// Checks inputs against the record and records applied ones. The record itself lives in the
/// state's system keyspace (so it is checkpointed with the bolt's state); this keeps an index of it
/// for pruning, rebuilt after every rollback.
#[derive(Debug)]
pub(crate) struct Deduper {
    spec: Dedup,
    layouts: HashMap<usize, Option<Layout>>,
    sources: HashMap<Vec<u8>, Source>,
    /// Inputs skipped as duplicates, inputs recorded.
    pub skipped: u64,
    pub recorded: u64,
}

impl Deduper {
    pub fn new(spec: Dedup) -> Self {
        Self { spec, layouts: HashMap::new(), sources: HashMap::new(), skipped: 0, recorded: 0 }
    }

    fn layout_for(spec: &Dedup, fields: &Fields) -> Option<Layout> {
        let index = |name: &str| fields.index_of(name);
        let identity = spec.identity.iter().map(|f| index(f)).collect::<Option<Vec<_>>>()?;
        let partition = spec.partition.iter().map(|f| index(f)).collect::<Option<Vec<_>>>()?;
        let watermark = match &spec.watermark {
            Some(w) => Some(index(w)?),
            None => None,
        };
        let sequence = match &spec.sequence {
            Some(s) => Some(index(s)?),
            None => None,
        };
        let rest =
            identity.iter().copied().filter(|i| !partition.contains(i) && Some(*i) != sequence).collect();
        Some(Layout { identity, partition, sequence, rest, watermark })
    }

    /// The layout of `tuple`'s stream, computed once per stream (schemas are interned, so the
    /// schema's address identifies it).
    fn layout<'a>(
        layouts: &'a mut HashMap<usize, Option<Layout>>,
        spec: &Dedup,
        tuple: &Tuple,
    ) -> Option<&'a Layout> {
        let schema = tuple.schema();
        let key = std::ptr::from_ref(schema) as usize;
        layouts.entry(key).or_insert_with(|| Self::layout_for(spec, &schema.fields)).as_ref()
    }

    /// Rebuilds the index from the record (after the state was initialized or rolled back).
    pub fn rebuild(&mut self, record: &TypedMap<SysKey, SysValue>) {
        self.sources.clear();
        for (k, v) in record.data() {
            match (k, v) {
                (SysKey::Watermark(p), SysValue::Watermark(w)) => {
                    self.sources.entry(p.clone()).or_default().watermark = *w
                }
                (SysKey::Sequence(p, s), _) => {
                    self.sources.entry(p.clone()).or_default().sequences.insert(*s);
                }
                _ => {}
            }
        }
    }

    /// The identity of `tuple`, without checking or pruning anything.
    pub fn identify(&mut self, tuple: &Tuple) -> Option<Identity> {
        let layout = Self::layout(&mut self.layouts, &self.spec, tuple)?;
        identity_of(layout, tuple.values())
    }

    /// Checks `tuple` against the record, first moving its source's watermark (and pruning).
    pub fn check(&mut self, tuple: &Tuple, record: &mut TypedMap<SysKey, SysValue>) -> Check {
        let Some(layout) = Self::layout(&mut self.layouts, &self.spec, tuple) else {
            return Check::Unidentified;
        };
        let values = tuple.values();
        let Some(identity) = identity_of(layout, values) else { return Check::Unidentified };
        if let (SysKey::Sequence(source, seq), Some(w)) = (&identity.key, layout.watermark) {
            if !self.sources.contains_key(source) {
                self.sources.insert(source.clone(), Source::default());
            }
            let source_state = self.sources.get_mut(source).expect("just ensured");
            if let Some(w) = values[w].as_i64()
                && w > source_state.watermark
            {
                source_state.watermark = w;
                record.put(SysKey::Watermark(source.clone()), SysValue::Watermark(w));
                let kept = source_state.sequences.split_off(&w);
                for s in std::mem::replace(&mut source_state.sequences, kept) {
                    record.delete(&SysKey::Sequence(source.clone(), s));
                }
            }
            if *seq < source_state.watermark {
                self.skipped += 1;
                return Check::Duplicate(vec![]);
            }
        }
        let seen = match (record.get(&identity.key), &identity.position) {
            (Some(SysValue::Applied(positions)), Some(p)) => positions.get(p).cloned(),
            (Some(SysValue::Outputs(outputs)), None) => Some(outputs.clone()),
            _ => None,
        };
        match seen {
            Some(outputs) => {
                self.skipped += 1;
                Check::Duplicate(outputs)
            }
            None => Check::Fresh(identity),
        }
    }

    /// Records that the input with `identity` was applied, producing `outputs`.
    pub fn record(
        &mut self,
        identity: Identity,
        outputs: Vec<Output>,
        record: &mut TypedMap<SysKey, SysValue>,
    ) {
        self.recorded += 1;
        let Identity { key, position } = identity;
        match (position, &key) {
            (Some(position), SysKey::Sequence(source, seq)) => {
                if !self.sources.contains_key(source) {
                    self.sources.insert(source.clone(), Source::default());
                }
                let source_state = self.sources.get_mut(source).expect("just ensured");
                if *seq < source_state.watermark {
                    return; // already complete everywhere: nothing to remember
                }
                source_state.sequences.insert(*seq);
                match record.get_mut(&key) {
                    Some(SysValue::Applied(positions)) => {
                        positions.insert(position, outputs);
                    }
                    _ => {
                        record.put(key, SysValue::Applied(BTreeMap::from([(position, outputs)])));
                    }
                }
            }
            _ => {
                record.put(key, SysValue::Outputs(outputs));
            }
        }
    }
}

fn identity_of(layout: &Layout, values: &[Value]) -> Option<Identity> {
    let pick = |idx: &[usize]| -> Option<Vec<&Value>> { idx.iter().map(|i| values.get(*i)).collect() };
    match layout.sequence {
        Some(seq) => {
            let seq = values.get(seq)?.as_i64()?;
            let source = encode_values(&pick(&layout.partition)?);
            let position = encode_values(&pick(&layout.rest)?);
            Some(Identity { key: SysKey::Sequence(source, seq), position: Some(position) })
        }
        None => {
            Some(Identity { key: SysKey::Identity(encode_values(&pick(&layout.identity)?)), position: None })
        }
    }
}

/// Encodes an emit for the record.
pub(crate) fn output(stream: &str, task: Option<i32>, values: &[Value]) -> Output {
    let refs: Vec<&Value> = values.iter().collect();
    Output { stream: stream.to_owned(), task, values: encode_values(&refs) }
}

#[cfg(test)]
mod tests;
