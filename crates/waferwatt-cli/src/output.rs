//! Files a command writes, checked before any work is done: each in a directory that exists,
//! none a directory itself, and no two the same file (`report --html X --markdown X` once
//! wrote both and kept only the Markdown; a report's charts sit beside its Markdown as
//! STEM-ID.svg, so no other output may take such a name).

use std::path::{Component, Path, PathBuf};

use waferwatt::diag::Diagnostic;

use crate::Failure;

/// One file a command is asked to write.
pub struct Output<'a> {
    pub path: &'a str,
    pub flag: &'static str,
    /// A Markdown report, whose charts go beside it as STEM-ID.svg.
    pub with_charts: bool,
}

impl<'a> Output<'a> {
    pub fn file(path: &'a str, flag: &'static str) -> Output<'a> {
        Output { path, flag, with_charts: false }
    }
    /// The file of an optional flag, if given.
    pub fn opt(path: &'a Option<String>, flag: &'static str) -> Option<Output<'a>> {
        path.as_deref().map(|p| Output::file(p, flag))
    }
}

/// The path made absolute and normalised without touching the disk (`a/./b/../c` is `a/c`).
fn normal(path: &str) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| PathBuf::from(path));
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    // Where the directory exists, its real path (so that a link and its target are one file).
    match (out.parent().and_then(|d| d.canonicalize().ok()), out.file_name()) {
        (Some(dir), Some(name)) => dir.join(name),
        _ => out,
    }
}

/// Whether `p` would be one of a Markdown report's charts beside `md`.
fn is_chart_of(p: &Path, md: &Path) -> bool {
    let (Some(stem), Some(name)) =
        (md.file_stem().and_then(|s| s.to_str()), p.file_name().and_then(|s| s.to_str()))
    else {
        return false;
    };
    p.parent() == md.parent()
        && name.starts_with(&format!("{stem}-"))
        && name.to_lowercase().ends_with(".svg")
}

/// Refuses outputs that cannot be written or that would overwrite one another.
pub fn check(outputs: &[Output]) -> Result<(), Failure> {
    let mut problems = Vec::new();
    let normals: Vec<PathBuf> = outputs.iter().map(|o| normal(o.path)).collect();
    for (i, o) in outputs.iter().enumerate() {
        let p = &normals[i];
        let shown: String = o.path.chars().take(200).collect();
        if o.path.is_empty() {
            problems.push(Diagnostic::new("an empty file name").key(o.flag).expected("a file to write"));
            continue;
        }
        if p.is_dir() {
            problems.push(
                Diagnostic::new(format!("{shown} is a directory"))
                    .key(o.flag)
                    .expected("a file to write, in a directory"),
            );
        } else if !p.parent().is_some_and(Path::is_dir) {
            problems.push(
                Diagnostic::new(format!("the directory of {shown} does not exist"))
                    .key(o.flag)
                    .expected("a file in a directory that exists"),
            );
        }
        for (j, other) in outputs.iter().enumerate().take(i) {
            let q = &normals[j];
            let clash = if p == q {
                Some(format!("{} and {} name the same file, {shown}", other.flag, o.flag))
            } else if (other.with_charts && is_chart_of(p, q)) || (o.with_charts && is_chart_of(q, p)) {
                Some(format!(
                    "{shown} would be overwritten by one of the Markdown report's charts (STEM-ID.svg)"
                ))
            } else {
                None
            };
            if let Some(what) = clash {
                problems.push(Diagnostic::new(what).key(o.flag).expected("a different file for each output"));
            }
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(Failure::Input(waferwatt::diag::Diagnostics(problems))) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_file_twice_is_refused_however_it_is_written() {
        let dir = std::env::temp_dir();
        let a = dir.join("ww-out-a.html").display().to_string();
        let b = dir.join(".").join("ww-out-a.html").display().to_string();
        assert!(check(&[Output::file(&a, "--html"), Output::file(&b, "--markdown")]).is_err());
        let c = dir.join("ww-out-c.md").display().to_string();
        assert!(check(&[Output::file(&a, "--html"), Output::file(&c, "--markdown")]).is_ok());
        // A file that a Markdown report's charts would take.
        let chart = dir.join("ww-out-c-fan.svg").display().to_string();
        let md = Output { path: &c, flag: "--markdown", with_charts: true };
        assert!(check(&[md, Output::file(&chart, "--chart")]).is_err());
        // A directory, and a directory that does not exist.
        assert!(check(&[Output::file(&dir.display().to_string(), "--chart")]).is_err());
        let missing = dir.join("no-such-dir-ww").join("x.svg").display().to_string();
        assert!(check(&[Output::file(&missing, "--chart")]).is_err());
    }
}
