//! The Markdown files' links to sections (`[E7](lab-notebook.md#e7-...)`, `[below](#faults-on-purpose)`)
//! point at headings that exist, as GitHub names their anchors: moving an entry of the lab
//! notebook or renaming a section cannot leave a dead link behind.

use std::collections::BTreeSet;
use std::path::Path;

use crate::cmd::repo;

/// A heading's anchor as GitHub makes it: lower case, punctuation but `-` and `_` dropped,
/// spaces to `-`.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// Every anchor of the Markdown file `path` (a repeated heading's later anchors get `-1`, `-2`),
/// headings inside code blocks left out.
fn anchors(path: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut seen = BTreeSet::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        }
        let Some(heading) = line.strip_prefix('#').filter(|_| !fenced) else {
            continue;
        };
        let base = anchor(heading.trim_start_matches('#'));
        let mut name = base.clone();
        let mut n = 0;
        while seen.contains(&name) {
            n += 1;
            name = format!("{base}-{n}");
        }
        seen.insert(name);
    }
    seen
}

/// The `(file, anchor)` targets of the section links in `text`: `](file.md#anchor)` and
/// `](#anchor)`.
fn section_links(text: &str) -> Vec<(Option<String>, String)> {
    text.match_indices("](")
        .filter_map(|(at, _)| {
            let rest = &text[at + 2..];
            let target = &rest[..rest.find(')')?];
            let (file, anchor) = target.split_once('#')?;
            if file.contains("://") || !(file.is_empty() || file.ends_with(".md")) {
                return None;
            }
            Some((
                (!file.is_empty()).then(|| file.to_owned()),
                anchor.to_owned(),
            ))
        })
        .collect()
}

#[test]
fn every_section_link_of_the_readme_the_notebook_and_the_docs_has_its_heading() {
    let root = repo();
    let mut files = vec![root.join("README.md"), root.join("lab-notebook.md")];
    for entry in std::fs::read_dir(root.join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "md") {
            files.push(path);
        }
    }
    let mut dead = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (target, name) in section_links(&text) {
            let target_path = match &target {
                Some(t) => file.parent().unwrap().join(t),
                None => file.clone(),
            };
            if !target_path.exists() || !anchors(&target_path).contains(&name) {
                dead.push(format!(
                    "{}: {}#{name}",
                    file.display(),
                    target.unwrap_or_default()
                ));
            }
        }
    }
    assert!(dead.is_empty(), "links to no heading: {dead:#?}");
    let notebook = anchors(&root.join("lab-notebook.md"));
    for part in [
        "design-decisions",
        "dated-experiments",
        "template-one-experiment",
    ] {
        assert!(notebook.contains(part), "the notebook has no {part}");
    }
}
