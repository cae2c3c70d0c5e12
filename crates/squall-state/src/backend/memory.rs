//! [`InMemoryProvider`]: state in process-wide maps.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use super::{Delta, IN_MEMORY_PROVIDER, Manifest, NamespaceStore, Prepared, StateProvider, Stored};
use crate::StateError;

#[derive(Default)]
struct Namespace {
    entries: BTreeMap<Vec<u8>, Vec<u8>>,
    manifest: Option<Manifest>,
    prepared: Option<Prepared>,
}

#[derive(Default)]
struct Store {
    namespaces: Mutex<HashMap<String, Namespace>>,
}

fn stores() -> MutexGuard<'static, HashMap<String, Arc<Store>>> {
    static STORES: OnceLock<Mutex<HashMap<String, Arc<Store>>>> = OnceLock::new();
    // A poisoned lock means a thread panicked mid-update of this map, which stays valid.
    STORES.get_or_init(Default::default).lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// State kept in maps shared by the whole process, under a store name (by default the topology's
/// name).
///
/// **Not durable.** It outlives a topology that is killed and submitted again *in the same
/// process*, which makes it a test double of a durable backend for local runs and tests; it dies
/// with the process. (Storm's in-memory provider does not even survive a restart.) Use
/// [`RedbProvider`](super::RedbProvider) or [`RedisProvider`](super::RedisProvider) for state that
/// must outlive the process.
#[derive(Clone)]
pub struct InMemoryProvider {
    name: String,
    store: Arc<Store>,
}

impl std::fmt::Debug for InMemoryProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InMemoryProvider").field("name", &self.name).finish_non_exhaustive()
    }
}

impl InMemoryProvider {
    /// The process-wide store called `name`, created empty on first use.
    pub fn named(name: &str) -> Self {
        let store = stores().entry(name.to_owned()).or_default().clone();
        Self { name: name.to_owned(), store }
    }

    /// Forgets every namespace of the store called `name` (tests starting from scratch).
    pub fn clear(name: &str) {
        stores().remove(name);
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Namespace>> {
        self.store.namespaces.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl StateProvider for InMemoryProvider {
    fn name(&self) -> &'static str {
        IN_MEMORY_PROVIDER
    }

    fn open(&self, namespace: &str) -> Result<Box<dyn NamespaceStore>, StateError> {
        Ok(Box::new(MemoryNamespace { provider: self.clone(), namespace: namespace.to_owned() }))
    }
}

struct MemoryNamespace {
    provider: InMemoryProvider,
    namespace: String,
}

impl MemoryNamespace {
    fn with<T>(&self, f: impl FnOnce(&mut Namespace) -> T) -> T {
        let mut map = self.provider.lock();
        f(map.entry(self.namespace.clone()).or_default())
    }
}

impl NamespaceStore for MemoryNamespace {
    fn load(&mut self) -> Result<Stored, StateError> {
        Ok(self.with(|ns| Stored {
            manifest: ns.manifest,
            entries: ns.entries.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            prepared: ns.prepared.clone(),
        }))
    }

    fn prepare(&mut self, prepared: &Prepared) -> Result<(), StateError> {
        self.with(|ns| ns.prepared = Some(prepared.clone()));
        Ok(())
    }

    fn commit(&mut self, manifest: &Manifest, delta: &Delta) -> Result<(), StateError> {
        self.with(|ns| {
            for (k, v) in &delta.changes {
                match v {
                    Some(v) => ns.entries.insert(k.clone(), v.clone()),
                    None => ns.entries.remove(k),
                };
            }
            ns.manifest = Some(*manifest);
            ns.prepared = None;
        });
        Ok(())
    }

    fn rollback(&mut self) -> Result<(), StateError> {
        self.with(|ns| ns.prepared = None);
        Ok(())
    }
}
