//! A real `redis-server` on a free loopback port with a temporary directory, stopped by PID when
//! dropped (also when the test panics).

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct RedisServer {
    child: Child,
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl RedisServer {
    /// Starts a server and waits (at most 20 s) until it answers PING. A port taken between
    /// choosing and binding it gets another try on another port.
    ///
    /// # Panics
    /// If `redis-server` is not installed or does not come up.
    pub fn start() -> Self {
        let mut last = String::new();
        for _ in 0..3 {
            match Self::try_start() {
                Ok(server) => return server,
                Err(e) => last = e,
            }
        }
        panic!("{last}");
    }

    fn try_start() -> Result<Self, String> {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start redis-server ({e}): the Redis backend tests need Debian's redis-server; \
                     run scripts/install-test-deps.sh"
                )
            });
        let mut server = Self { child, port, _dir: dir };
        server.await_ready()?;
        Ok(server)
    }

    fn await_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait on redis-server") {
                return Err(format!("redis-server exited at start with {status} (port {})", self.port));
            }
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() && self.ping() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!("redis-server did not answer on port {} within 20 s", self.port));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn ping(&self) -> bool {
        let Ok(client) = redis::Client::open(format!("redis://127.0.0.1:{}/", self.port)) else {
            return false;
        };
        let Ok(mut conn) = client.get_connection_with_timeout(Duration::from_secs(1)) else { return false };
        redis::cmd("PING").query::<String>(&mut conn).is_ok_and(|r| r == "PONG")
    }

    /// A connection for inspecting or tampering with the server's data.
    pub fn connection(&self) -> redis::Connection {
        redis::Client::open(format!("redis://127.0.0.1:{}/", self.port))
            .and_then(|c| c.get_connection_with_timeout(Duration::from_secs(5)))
            .expect("a connection to the test redis-server")
    }

    /// `topology.state.provider.config` for this server.
    pub fn provider_config(&self) -> String {
        format!(r#"{{"jedisPoolConfig": {{"host": "127.0.0.1", "port": {}}}}}"#, self.port)
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
