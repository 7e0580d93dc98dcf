//! `logiclock grade DIR`: every sub-folder of DIR read as a submission, graded on two threads,
//! and the class report written (`grade.md`, `grade.json`, `grade.csv`, atomically) and its
//! table printed. Exit 0 only when every submission passes every rule.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::report;
use super::rule::Options;
use super::rules::{grade_submission, Graded};
use crate::exit::{Exit, Failed, Outcome};
use crate::foreign::{read_submission, Mapping};

/// A validated `grade` command line.
#[derive(Debug)]
pub(crate) struct Request {
    pub dir: PathBuf,
    pub out: PathBuf,
    pub mapping: Mapping,
    pub options: Options,
}

/// Why a class could not be graded.
#[derive(Debug, thiserror::Error)]
pub(crate) enum GradeError {
    #[error("failed to read the class folder {}: {source}", path.display())]
    Dir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the class folder {} has no sub-folders: grade wants one folder per submission", .0.display())]
    Empty(PathBuf),
    #[error("failed to write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The submission folders of `dir`, sorted by name: not hidden ones, not `__MACOSX` (what
/// unzipping on a Mac leaves), and not `out`, where the report goes, should it be inside.
fn submissions(dir: &Path, out: &Path) -> Result<Vec<PathBuf>, GradeError> {
    let failed = |source| GradeError::Dir {
        path: dir.to_owned(),
        source,
    };
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    let mut folders: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(failed)?
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            !name.starts_with('.') && name != "__MACOSX"
        })
        .map(|e| e.path())
        .filter(|p| p.is_dir() && !same(p, out))
        .collect();
    folders.sort();
    if folders.is_empty() {
        return Err(GradeError::Empty(dir.to_owned()));
    }
    Ok(folders)
}

/// Grade every folder, two at a time, in the order given.
fn grade_all(folders: &[PathBuf], mapping: &Mapping, options: &Options) -> Vec<Graded> {
    let next = AtomicUsize::new(0);
    let mut graded: Vec<(usize, Graded)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(folder) = folders.get(i) else { break };
                        let name = folder
                            .file_name()
                            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
                        let submission = read_submission(folder, mapping);
                        mine.push((i, grade_submission(&name, &submission, options)));
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("grading a submission does not panic"))
            .collect()
    });
    graded.sort_by_key(|(i, _)| *i);
    graded.into_iter().map(|(_, g)| g).collect()
}

/// Carry out `grade`.
pub(crate) fn run(request: &Request) -> Outcome {
    let folders =
        submissions(&request.dir, &request.out).map_err(|e| Failed::new(Exit::BadInput, e))?;
    let class = grade_all(&folders, &request.mapping, &request.options);
    let write = |name: &str, text: String| {
        let path = request.out.join(name);
        crate::atomic_file::write(&path, text.as_bytes())
            .map_err(|source| Failed::new(Exit::NotClean, GradeError::Write { path, source }))
    };
    std::fs::create_dir_all(&request.out).map_err(|source| {
        let path = request.out.clone();
        Failed::new(Exit::NotClean, GradeError::Write { path, source })
    })?;
    write("grade.md", report::markdown(&class, &request.options))?;
    write("grade.json", report::json(&class, &request.options))?;
    write("grade.csv", report::csv(&class))?;
    crate::stdout::print(&crate::analyze::report::terminal::fit(&report::verdicts(
        &class, false,
    )));
    let passed = class.iter().filter(|g| g.passed()).count();
    eprintln!(
        "{passed} of {} submissions pass; wrote {}/grade.md, grade.json and grade.csv",
        class.len(),
        request.out.display()
    );
    Ok(if passed == class.len() {
        Exit::Clean
    } else {
        Exit::NotClean
    })
}
