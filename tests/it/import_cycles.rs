//! No circle of imports in `src/`: between files, and between folders at every depth.
//!
//! The module graph is read from the source: every `use` tree and every `crate::`, `super::` or
//! `self::` path outside comments, strings and `#[cfg(test)]` items is resolved to the file that
//! defines it, following the re-exports of `mod.rs` files (which only declare and re-export), so a
//! path through a folder's re-export counts as a use of the file behind it. A file's uses of its
//! own folders and of its sub-modules are not edges: declaring and re-exporting is not depending.
//! A circle means two files (or folders) that can only be understood together: move the shared
//! type down to the lower layer it belongs to.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

mod source;

use source::{expand_tree, inline_paths, strip_comments_and_literals, strip_tests, use_statements};

/// A module path from the crate root, like `["analyze", "run", "pipeline"]`.
type ModPath = Vec<String>;

/// One source file as the graph sees it.
struct Module {
    /// The source with comments, literals and test-only items blanked out.
    code: String,
    /// `pub use` names: the name a user writes -> the absolute path it stands for.
    reexports: BTreeMap<String, ModPath>,
    /// `pub use x::*`: modules whose items this one re-exports.
    globs: Vec<ModPath>,
}

/// Every module of the library crate (`src/main.rs` is the binary and `tests` modules are tests).
fn read_modules(src: &Path) -> BTreeMap<ModPath, Module> {
    let mut files = Vec::new();
    collect(src, src, &mut files);
    let mut modules = BTreeMap::new();
    for (path, text) in files {
        let code = strip_tests(&strip_comments_and_literals(&text));
        modules.insert(
            path,
            Module {
                code,
                reexports: BTreeMap::new(),
                globs: Vec::new(),
            },
        );
    }
    let names: BTreeSet<ModPath> = modules.keys().cloned().collect();
    for (path, module) in &mut modules {
        for (public, tree) in use_statements(&module.code) {
            if !public {
                continue;
            }
            for used in expand_tree(&tree) {
                let Some(abs) = absolute(path, &used.path, &names) else {
                    continue;
                };
                match used.alias {
                    Some(alias) if alias == "*" => module.globs.push(abs),
                    Some(alias) => {
                        module.reexports.insert(alias, abs);
                    }
                    None => {
                        if let Some(last) = abs.last() {
                            module.reexports.insert(last.clone(), abs.clone());
                        }
                    }
                }
            }
        }
    }
    modules
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(ModPath, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("src/ and its folders are readable")
        .map(|e| e.expect("a readable directory entry").path())
        .collect();
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            collect(root, &entry, out);
            continue;
        }
        if entry.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = entry.strip_prefix(root).expect("under src/");
        let mut segs: ModPath = rel
            .with_extension("")
            .iter()
            .map(|s| s.to_string_lossy().into_owned())
            .collect();
        if segs == ["main"] || segs.last().is_some_and(|s| s == "tests") {
            continue;
        }
        if segs == ["lib"] || segs.last().is_some_and(|s| s == "mod") {
            segs.pop();
        }
        let text = std::fs::read_to_string(&entry).expect("a source file is UTF-8");
        out.push((segs, text));
    }
}

/// A path as written in module `at`, made absolute; `None` for another crate's path.
fn absolute(at: &ModPath, path: &[String], names: &BTreeSet<ModPath>) -> Option<ModPath> {
    let first = path.first()?;
    match first.as_str() {
        "crate" => Some(path[1..].to_vec()),
        "self" => Some([at.as_slice(), &path[1..]].concat()),
        "super" => {
            let mut base = at.clone();
            let mut rest = path;
            while rest.first().is_some_and(|s| s == "super") {
                base.pop();
                rest = &rest[1..];
            }
            Some([base.as_slice(), rest].concat())
        }
        _ => {
            // A path relative to this module names one of its sub-modules first.
            let child: ModPath = [at.as_slice(), &path[..1]].concat();
            names
                .contains(&child)
                .then(|| [at.as_slice(), path].concat())
        }
    }
}

/// The file an absolute path ends in: the longest module prefix, then through re-exports.
fn resolve(modules: &BTreeMap<ModPath, Module>, path: &[String], depth: usize) -> Option<ModPath> {
    let known = (0..=path.len())
        .rev()
        .find(|&i| modules.contains_key(&path[..i]))?;
    let module = path[..known].to_vec();
    let Some(item) = path.get(known) else {
        return Some(module);
    };
    if depth > 8 {
        return Some(module);
    }
    let m = &modules[&module];
    if let Some(target) = m.reexports.get(item) {
        let full = [target.as_slice(), &path[known + 1..]].concat();
        return resolve(modules, &full, depth + 1).or(Some(module));
    }
    for glob in &m.globs {
        if defines(&modules.get(glob)?.code, item) {
            return Some(glob.clone());
        }
    }
    Some(module)
}

/// Whether `code` defines an item called `name` at any level.
fn defines(code: &str, name: &str) -> bool {
    [
        "fn", "struct", "enum", "const", "static", "type", "trait", "mod",
    ]
    .iter()
    .any(|kw| code.contains(&format!("{kw} {name}")))
}

/// Each module's uses: the file it uses -> one path that shows it.
fn graph(modules: &BTreeMap<ModPath, Module>) -> BTreeMap<ModPath, BTreeMap<ModPath, String>> {
    let names: BTreeSet<ModPath> = modules.keys().cloned().collect();
    let mut edges = BTreeMap::new();
    for (at, module) in modules {
        let mut paths: Vec<Vec<String>> = use_statements(&module.code)
            .iter()
            .flat_map(|(_, tree)| expand_tree(tree))
            .map(|u| u.path)
            .collect();
        paths.extend(inline_paths(&module.code));
        let mut uses = BTreeMap::new();
        for path in paths {
            let Some(abs) = absolute(at, &path, &names) else {
                continue;
            };
            let Some(target) = resolve(modules, &abs, 0) else {
                continue;
            };
            let related = target.starts_with(at) || at.starts_with(&target);
            if !related {
                uses.entry(target).or_insert_with(|| path.join("::"));
            }
        }
        edges.insert(at.clone(), uses);
    }
    edges
}

/// The strongly connected components of more than one node (Tarjan, iterative enough for `src/`).
fn circles(edges: &BTreeMap<ModPath, BTreeSet<ModPath>>) -> Vec<Vec<ModPath>> {
    struct Tarjan<'a> {
        edges: &'a BTreeMap<ModPath, BTreeSet<ModPath>>,
        index: BTreeMap<&'a ModPath, (usize, usize)>,
        stack: Vec<&'a ModPath>,
        on: BTreeSet<&'a ModPath>,
        out: Vec<Vec<ModPath>>,
    }
    impl<'a> Tarjan<'a> {
        fn visit(&mut self, v: &'a ModPath) {
            let n = self.index.len();
            self.index.insert(v, (n, n));
            self.stack.push(v);
            self.on.insert(v);
            for w in self.edges.get(v).into_iter().flatten() {
                let w = self.edges.get_key_value(w).map_or(w, |(k, _)| k);
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.index[w].1.min(self.index[v].1);
                    self.index.get_mut(v).expect("visited").1 = low;
                } else if self.on.contains(w) {
                    let low = self.index[w].0.min(self.index[v].1);
                    self.index.get_mut(v).expect("visited").1 = low;
                }
            }
            if self.index[v].0 == self.index[v].1 {
                let mut comp = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on.remove(w);
                    comp.push(w.clone());
                    if w == v {
                        break;
                    }
                }
                if comp.len() > 1 {
                    comp.sort();
                    self.out.push(comp);
                }
            }
        }
    }
    let mut t = Tarjan {
        edges,
        index: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !t.index.contains_key(v) {
            t.visit(v);
        }
    }
    t.out
}

/// The circles of the module graph seen at `depth`: files grouped by their first `depth`
/// segments (a folder at that depth is one node), each with the uses that close it.
fn circles_at(uses: &BTreeMap<ModPath, BTreeMap<ModPath, String>>, depth: usize) -> Vec<String> {
    let group = |m: &ModPath| m[..m.len().min(depth)].to_vec();
    let mut edges: BTreeMap<ModPath, BTreeSet<ModPath>> = BTreeMap::new();
    for (from, to) in uses {
        for target in to.keys() {
            let (a, b) = (group(from), group(target));
            if a != b && !a.starts_with(&b) && !b.starts_with(&a) {
                edges.entry(a).or_default().insert(b);
            }
        }
    }
    circles(&edges)
        .into_iter()
        .map(|comp| {
            let set: BTreeSet<_> = comp.iter().cloned().collect();
            let why: Vec<String> = uses
                .iter()
                .flat_map(|(from, to)| to.iter().map(move |(t, p)| (from, t, p)))
                .filter(|(f, t, _)| {
                    let (a, b) = (group(f), group(t));
                    a != b && set.contains(&a) && set.contains(&b)
                })
                .map(|(f, _, p)| format!("    {} uses {p}", f.join("::")))
                .collect();
            format!(
                "{}\n{}",
                comp.iter()
                    .map(|m| m.join("::"))
                    .collect::<Vec<_>>()
                    .join(" <-> "),
                why.join("\n")
            )
        })
        .collect()
}

#[test]
fn no_file_or_folder_of_src_imports_in_a_circle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules = read_modules(&src);
    assert!(
        modules.len() > 100,
        "read {} modules of {}",
        modules.len(),
        src.display()
    );
    let uses = graph(&modules);
    let deepest = modules.keys().map(Vec::len).max().unwrap_or(0);
    // A circle of files that are all shallower than a depth shows again at that depth: once is enough.
    let mut found: Vec<String> = Vec::new();
    for depth in 1..=deepest {
        for circle in circles_at(&uses, depth) {
            if !found.contains(&circle) {
                found.push(circle);
            }
        }
    }
    assert!(
        found.is_empty(),
        "circles of imports in src/:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_import_reader_follows_use_trees_reexports_and_skips_comments_and_tests() {
    let code = strip_tests(&strip_comments_and_literals(
        "//! see [`super::b`]\nuse super::{a::{self, X as Y}, c::*};\nlet s = \"crate::z\";\n\
         fn f() { crate::d::e(); }\n#[cfg(test)]\nmod tests { use crate::t; }\n",
    ));
    let used: Vec<String> = use_statements(&code)
        .iter()
        .flat_map(|(_, t)| expand_tree(t))
        .map(|u| {
            format!(
                "{}{}",
                u.path.join("::"),
                u.alias.map(|a| format!(" as {a}")).unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(used, ["super::a", "super::a::X as Y", "super::c as *"]);
    assert_eq!(inline_paths(&code), [vec!["crate", "d", "e"]]);
}
