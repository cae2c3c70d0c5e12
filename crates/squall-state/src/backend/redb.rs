//! [`RedbProvider`]: state in an embedded database file on local disk (redb).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition, TableError};

use super::{
    Delta, Manifest, NamespaceStore, Prepared, REDB_PROVIDER, StateProvider, Stored, decode_manifest,
    decode_prepared, encode_manifest, encode_prepared,
};
use crate::StateError;

const PROVIDER: &str = "redb";
/// Manifest per namespace.
const MANIFESTS: TableDefinition<'static, &str, &[u8]> = TableDefinition::new("squall.state.manifest");
/// Prepared transaction per namespace.
const PREPARED: TableDefinition<'static, &str, &[u8]> = TableDefinition::new("squall.state.prepared");

fn data_table_name(namespace: &str) -> String {
    format!("squall.state.data.{namespace}")
}

/// Databases open in this process, by path: redb locks its file, so every task of every topology
/// in the process shares one handle per file. Handles stay open until [`RedbProvider::close`]:
/// closing with the last task would race with a task of the next topology reopening the file
/// (the lock is released only when the drop completes).
fn open_databases() -> std::sync::MutexGuard<'static, HashMap<PathBuf, Arc<Database>>> {
    static OPEN: OnceLock<Mutex<HashMap<PathBuf, Arc<Database>>>> = OnceLock::new();
    OPEN.get_or_init(Default::default).lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// State in a redb database file: durable across process restarts, on one machine.
///
/// Every namespace has its own table of entries; manifests and prepared transactions live in two
/// shared tables. Each prepare, commit and rollback is one redb write transaction, durable when it
/// returns. One process at a time may use a file (redb locks it); inside the process all tasks
/// share one handle, kept open until [`RedbProvider::close`].
#[derive(Clone)]
pub struct RedbProvider {
    path: PathBuf,
    db: Arc<Database>,
}

impl std::fmt::Debug for RedbProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedbProvider").field("path", &self.path).finish_non_exhaustive()
    }
}

impl RedbProvider {
    /// Opens (creating if needed, with its directory) the database file at `path`.
    ///
    /// # Errors
    /// [`StateError::Backend`] if the file cannot be created or opened (for example another
    /// process holds it).
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StateError> {
        let path = path.as_ref();
        let fail = |e: redb::Error| {
            StateError::backend(PROVIDER, &path.display().to_string(), "opening the database", e)
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| fail(redb::Error::Io(e)))?;
        }
        let key = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let mut open = open_databases();
        if let Some(db) = open.get(&key) {
            return Ok(Self { path: key, db: db.clone() });
        }
        let db = Arc::new(Database::create(&key).map_err(|e| fail(e.into()))?);
        open.insert(key.clone(), db.clone());
        Ok(Self { path: key, db })
    }

    /// Forgets this process's handle on the database file at `path`, so it closes once no task
    /// uses it any more (another process may then open it). Safe to call when it is not open.
    pub fn close(path: impl AsRef<Path>) {
        let path = path.as_ref();
        let key = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        open_databases().remove(&key);
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl StateProvider for RedbProvider {
    fn name(&self) -> &'static str {
        REDB_PROVIDER
    }

    fn open(&self, namespace: &str) -> Result<Box<dyn NamespaceStore>, StateError> {
        Ok(Box::new(RedbNamespace {
            db: self.db.clone(),
            namespace: namespace.to_owned(),
            table: data_table_name(namespace),
        }))
    }
}

struct RedbNamespace {
    db: Arc<Database>,
    namespace: String,
    table: String,
}

impl RedbNamespace {
    fn fail(&self, operation: &'static str) -> impl Fn(redb::Error) -> StateError + '_ {
        move |e| StateError::backend(PROVIDER, &self.namespace, operation, e)
    }

    fn data(&self) -> TableDefinition<'_, &'static [u8], &'static [u8]> {
        TableDefinition::new(&self.table)
    }

    /// Runs `f` in one write transaction and commits it.
    fn write(
        &self,
        operation: &'static str,
        f: impl FnOnce(&redb::WriteTransaction) -> Result<(), redb::Error>,
    ) -> Result<(), StateError> {
        let fail = self.fail(operation);
        let txn = self.db.begin_write().map_err(|e| fail(e.into()))?;
        f(&txn).map_err(&fail)?;
        txn.commit().map_err(|e| fail(e.into()))
    }
}

impl NamespaceStore for RedbNamespace {
    fn load(&mut self) -> Result<Stored, StateError> {
        let fail = self.fail("loading");
        let txn = self.db.begin_read().map_err(|e| fail(e.into()))?;
        let mut stored = Stored::default();
        match txn.open_table(self.data()) {
            Ok(table) => {
                for entry in table.iter().map_err(|e| fail(e.into()))? {
                    let (k, v) = entry.map_err(|e| fail(e.into()))?;
                    stored.entries.push((k.value().to_vec(), v.value().to_vec()));
                }
            }
            Err(TableError::TableDoesNotExist(_)) => {}
            Err(e) => return Err(fail(e.into())),
        }
        let read_record =
            |def: TableDefinition<'static, &str, &[u8]>| -> Result<Option<Vec<u8>>, StateError> {
                match txn.open_table(def) {
                    Ok(table) => {
                        let value = table.get(self.namespace.as_str()).map_err(|e| fail(e.into()))?;
                        Ok(value.map(|v| v.value().to_vec()))
                    }
                    Err(TableError::TableDoesNotExist(_)) => Ok(None),
                    Err(e) => Err(fail(e.into())),
                }
            };
        if let Some(bytes) = read_record(MANIFESTS)? {
            stored.manifest = Some(decode_manifest(&self.namespace, &bytes)?);
        }
        if let Some(bytes) = read_record(PREPARED)? {
            stored.prepared = Some(decode_prepared(&self.namespace, &bytes)?);
        }
        Ok(stored)
    }

    fn prepare(&mut self, prepared: &Prepared) -> Result<(), StateError> {
        let bytes = encode_prepared(prepared);
        let ns = self.namespace.as_str();
        self.write("preparing", |txn| {
            txn.open_table(PREPARED)?.insert(ns, bytes.as_slice())?;
            Ok(())
        })
    }

    fn commit(&mut self, manifest: &Manifest, delta: &Delta) -> Result<(), StateError> {
        let bytes = encode_manifest(manifest);
        let ns = self.namespace.as_str();
        let data = self.data();
        self.write("committing", |txn| {
            {
                let mut table = txn.open_table(data)?;
                for (k, v) in &delta.changes {
                    match v {
                        Some(v) => {
                            table.insert(k.as_slice(), v.as_slice())?;
                        }
                        None => {
                            table.remove(k.as_slice())?;
                        }
                    }
                }
            }
            txn.open_table(MANIFESTS)?.insert(ns, bytes.as_slice())?;
            txn.open_table(PREPARED)?.remove(ns)?;
            Ok(())
        })
    }

    fn rollback(&mut self) -> Result<(), StateError> {
        let ns = self.namespace.as_str();
        self.write("rolling back", |txn| {
            txn.open_table(PREPARED)?.remove(ns)?;
            Ok(())
        })
    }
}
