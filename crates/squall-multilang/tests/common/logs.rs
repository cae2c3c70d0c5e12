//! Captures `tracing` events process-wide so tests can assert what was logged.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Mutex, OnceLock};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, SubscriberExt};

/// One captured event.
#[derive(Clone, Debug)]
pub struct Captured {
    pub level: Level,
    pub target: String,
    pub message: String,
    pub fields: BTreeMap<String, String>,
}

impl Captured {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

fn store() -> &'static Mutex<Vec<Captured>> {
    static STORE: OnceLock<Mutex<Vec<Captured>>> = OnceLock::new();
    STORE.get_or_init(Default::default)
}

struct Capture;

struct Fields<'a>(&'a mut Captured);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let text = format!("{value:?}");
        if field.name() == "message" {
            self.0.message = text;
        } else {
            self.0.fields.insert(field.name().to_owned(), text);
        }
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.0.message = value.to_owned();
        } else {
            self.0.fields.insert(field.name().to_owned(), value.to_owned());
        }
    }
}

impl<S: Subscriber> Layer<S> for Capture {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let meta = event.metadata();
        let mut captured = Captured {
            level: *meta.level(),
            target: meta.target().to_owned(),
            message: String::new(),
            fields: BTreeMap::new(),
        };
        event.record(&mut Fields(&mut captured));
        store().lock().unwrap_or_else(|e| e.into_inner()).push(captured);
    }
}

/// Installs the capturing subscriber for the whole test binary (once).
pub fn init() {
    static INIT: OnceLock<()> = OnceLock::new();
    INIT.get_or_init(|| {
        let subscriber = tracing_subscriber::registry().with(Capture);
        tracing::subscriber::set_global_default(subscriber).expect("no other global subscriber");
    });
}

/// The events captured so far that carry `component = <component>`.
pub fn of_component(component: &str) -> Vec<Captured> {
    store()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .filter(|c| c.field("component") == Some(component))
        .cloned()
        .collect()
}
