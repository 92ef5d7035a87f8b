//! Semantic checks of parsed spec files, producing the validated [`Api`].
//!
//! YAML syntax and unknown keys are caught while parsing (`load`); this module
//! catches everything else a spec can get wrong, each time pointing at the
//! offending node: unknown types, duplicate names, bad methods, missing paths,
//! unknown credential kinds, names that are not Rust identifiers, parameters
//! in the wrong place, and examples that do not match their types.
//!
//! Checking recovers from errors: a bad node is reported and replaced by a
//! usable stand-in (an unknown type becomes `json`, a bad name its closest
//! identifier...), so the rest of the spec is still generated and one spec
//! error gives one compile error, not a cascade of follow-on errors where
//! the code uses the generated items.
//!
//! The checks run in three passes: names of modules and types (types are
//! global to a spec directory), then type bodies and endpoints, then what
//! needs every type resolved (examples, recursion).

mod endpoint;
mod example;
pub mod names;
mod paging;
mod types;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::Path;

use serde_saphyr::{Location, Spanned};

use crate::error::SpecError;
use crate::ir::{Api, Family, Module, TypeKind, TypeRef};
use crate::load::Loaded;

pub use names::is_plain_ident;

/// How an unknown-type error starts (see `expand`: after a file failed to
/// parse, references to its types are not reported again).
pub const UNKNOWN_TYPE: &str = "unknown type `";

/// The host used when an endpoint names none.
pub const DEFAULT_HOST: &str = "api.weixin.qq.com";

/// The host of WeChat Pay endpoints when they name none.
pub const PAY_HOST: &str = "api.mch.weixin.qq.com";

/// The hand-written runtime hooks (`wechat-api/src/hooks.rs`) a spec may
/// name. `remember_thing` exists for the code generation snapshot only.
pub const KNOWN_HOOKS: &[&str] = &[
    "remember_authorization",
    "remember_authorizer_token",
    #[cfg(test)]
    "remember_thing",
];

/// How the spec is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// The spec of `wechat-api` itself (hooks allowed); otherwise a user's
    /// crate extending it.
    pub internal: bool,
}

/// The validated spec, and the errors found on the way (the spec is only
/// usable when there are none; `api` is then what could be salvaged).
#[derive(Debug)]
pub struct Validated {
    /// The spec, with stand-ins where nodes were wrong.
    pub api: Api,
    /// Every error, in file order.
    pub errors: Vec<SpecError>,
}

/// Validates every loaded file and builds the model code generation uses.
pub fn validate(files: &[Loaded], options: Options) -> Validated {
    let mut errors = Vec::new();
    // pass 1: module names and type names (types are visible everywhere)
    let mut scope = Scope::default();
    let mut seen_modules: HashMap<String, &Path> = HashMap::new();
    let mut kept = Vec::with_capacity(files.len());
    for loaded in files {
        let path = loaded.display_path.as_path();
        let mut report = Report::new(path, &mut errors);
        let name = report.snake_name(&loaded.spec.module, "module name");
        if let Some(other) = seen_modules.get(&name) {
            report.error(
                &loaded.spec.module,
                format!(
                    "duplicate module `{name}`: already defined in {}; put its endpoints in one file",
                    other.display()
                ),
            );
            continue;
        }
        seen_modules.insert(name.clone(), path);
        types::declare(&mut report, &name, &loaded.spec.types, &mut scope);
        kept.push((loaded, name));
    }
    // pass 2: type bodies and endpoints
    let mut modules = Vec::with_capacity(kept.len());
    let mut examples = Vec::new();
    let mut defined = std::collections::HashSet::new();
    for (loaded, name) in &kept {
        let path = loaded.display_path.as_path();
        let mut report = Report::new(path, &mut errors);
        let family = report.family(loaded.spec.family.as_ref());
        report.pay = family == Family::Pay;
        let mut items = Vec::with_capacity(loaded.spec.types.len());
        for def in &loaded.spec.types {
            if let Some(item) = types::define(&mut report, def, &scope, name, &mut defined) {
                items.push(item);
            }
        }
        let endpoints =
            endpoint::endpoints(&mut report, name, &loaded.spec.endpoints, &scope, options);
        for (def, endpoint) in &endpoints {
            examples.push((path, modules.len(), *def, endpoint.name.clone()));
        }
        modules.push(Module {
            name: name.clone(),
            family,
            doc: loaded.spec.doc.clone(),
            types: items,
            endpoints: endpoints.into_iter().map(|(_, e)| e).collect(),
        });
    }
    let mut api = Api {
        modules,
        files: files.iter().map(|f| f.absolute_path.clone()).collect(),
    };
    // pass 3: what needs every type: recursion, examples
    types::check_recursion(&api, &kept, &mut errors);
    for (path, module, def, name) in examples {
        let mut report = Report::new(path, &mut errors);
        let endpoint = api.modules[module]
            .endpoints
            .iter()
            .position(|e| e.name == name);
        if let Some(index) = endpoint {
            let checked = example::check_endpoint(
                &mut report,
                def,
                &api.modules[module].endpoints[index],
                &api,
            );
            if !checked {
                api.modules[module].endpoints[index].example = None;
            }
            if let Some(node) = &def.paging {
                let resolved = paging::check(
                    &mut report,
                    node,
                    &api.modules[module].endpoints[index],
                    &api,
                );
                api.modules[module].endpoints[index].paging = resolved;
            }
        }
    }
    errors.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    errors.dedup();
    Validated { api, errors }
}

/// Collects the errors of one file.
pub(crate) struct Report<'a> {
    path: &'a Path,
    errors: &'a mut Vec<SpecError>,
    /// The file is of the WeChat Pay family.
    pay: bool,
}

impl<'a> Report<'a> {
    fn new(path: &'a Path, errors: &'a mut Vec<SpecError>) -> Self {
        Self {
            path,
            errors,
            pay: false,
        }
    }

    /// Whether the file being checked is of the WeChat Pay family.
    pub fn is_pay(&self) -> bool {
        self.pay
    }

    /// The family a file's `family:` names (an error and `wechat` when unknown).
    fn family(&mut self, node: Option<&Spanned<String>>) -> Family {
        match node.map(|n| (n, n.value.as_str())) {
            None | Some((_, "wechat")) => Family::Wechat,
            Some((_, "pay")) => Family::Pay,
            Some((node, other)) => {
                self.error(
                    node,
                    format!("unknown family `{other}`: expected `wechat` (default) or `pay` (WeChat Pay API v3)"),
                );
                Family::Wechat
            }
        }
    }

    /// Records an error at a node.
    pub fn error<T>(&mut self, node: &Spanned<T>, message: impl Into<String>) {
        self.error_at(node.referenced, message);
    }

    /// Records an error at a location.
    pub fn error_at(&mut self, location: Location, message: impl Into<String>) {
        self.errors
            .push(SpecError::at(self.path, location, message));
    }

    /// Records an error at a line and column of this file.
    pub fn error_at_line(&mut self, line: u64, column: u64, message: impl Into<String>) {
        self.errors.push(SpecError {
            file: self.path.to_path_buf(),
            line,
            column,
            message: message.into(),
        });
    }

    /// A snake_case name, or the closest one (and an error).
    pub fn snake_name(&mut self, node: &Spanned<String>, what: &str) -> String {
        let name = &node.value;
        if names::is_snake_ident(name) {
            return name.clone();
        }
        let suggestion = names::suggest_snake(name);
        let why = if names::is_keyword(name) {
            format!("invalid identifier: `{name}` is a Rust keyword")
        } else {
            format!("invalid identifier `{name}`")
        };
        self.error(
            node,
            format!(
                "{why} for the {what}: expected a snake_case Rust identifier that is not a keyword (like `{suggestion}`)"
            ),
        );
        suggestion
    }
}

/// The named types of the whole spec, for resolving `type:` references.
#[derive(Debug, Default)]
pub(crate) struct Scope {
    types: HashMap<String, TypeRef>,
}

impl Scope {
    /// The type called `name`.
    pub fn get(&self, name: &str) -> Option<&TypeRef> {
        self.types.get(name)
    }

    /// Registers the type written `name` in the spec, generated as `rust`.
    fn insert(&mut self, name: &str, rust: &str, module: &str, kind: TypeKind) {
        self.types.insert(
            name.to_owned(),
            TypeRef {
                name: rust.to_owned(),
                module: module.to_owned(),
                kind,
            },
        );
    }

    /// Every type name, sorted (for "expected one of" messages).
    pub fn sorted_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.types.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }
}

/// The first error of a validation, for callers that want one.
#[cfg(test)]
pub fn first_error(validated: Validated) -> Result<Api, SpecError> {
    match validated.errors.into_iter().next() {
        Some(error) => Err(error),
        None => Ok(validated.api),
    }
}
