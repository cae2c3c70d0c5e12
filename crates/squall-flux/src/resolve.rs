//! From model definitions to [`ObjectSpec`]s (references resolved to built components) and through
//! the registry's factories, turning every [`ArgError`] into a [`FluxError`] at the offending node.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use crate::error::Problems;
use crate::model::{ArgDef, BeanDef, Located, ObjectDef};
use crate::registry::{
    Arg, ArgError, ArgOwner, ArgSite, Args, ConfigMethod, Maker, ObjectRef, ObjectSpec, Property,
};
use crate::{FluxError, Registry, Site};

/// Builds objects from definitions, remembering the components built so far.
pub(crate) struct Resolver<'a> {
    pub registry: &'a Registry,
    pub resources_dir: PathBuf,
    pub problems: Problems,
    /// Component ids in declaration order, with the site of each.
    declared: Vec<(String, Site)>,
    /// Components built so far.
    built: HashMap<String, ObjectRef>,
    /// Components whose definition failed: references to them report nothing more.
    failed: HashSet<String>,
}

impl<'a> Resolver<'a> {
    pub fn new(registry: &'a Registry, resources_dir: PathBuf, components: &[BeanDef]) -> Self {
        Self {
            registry,
            resources_dir,
            problems: Problems::default(),
            declared: components.iter().map(|c| (c.id.value.clone(), c.id.site.clone())).collect(),
            built: HashMap::new(),
            failed: HashSet::new(),
        }
    }

    /// Builds every `components` entry in order.
    pub fn build_components(&mut self, components: &[BeanDef]) {
        for bean in components {
            let id = bean.id.value.clone();
            let built = self.make(&bean.object, Some(&id), "component", |r, class| r.object(class).cloned());
            match built {
                Some(object) => {
                    let class_name = bean.object.class_name.value.clone();
                    self.built.insert(id.clone(), ObjectRef { id, class_name, object });
                }
                None => {
                    self.failed.insert(id);
                }
            }
        }
    }

    /// Makes an object of `kind` from `def` with the factory `lookup` finds for its class; records
    /// any problem and returns `None`.
    pub fn make<T>(
        &mut self,
        def: &ObjectDef,
        id: Option<&str>,
        kind: &'static str,
        lookup: impl Fn(&Registry, &str) -> Option<Maker<T>>,
    ) -> Option<T> {
        let class = &def.class_name;
        let Some(factory) = lookup(self.registry, &class.value) else {
            let registered_as = self.registry.kind_of(&class.value).map(str::to_owned);
            let error = FluxError::UnknownClass { class: class.value.clone(), kind, registered_as };
            self.problems.at(&class.site, error);
            return None;
        };
        let spec = self.spec(def, id)?;
        match factory(&spec) {
            Ok(made) => Some(made),
            Err(error) => {
                let error = render(def, &spec, error);
                self.problems.push(error);
                None
            }
        }
    }

    /// The spec of `def`, references resolved; `None` (with problems recorded) if one does not.
    fn spec(&mut self, def: &ObjectDef, id: Option<&str>) -> Option<ObjectSpec> {
        let mut ok = true;
        let (factory, arg_defs) = arg_list(def);
        let mut spec =
            ObjectSpec::new(def.class_name.value.clone()).with_resources_dir(self.resources_dir.clone());
        spec.id = id.map(str::to_owned);
        spec.factory = factory.map(|f| f.value.clone());
        let args = self.resolve_all(arg_defs.map_or(&[][..], |a| &a.value), id, &mut ok);
        spec.args = Args::new(ArgOwner::Constructor, args);
        for p in &def.properties {
            let value = self.resolve_all(std::slice::from_ref(&p.value), id, &mut ok).pop();
            spec.properties.push(Property {
                name: p.name.value.clone(),
                value: value.unwrap_or(Arg::Value(squall_api::Value::Null)),
            });
        }
        for (i, m) in def.config_methods.iter().enumerate() {
            let args = Args::new(ArgOwner::ConfigMethod(i), self.resolve_all(&m.args, id, &mut ok));
            spec.config_methods.push(ConfigMethod { name: m.name.value.clone(), args });
        }
        ok.then_some(spec)
    }

    fn resolve_all(&mut self, defs: &[ArgDef], owner: Option<&str>, ok: &mut bool) -> Vec<Arg> {
        let mut out = Vec::with_capacity(defs.len());
        for def in defs {
            match def {
                ArgDef::Value(v) => out.push(Arg::Value(v.value.clone())),
                ArgDef::Ref(r) => match self.reference(r, owner) {
                    Some(o) => out.push(Arg::Object(o)),
                    None => *ok = false,
                },
                ArgDef::RefList(list) => {
                    let objects: Vec<_> =
                        list.value.iter().filter_map(|r| self.reference(r, owner)).collect();
                    if objects.len() == list.value.len() {
                        out.push(Arg::Objects(objects));
                    } else {
                        *ok = false;
                    }
                }
            }
        }
        out
    }

    /// The component `r` names. Components may only refer to components declared above them
    /// (Storm builds them in order); spouts, bolts and groupings see them all.
    fn reference(&mut self, r: &Located<String>, owner: Option<&str>) -> Option<ObjectRef> {
        if let Some(built) = self.built.get(&r.value) {
            return Some(built.clone());
        }
        if self.failed.contains(&r.value) {
            return None;
        }
        let owner_index = owner.and_then(|o| self.declared.iter().position(|(id, _)| id == o));
        let message = match self.declared.iter().position(|(id, _)| *id == r.value) {
            Some(target) if owner_index.is_some_and(|o| target >= o) => format!(
                "reference to component '{}', which is declared at or below this one (references resolve only to components declared above)",
                r.value
            ),
            _ => {
                let above: Vec<&str> = match owner_index {
                    Some(o) => self.declared[..o].iter().map(|(id, _)| id.as_str()).collect(),
                    None => self.declared.iter().map(|(id, _)| id.as_str()).collect(),
                };
                let list = if above.is_empty() { "none".to_owned() } else { above.join(", ") };
                format!("reference to unknown component '{}' (components available here: {list})", r.value)
            }
        };
        self.problems.at(&r.site, FluxError::UnknownRef { id: r.value.clone(), message });
        None
    }
}

/// The factory name and argument list a definition uses: `constructorArgs` when given and not
/// empty (Storm ignores `factory` then), else `factory` with `factoryArgs`.
fn arg_list(def: &ObjectDef) -> (Option<&Located<String>>, Option<&Located<Vec<ArgDef>>>) {
    let has_constructor_args = def.constructor_args.as_ref().is_some_and(|a| !a.value.is_empty());
    match &def.factory {
        Some(f) if !has_constructor_args => (Some(f), def.factory_args.as_ref()),
        _ => (None, def.constructor_args.as_ref()),
    }
}

/// A factory's complaint as a located error.
fn render(def: &ObjectDef, spec: &ObjectSpec, error: ArgError) -> FluxError {
    let (factory, args) = arg_list(def);
    let args_what = if factory.is_some() { "factory arguments" } else { "constructor arguments" };
    let class_site = &def.class_name.site;
    let method = |i: usize| def.config_methods.get(i);
    let (site, what) = match error.at {
        ArgSite::Object => (class_site.clone(), "definition".to_owned()),
        ArgSite::Factory => {
            (def.factory.as_ref().map_or(class_site, |f| &f.site).clone(), "factory".to_owned())
        }
        ArgSite::Args(ArgOwner::Constructor) => {
            (args.map_or(class_site, |a| &a.site).clone(), args_what.to_owned())
        }
        ArgSite::Arg(ArgOwner::Constructor, i) => {
            let site = args
                .and_then(|a| a.value.get(i))
                .map_or_else(|| args.map_or(class_site, |a| &a.site), ArgDef::site);
            (site.clone(), args_what.to_owned())
        }
        ArgSite::Args(ArgOwner::ConfigMethod(m)) | ArgSite::Arg(ArgOwner::ConfigMethod(m), _) => {
            let arg = match error.at {
                ArgSite::Arg(_, i) => method(m).and_then(|d| d.args.get(i)).map(ArgDef::site),
                _ => None,
            };
            let name = spec.config_methods.get(m).map_or("?", |c| c.name.as_str());
            let site = arg.or_else(|| method(m).map(|d| &d.name.site)).unwrap_or(class_site);
            (site.clone(), format!("arguments to configMethod '{name}'"))
        }
        ArgSite::ConfigMethod(m) => {
            let name = spec.config_methods.get(m).map_or("?", |c| c.name.as_str());
            (method(m).map_or(class_site, |d| &d.name.site).clone(), format!("configMethod '{name}'"))
        }
        ArgSite::Property(p) => {
            let name = spec.properties.get(p).map_or("?", |c| c.name.as_str());
            (def.properties.get(p).map_or(class_site, |d| &d.name.site).clone(), format!("property '{name}'"))
        }
    };
    site.wrap(FluxError::BadArguments { what, class: def.class_name.value.clone(), problem: error.problem })
}
