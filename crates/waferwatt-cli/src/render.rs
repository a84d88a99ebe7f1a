//! Rendering helpers: human number formats, aligned text tables, CSV.

use clap::ValueEnum;

/// Output formats of every command.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    #[default]
    Table,
    Json,
    Csv,
}

/// A number for people: three significant figures with k/M/B/T, or scientific for huge ones.
pub fn human(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".to_string();
    }
    let a = x.abs();
    // Thresholds sit just below each power of a thousand, so that 999,999 reads 1.00 M.
    let (v, suffix) = if a >= 999.5e12 {
        return format!("{x:.3e}");
    } else if a >= 999.5e9 {
        (x / 1e12, " T")
    } else if a >= 999.5e6 {
        (x / 1e9, " B")
    } else if a >= 999.5e3 {
        (x / 1e6, " M")
    } else if a >= 1e3 {
        (x / 1e3, " k")
    } else {
        (x, "")
    };
    format!("{}{suffix}", sig3(v))
}

/// Three significant figures, without trailing zeros beyond them. Never NaN or inf: a number
/// that is not finite (which the commands refuse before rendering) reads "n/a", and the
/// smallest and largest numbers are written in exponent form without rounding through a
/// power of ten that would underflow (5e-324 once read NaN).
pub fn sig3(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".to_string();
    }
    let a = v.abs();
    if a == 0.0 {
        return "0".to_string();
    }
    if !(0.001..999_500.0).contains(&a) {
        return format!("{v:.2e}");
    }
    // Round to three significant figures first, so that 0.9999 reads 1.00, not 1.000.
    let scale = 10f64.powf(a.log10().floor() - 2.0);
    let v = (v / scale).round() * scale;
    let a = v.abs();
    if a >= 1e6 {
        format!("{v:.2e}")
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        let decimals = (2.0 - a.log10().floor()) as usize;
        format!("{v:.decimals$}")
    }
}

/// Like [`sig3`], without trailing zeros after the point: for prose ("5-year life").
pub fn short(v: f64) -> String {
    let s = sig3(v);
    if s.contains('.') && !s.contains('e') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

pub fn usd(x: f64) -> String {
    if x < 0.0 { format!("-${}", human(-x)) } else { format!("${}", human(x)) }
}

pub fn percent(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".to_string();
    }
    let p = x * 100.0;
    if !p.is_finite() || p.abs() >= 1e6 {
        // (A share this large is a ratio gone wrong; written so that it still reads.)
        return format!("{} × 100 %", sig3(x));
    }
    // Near 100 % the tenth matters (a 99.5 % bond yield is not a 100 % one).
    if p.abs() >= 10.0 && !(99.0..100.0).contains(&p.abs()) {
        format!("{p:.0} %")
    } else {
        format!("{p:.1} %")
    }
}

/// A share with its sign: +5.7 %, −26 %.
pub fn signed(x: f64) -> String {
    with_sign(x, percent)
}

/// A number with its sign: +21.4 k, −931.
pub fn signed_human(x: f64) -> String {
    with_sign(x, human)
}

/// Dollars with their sign: +$18.4 M, −$1.65 M.
pub fn signed_usd(x: f64) -> String {
    with_sign(x, usd)
}

fn with_sign(x: f64, write: fn(f64) -> String) -> String {
    format!("{}{}", if x >= 0.0 { "+" } else { "−" }, write(x.abs()))
}

/// A plain number for machines: shortest round-trip form; non-finite numbers never appear
/// because the commands refuse them before rendering.
pub fn plain(x: f64) -> String {
    let a = x.abs();
    if a != 0.0 && !(1e-4..1e15).contains(&a) { format!("{x:e}") } else { format!("{x}") }
}

/// What a row of a table is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    Plain,
    /// Under the row or section above it (its label indented).
    Under,
    /// A section title: a label and no cells.
    Section,
}

/// A row of a table: its kind and its cells (the label first).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub kind: RowKind,
    pub cells: Vec<String>,
}

/// A table: an optional caption, a header and typed rows of cells, and notes under it; the
/// first column is left-aligned, the others right-aligned. Printed as aligned text by the
/// commands, drawn as an HTML or Markdown table by the report.
#[derive(Default, Clone, Debug, PartialEq)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Row>,
    /// How many columns, from the left, are left-aligned (text); the rest are right-aligned.
    left: usize,
    /// What the table shows, printed above it.
    pub caption: Option<String>,
    /// Lines printed under it, as they are ("note: …").
    pub notes: Vec<String>,
}

/// How far a row's label is indented in text, under the row or section above it.
const INDENT: &str = "  ";

impl Table {
    pub fn new(header: Vec<String>) -> Table {
        Table { header, rows: Vec::new(), left: 1, caption: None, notes: Vec::new() }
    }
    /// Left-aligns the first `n` columns.
    pub fn left_aligned(mut self, n: usize) -> Table {
        self.left = n;
        self
    }
    pub fn captioned(mut self, caption: impl Into<String>) -> Table {
        self.caption = Some(caption.into());
        self
    }
    /// A caption that says what the table shows, before the one it has (which stays, as detail).
    pub fn led(mut self, lead: &str) -> Table {
        self.caption = Some(match self.caption.take() {
            Some(c) => format!("{lead} ({c})"),
            None => lead.to_string(),
        });
        self
    }
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(Row { kind: RowKind::Plain, cells });
    }
    /// A row under the row or section above it.
    pub fn under(&mut self, cells: Vec<String>) {
        self.rows.push(Row { kind: RowKind::Under, cells });
    }
    /// A row with a label in the first column and nothing else (a section title).
    pub fn section(&mut self, label: &str) {
        self.rows.push(Row { kind: RowKind::Section, cells: vec![label.to_string()] });
    }
    pub fn header(&self) -> &[String] {
        &self.header
    }
    /// The rows under the header.
    pub fn body(&self) -> &[Row] {
        &self.rows
    }
    /// How many columns the widest row has.
    pub fn columns(&self) -> usize {
        self.rows.iter().map(|r| r.cells.len()).chain([self.header.len()]).max().unwrap_or(0)
    }
    /// Whether column `i` holds text (left-aligned) rather than numbers.
    pub fn is_text(&self, i: usize) -> bool {
        i < self.left
    }
    /// The table as the commands print it: its caption wrapped, the aligned rows, its notes.
    pub fn text(&self) -> String {
        let mut s = self.caption.as_ref().map(|c| wrap(c, crate::report::WIDTH)).unwrap_or_default();
        s.push_str(&self.render());
        for n in &self.notes {
            s.push_str(&wrap(n, crate::report::WIDTH));
        }
        s
    }
    /// The table as CSV: the header and every row (a row under another keeps its label as is).
    pub fn csv(&self) -> String {
        std::iter::once(csv_line(&self.header)).chain(self.rows.iter().map(|r| csv_line(&r.cells))).collect()
    }
    /// A row's cells as printed: an indented label for a row under another.
    fn printed(row: &Row) -> Vec<String> {
        let mut cells = row.cells.clone();
        if let (RowKind::Under, Some(first)) = (row.kind, cells.first_mut()) {
            first.insert_str(0, INDENT);
        }
        cells
    }
    pub fn render(&self) -> String {
        let cols = self.columns();
        // A header of empty cells prints no line of its own.
        let header = self.header.iter().any(|h| !h.is_empty()).then(|| (RowKind::Plain, self.header.clone()));
        let printed: Vec<(RowKind, Vec<String>)> =
            header.into_iter().chain(self.rows.iter().map(|r| (r.kind, Self::printed(r)))).collect();
        let mut widths = vec![0; cols];
        for (kind, row) in &printed {
            if *kind == RowKind::Section {
                continue;
            }
            for (i, cell) in row.iter().enumerate() {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
        let mut out = String::new();
        for (kind, row) in &printed {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate() {
                let pad = widths[i].saturating_sub(cell.chars().count());
                if i > 0 {
                    line.push_str("  ");
                }
                if i < self.left {
                    line.push_str(cell);
                    if *kind != RowKind::Section {
                        line.push_str(&" ".repeat(pad));
                    }
                } else {
                    line.push_str(&" ".repeat(pad));
                    line.push_str(cell);
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// Units and magnitudes written after a number with a space, which a line never breaks before.
const UNITS: &[&str] =
    &["k", "M", "B", "T", "mm", "nm", "mm²", "W", "kW", "MW", "GW", "kWh", "MWh", "GWh", "TWh", "h", "s"];

/// Wraps each line longer than `width` at spaces. A continuation keeps the line's indent,
/// plus two spaces when the line was itself indented (an item of a list).
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        let cont = " ".repeat(if indent > 0 { indent + 2 } else { 0 });
        let mut current = " ".repeat(indent);
        let mut empty = true;
        // A unit stays with its number: "8.2 %", "50.0 k", "300 mm" never break before the unit.
        let mut words: Vec<String> = Vec::new();
        for w in line.split_whitespace() {
            // A unit alone ("mm,") or ending a range's low ("k–50.0").
            let head = w.split('–').next().unwrap_or(w).trim_end_matches([',', '.', ';', ':', ')']);
            let unit = UNITS.contains(&head);
            match words.last_mut() {
                Some(last)
                    if w.starts_with('%') || (unit && last.ends_with(|c: char| c.is_ascii_digit())) =>
                {
                    last.push(' ');
                    last.push_str(w);
                }
                _ => words.push(w.to_string()),
            }
        }
        for word in &words {
            if !empty && current.chars().count() + 1 + word.chars().count() > width {
                out.push_str(&current);
                out.push('\n');
                current = cont.clone();
                empty = true;
            }
            if !empty {
                current.push(' ');
            }
            current.push_str(word);
            empty = false;
        }
        out.push_str(&current);
        out.push('\n');
    }
    out
}

/// `n thing` or `n things`.
pub fn count(n: usize, thing: &str) -> String {
    if n == 1 { format!("1 {thing}") } else { format!("{n} {thing}s") }
}

/// One CSV field, quoted when it needs to be (RFC 4180).
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

pub fn csv_line(fields: &[String]) -> String {
    let mut line = fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(",");
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_numbers() {
        assert_eq!(human(30.84e6), "30.8 M");
        assert_eq!(human(5.576e6), "5.58 M");
        assert_eq!(human(989.4), "989");
        assert_eq!(human(0.0892), "0.0892");
        assert_eq!(human(3.79e25), "3.790e25");
        assert_eq!(usd(1234.0), "$1.23 k");
        assert_eq!(human(999.0), "999");
        assert_eq!(human(999_999.0), "1.00 M");
        assert_eq!(percent(0.0612), "6.1 %");
        assert_eq!(short(5.0), "5");
        assert_eq!(short(0.150), "0.15");
        assert_eq!(short(1.82), "1.82");
    }

    #[test]
    fn no_number_reads_nan_or_inf() {
        // The smallest subnormal once read NaN (a rounding scale of 10^-326 underflows to 0).
        assert_eq!(sig3(5e-324), "4.94e-324");
        assert_eq!(sig3(-1e-310), "-1.00e-310");
        assert_eq!(sig3(f64::MAX), "1.80e308");
        assert_eq!(sig3(999_999.0), "1.00e6");
        assert_eq!(sig3(0.000_999_9), "1.00e-3");
        assert_eq!(sig3(0.9999), "1.00");
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(sig3(v), "n/a");
            assert_eq!(human(v), "n/a");
            assert_eq!(percent(v), "n/a");
        }
        for v in [5e-324, 1e-300, 1e300, f64::MAX, -f64::MAX, 1e-5, 123.456] {
            for s in [sig3(v), human(v), short(v), usd(v), percent(v), signed(v), plain(v)] {
                assert!(!s.contains("NaN") && !s.contains("inf"), "{v}: {s}");
            }
        }
    }

    #[test]
    fn wrap_keeps_indents_and_short_lines() {
        assert_eq!(wrap("short", 10), "short\n");
        assert_eq!(wrap("one two three four", 9), "one two\nthree\nfour\n");
        assert_eq!(wrap("  item with words", 10), "  item\n    with\n    words\n");
        assert_eq!(wrap("cost 8.2 % more", 8), "cost\n8.2 %\nmore\n");
        assert_eq!(wrap("a 300 mm wafer", 7), "a\n300 mm\nwafer\n");
        assert_eq!(wrap("of 50.0 k wafers", 8), "of\n50.0 k\nwafers\n");
        assert_eq!(wrap("range 30.0 k–50.0 k", 12), "range\n30.0 k–50.0 k\n");
    }

    #[test]
    fn csv_quotes_only_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
