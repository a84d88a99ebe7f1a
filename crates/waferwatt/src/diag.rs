//! Diagnostics: problems found in data, scenarios and requests, as data with a place.
//!
//! The library never prints; the command line renders these.

use std::fmt;

/// A place in a file: 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// Shared, so that copying a location (into every binding of a number) costs no allocation.
    pub file: std::sync::Arc<str>,
    pub line: usize,
    pub column: usize,
}

impl Location {
    /// The location of byte `offset` in `text`, a file named `file`.
    pub fn at(file: &str, text: &str, offset: usize) -> Location {
        let offset = offset.min(text.len());
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Location { file: file.into(), line, column }
    }
}

/// Where each line of a text starts, to locate many offsets in it without counting lines
/// from the start each time.
#[derive(Clone, Debug, Default)]
pub struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Lines {
        Lines { starts: std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect() }
    }
    /// The location of byte `offset` in `text` (the text these lines are of), a file named
    /// `file`: the same as [`Location::at`].
    pub fn locate(&self, file: &str, text: &str, offset: usize) -> Location {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|s| *s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = text.get(start..offset).map_or(0, |t| t.chars().count()) + 1;
        Location { file: file.into(), line, column }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One problem: what is wrong, where, with which key, what was expected, and a hint.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub message: String,
    pub location: Option<Location>,
    pub key: Option<String>,
    pub expected: Option<String>,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(message: impl Into<String>) -> Diagnostic {
        Diagnostic { message: message.into(), location: None, key: None, expected: None, hint: None }
    }
    pub fn at(mut self, location: Option<Location>) -> Diagnostic {
        self.location = location;
        self
    }
    pub fn key(mut self, key: impl Into<String>) -> Diagnostic {
        self.key = Some(key.into());
        self
    }
    pub fn expected(mut self, expected: impl Into<String>) -> Diagnostic {
        self.expected = Some(expected.into());
        self
    }
    pub fn hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }
    /// Adds "did you mean" with the names nearest to `got`, when any is near.
    pub fn suggest<'a>(self, got: &str, names: impl IntoIterator<Item = &'a str>) -> Diagnostic {
        let names: Vec<&str> = names.into_iter().collect();
        let near = nearest(got, &names);
        if near.is_empty() { self } else { self.hint(format!("did you mean {}?", quote_list(&near))) }
    }
}

/// The most characters a part of a message shows: a message quotes what it was given, and a
/// hostile input (a 5,000-character id) should not fill a screen.
pub const MAX_PART: usize = 400;
/// The most problems shown at once; the rest are counted.
pub const MAX_SHOWN: usize = 20;

/// `s`, cut to [`MAX_PART`] characters with an ellipsis.
fn capped(s: &str) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(MAX_PART) {
        Some((i, _)) => format!("{}… ({} characters in all)", &s[..i], s.chars().count()).into(),
        None => s.into(),
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", capped(&self.message))?;
        if let Some(loc) = &self.location {
            write!(f, "\n  --> {}", capped(&loc.to_string()))?;
        }
        if let Some(key) = &self.key {
            write!(f, "\n  key: {}", capped(key))?;
        }
        if let Some(expected) = &self.expected {
            write!(f, "\n  expected: {}", capped(expected))?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {}", capped(hint))?;
        }
        Ok(())
    }
}

/// A list of problems, shown one after another.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().take(MAX_SHOWN).enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        if self.0.len() > MAX_SHOWN {
            write!(f, "\n… and {} more problems", self.0.len() - MAX_SHOWN)?;
        }
        Ok(())
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

/// The names closest to `got` (by normalised Levenshtein similarity), best first, at most three.
pub fn nearest<'a>(got: &str, names: &[&'a str]) -> Vec<&'a str> {
    let mut scored: Vec<(f64, &str)> = names
        .iter()
        .map(|n| {
            let sim = strsim::normalized_levenshtein(&got.to_lowercase(), &n.to_lowercase());
            let prefix = n.starts_with(got) || got.starts_with(n);
            (if prefix { sim.max(0.75) } else { sim }, *n)
        })
        .filter(|(s, _)| *s >= 0.5)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.into_iter().take(3).map(|(_, n)| n).collect()
}

/// `a`, `b`, `c` in backticks, comma separated.
pub fn quote_list(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod lines_tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Locating by the line table gives what counting from the start gives, at every byte
        /// (multi-byte characters and empty lines included).
        #[test]
        fn lines_locate_as_counting_does(text in "[a-zé\n ]{0,80}", at in 0usize..100) {
            let mut offset = at.min(text.len());
            while !text.is_char_boundary(offset) {
                offset -= 1;
            }
            prop_assert_eq!(Lines::new(&text).locate("f", &text, offset), Location::at("f", &text, offset));
        }
    }
}
