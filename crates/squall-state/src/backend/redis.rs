//! [`RedisProvider`]: state in a Redis server, Storm's `RedisKeyValueStateProvider`.

use std::collections::HashMap;
use std::time::Duration;

use redis::{ConnectionAddr, IntoConnectionInfo, RedisConnectionInfo};

use super::{
    Delta, Manifest, NamespaceStore, Prepared, REDIS_PROVIDER, StateProvider, Stored, decode_manifest,
    decode_prepared, encode_manifest, encode_prepared,
};
use crate::StateError;

const PROVIDER: &str = "redis";

/// State in a Redis server (single node).
///
/// Configured as Storm's provider is, by `topology.state.provider.config`:
/// `{"jedisPoolConfig": {"host": "127.0.0.1", "port": 6379, "database": 0, "password": "…",
/// "timeout": 2000}}`, plus squall's optional `"keyPrefix"` to share a server between topologies.
/// Storm's `jedisClusterConfig` (Redis Cluster) is not supported.
///
/// Per namespace `ns` it uses a hash `ns` (encoded key → encoded value), a string `ns$manifest` and a
/// string `ns$prepare`. Commits apply the delta, write the manifest and drop the prepared record in
/// one `MULTI`/`EXEC`; loads read all three in one too. The layout is squall's own: keys and values
/// are postcard-encoded, not Java-serialized, so Storm's stored state cannot be read.
#[derive(Clone)]
pub struct RedisProvider {
    client: redis::Client,
    timeout: Duration,
    prefix: String,
    describe: String,
}

impl std::fmt::Debug for RedisProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisProvider").field("server", &self.describe).field("prefix", &self.prefix).finish()
    }
}

impl RedisProvider {
    /// A provider for the server at `host:port`, database 0, no password.
    ///
    /// # Errors
    /// [`StateError::BadConfig`] if the address is unusable.
    pub fn new(host: &str, port: u16) -> Result<Self, StateError> {
        let settings = serde_json::json!({"jedisPoolConfig": {"host": host, "port": port}});
        let serde_json::Value::Object(map) = settings else { unreachable!("a JSON object literal") };
        Self::from_settings(&map)
    }

    /// A provider from the provider config's JSON object.
    ///
    /// # Errors
    /// [`StateError::BadConfig`] naming the bad setting.
    pub fn from_settings(settings: &serde_json::Map<String, serde_json::Value>) -> Result<Self, StateError> {
        let bad = |problem: String| StateError::BadConfig { provider: REDIS_PROVIDER, problem };
        if settings.contains_key("jedisClusterConfig") {
            return Err(bad(
                "jedisClusterConfig (Redis Cluster) is not supported; use jedisPoolConfig".into()
            ));
        }
        let empty = serde_json::Map::new();
        let pool = match settings.get("jedisPoolConfig") {
            None | Some(serde_json::Value::Null) => &empty,
            Some(serde_json::Value::Object(m)) => m,
            Some(other) => return Err(bad(format!("jedisPoolConfig must be an object, got {other}"))),
        };
        let host = match pool.get("host") {
            None | Some(serde_json::Value::Null) => "127.0.0.1".to_owned(),
            Some(serde_json::Value::String(h)) => h.clone(),
            Some(other) => return Err(bad(format!("jedisPoolConfig.host must be a string, got {other}"))),
        };
        let number = |key: &str, default: u64| -> Result<u64, StateError> {
            match pool.get(key) {
                None | Some(serde_json::Value::Null) => Ok(default),
                Some(v) => v.as_u64().ok_or_else(|| {
                    bad(format!("jedisPoolConfig.{key} must be a non-negative integer, got {v}"))
                }),
            }
        };
        let port = u16::try_from(number("port", 6379)?)
            .map_err(|_| bad("jedisPoolConfig.port is out of range".into()))?;
        let database = i64::try_from(number("database", 0)?)
            .map_err(|_| bad("jedisPoolConfig.database is out of range".into()))?;
        let timeout = Duration::from_millis(number("timeout", 2000)?.max(1));
        let mut redis_settings = RedisConnectionInfo::default().set_db(database);
        match pool.get("password") {
            None | Some(serde_json::Value::Null) => {}
            Some(serde_json::Value::String(p)) => redis_settings = redis_settings.set_password(p),
            Some(other) => {
                return Err(bad(format!("jedisPoolConfig.password must be a string, got {other}")));
            }
        }
        let prefix = match settings.get("keyPrefix") {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(p)) => p.clone(),
            Some(other) => return Err(bad(format!("keyPrefix must be a string, got {other}"))),
        };
        let describe = format!("{host}:{port}/{database}");
        let info = ConnectionAddr::Tcp(host, port)
            .into_connection_info()
            .map_err(|e| bad(e.to_string()))?
            .set_redis_settings(redis_settings);
        let client = redis::Client::open(info).map_err(|e| bad(e.to_string()))?;
        Ok(Self { client, timeout, prefix, describe })
    }
}

impl StateProvider for RedisProvider {
    fn name(&self) -> &'static str {
        REDIS_PROVIDER
    }

    fn open(&self, namespace: &str) -> Result<Box<dyn NamespaceStore>, StateError> {
        let conn = self
            .client
            .get_connection_with_timeout(self.timeout)
            .map_err(|e| StateError::backend(PROVIDER, namespace, "connecting", e))?;
        conn.set_read_timeout(Some(self.timeout))
            .and_then(|()| conn.set_write_timeout(Some(self.timeout)))
            .map_err(|e| StateError::backend(PROVIDER, namespace, "connecting", e))?;
        let key = format!("{}{namespace}", self.prefix);
        Ok(Box::new(RedisNamespace {
            conn,
            namespace: namespace.to_owned(),
            manifest: format!("{key}$manifest"),
            prepare: format!("{key}$prepare"),
            data: key,
        }))
    }
}

struct RedisNamespace {
    conn: redis::Connection,
    namespace: String,
    data: String,
    manifest: String,
    prepare: String,
}

impl RedisNamespace {
    fn fail(&self, operation: &'static str) -> impl Fn(redis::RedisError) -> StateError + '_ {
        move |e| StateError::backend(PROVIDER, &self.namespace, operation, e)
    }
}

impl NamespaceStore for RedisNamespace {
    fn load(&mut self) -> Result<Stored, StateError> {
        type Loaded = (HashMap<Vec<u8>, Vec<u8>>, Option<Vec<u8>>, Option<Vec<u8>>);
        let (entries, manifest, prepared): Loaded = redis::pipe()
            .atomic()
            .hgetall(&self.data)
            .get(&self.manifest)
            .get(&self.prepare)
            .query(&mut self.conn)
            .map_err(self.fail("loading"))?;
        Ok(Stored {
            manifest: manifest.map(|b| decode_manifest(&self.namespace, &b)).transpose()?,
            entries: entries.into_iter().collect(),
            prepared: prepared.map(|b| decode_prepared(&self.namespace, &b)).transpose()?,
        })
    }

    fn prepare(&mut self, prepared: &Prepared) -> Result<(), StateError> {
        let bytes = encode_prepared(prepared);
        redis::cmd("SET")
            .arg(&self.prepare)
            .arg(bytes)
            .query::<()>(&mut self.conn)
            .map_err(self.fail("preparing"))
    }

    fn commit(&mut self, manifest: &Manifest, delta: &Delta) -> Result<(), StateError> {
        let mut pipe = redis::pipe();
        pipe.atomic();
        for (k, v) in &delta.changes {
            match v {
                Some(v) => pipe.hset(&self.data, k, v).ignore(),
                None => pipe.hdel(&self.data, k).ignore(),
            };
        }
        pipe.set(&self.manifest, encode_manifest(manifest)).ignore();
        pipe.del(&self.prepare).ignore();
        pipe.query::<()>(&mut self.conn).map_err(self.fail("committing"))
    }

    fn rollback(&mut self) -> Result<(), StateError> {
        redis::cmd("DEL").arg(&self.prepare).query::<()>(&mut self.conn).map_err(self.fail("rolling back"))
    }
}
