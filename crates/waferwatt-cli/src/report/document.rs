//! The report as a document: headings, paragraphs, lists, aligned tables and charts, rendered
//! as one self-contained HTML page (inline CSS and SVG, no script, no font or file fetched) or
//! as Markdown with its charts beside it.

use std::fmt::Write;

/// One block of the document.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Heading(u8, String),
    Para(String),
    /// Items of a bulleted list.
    List(Vec<String>),
    /// Text whose alignment matters (the ledgers' tables), shown in a fixed-width font.
    Pre(String),
    /// A table of cells, the first row its header.
    Table(Vec<Vec<String>>),
    /// A chart: an id (for the file beside the Markdown and the page's anchors), its caption
    /// and its SVG.
    Chart {
        id: String,
        caption: String,
        svg: String,
    },
}

/// Whether a line holds aligned columns: a run of two or more spaces after its text starts
/// (wrapped prose has single spaces only).
fn aligned(line: &str) -> bool {
    line.trim().contains("  ")
}

/// The report's text (as `waferwatt report` prints it) as blocks: an underlined heading, a
/// "Claim:" line, paragraphs (wrapped lines joined), indented items (a list) and aligned
/// tables (kept as they are).
pub fn from_text(text: &str) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.trim().is_empty() {
            i += 1;
            continue;
        }
        let next = lines.get(i + 1).copied().unwrap_or("");
        if !next.is_empty() && next.chars().all(|c| c == '-' || c == '=') {
            blocks.push(Block::Heading(2, sentence_case(line.trim())));
            i += 2;
            continue;
        }
        if let Some(claim) = line.strip_prefix("Claim: ") {
            let mut text = claim.to_string();
            i += 1;
            // A claim wraps onto the next line only when its line was full.
            while i < lines.len()
                && continues(lines[i - 1], lines[i])
                && !lines[i].trim().is_empty()
                && !lines[i].starts_with(' ')
                && !starts_block(lines[i])
            {
                text.push(' ');
                text.push_str(lines[i].trim());
                i += 1;
            }
            blocks.push(Block::Heading(3, format!("Claim: {text}")));
            continue;
        }
        let title = !line.starts_with(' ') && !line.ends_with('.') && !starts_block(line) && aligned(next);
        if aligned(line) || title {
            // A table: the lines with aligned columns (and a title line before them).
            let mut pre = vec![line];
            i += 1;
            // Aligned rows, and a section label between them (a row with one cell).
            while i < lines.len()
                && (aligned(lines[i])
                    || (!lines[i].trim().is_empty()
                        && lines.get(i + 1).is_some_and(|l| aligned(l))
                        && !starts_block(lines[i])))
            {
                pre.push(lines[i]);
                i += 1;
            }
            blocks.push(Block::Pre(pre.join("\n")));
            continue;
        }
        if line.starts_with("  ") {
            // A list: each item starts two spaces in, its wrapped lines four.
            let mut items: Vec<String> = Vec::new();
            while i < lines.len() && lines[i].starts_with("  ") && !aligned(lines[i]) {
                let l = lines[i];
                if l.starts_with("    ") {
                    if let Some(last) = items.last_mut() {
                        last.push(' ');
                        last.push_str(l.trim());
                    }
                } else {
                    items.push(l.trim().to_string());
                }
                i += 1;
            }
            blocks.push(Block::List(items));
            continue;
        }
        // A paragraph: wrapped lines joined, to the next blank, indented or special line.
        let mut text = line.trim().to_string();
        i += 1;
        while i < lines.len()
            && continues(lines[i - 1], lines[i])
            && !lines[i].trim().is_empty()
            && !lines[i].starts_with("  ")
            && !aligned(lines[i])
            && !starts_block(lines[i])
        {
            text.push(' ');
            text.push_str(lines[i].trim());
            i += 1;
        }
        blocks.push(Block::Para(text));
    }
    blocks
}

/// Words kept in capitals when a heading in capitals is set in sentence case.
const ACRONYMS: &[&str] = &["EUV", "DUV", "HBM", "AI", "GPU"];

/// "THE STRATEGY ACCOUNT: COMPUTE NOW, OR EUV FIRST?" as "The strategy account: compute now,
/// or EUV first?"; a heading not all in capitals stays as it is.
fn sentence_case(s: &str) -> String {
    if s.chars().any(|c| c.is_lowercase()) {
        return s.to_string();
    }
    let words: Vec<String> = s
        .split(' ')
        .map(|w| {
            let core: String = w.chars().filter(|c| c.is_alphanumeric()).collect();
            if ACRONYMS.contains(&core.as_str()) { w.to_string() } else { w.to_lowercase() }
        })
        .collect();
    let joined = words.join(" ");
    let mut chars = joined.chars();
    chars.next().map_or(String::new(), |f| f.to_uppercase().collect::<String>() + chars.as_str())
}

/// Whether `next` continues the line before it: the wrap (at the report's width) broke there,
/// that is, `next`'s first word would not have fitted on the line before.
fn continues(prev: &str, next: &str) -> bool {
    // The wrap keeps a unit sign with its number ("25 %"): so does this.
    let mut words = next.split_whitespace();
    let mut first = words.next().map_or(0, |w| w.chars().count());
    if let Some(unit) = words.next().filter(|w| w.starts_with('%')) {
        first += 1 + unit.chars().count();
    }
    prev.chars().count() + 1 + first > super::WIDTH
}

/// Lines that open a block of their own.
fn starts_block(line: &str) -> bool {
    ["Claim: ", "Verdict", "Finding", "note: ", "Try: "].iter().any(|p| line.starts_with(p))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// `code` spans (between backticks) as HTML.
fn inline_html(s: &str) -> String {
    let mut out = String::new();
    for (k, part) in escape(s).split('`').enumerate() {
        if k % 2 == 1 {
            let _ = write!(out, "<code>{part}</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

/// An id made of a heading's words, for anchors.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').chars().take(60).collect()
}

/// The inline style sheet: readable prose, tables and charts that fit the page.
const CSS: &str = "body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;max-width:1000px;margin:2em auto;\
padding:0 1.2em;color:#1d1d1f;line-height:1.5}h1{font-size:1.9em;margin-bottom:.2em}h2{margin-top:2.2em;\
border-bottom:2px solid #1f4e79;padding-bottom:.2em}h3{margin-top:1.6em;color:#1f4e79}pre{background:#f6f7f9;\
border:1px solid #e1e4e8;padding:.8em;overflow-x:auto;font-size:.78em;line-height:1.35}code{background:#f0f1f3;\
padding:0 .25em}figure{margin:1.5em 0;text-align:center}figure svg{max-width:100%;height:auto;border:1px solid \
#e1e4e8}figcaption{color:#555;font-size:.9em}table{border-collapse:collapse;margin:1em 0;font-size:.92em}\
td,th{border:1px solid #d0d4d9;padding:.35em .6em;text-align:left;vertical-align:top}th{background:#eef2f7}\
nav ul{columns:2}.verdict{font-weight:bold}li{margin:.25em 0}";

/// The document as one HTML page.
pub fn html(title: &str, blocks: &[Block]) -> String {
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n\
         <style>{CSS}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        escape(title),
        escape(title)
    );
    // Contents: the second-level headings.
    let toc: Vec<&String> =
        blocks.iter().filter_map(|b| if let Block::Heading(2, t) = b { Some(t) } else { None }).collect();
    if !toc.is_empty() {
        s.push_str("<nav><ul>\n");
        for t in toc {
            let _ = writeln!(s, "<li><a href=\"#{}\">{}</a></li>", slug(t), escape(t));
        }
        s.push_str("</ul></nav>\n");
    }
    for b in blocks {
        match b {
            Block::Heading(level, t) => {
                let _ = writeln!(s, "<h{level} id=\"{}\">{}</h{level}>", slug(t), inline_html(t));
            }
            Block::Para(t) => {
                let class = if t.starts_with("Verdict") || t.starts_with("Finding") {
                    " class=\"verdict\""
                } else {
                    ""
                };
                let _ = writeln!(s, "<p{class}>{}</p>", inline_html(t));
            }
            Block::List(items) => {
                s.push_str("<ul>\n");
                for it in items {
                    let _ = writeln!(s, "<li>{}</li>", inline_html(it));
                }
                s.push_str("</ul>\n");
            }
            Block::Pre(t) => {
                let _ = writeln!(s, "<pre>{}</pre>", escape(t));
            }
            Block::Table(rows) => {
                s.push_str("<table>\n");
                for (k, row) in rows.iter().enumerate() {
                    let tag = if k == 0 { "th" } else { "td" };
                    s.push_str("<tr>");
                    for c in row {
                        let _ = write!(s, "<{tag}>{}</{tag}>", inline_html(c));
                    }
                    s.push_str("</tr>\n");
                }
                s.push_str("</table>\n");
            }
            Block::Chart { id, caption, svg } => {
                let svg = svg.trim_start_matches(|c| c != '<');
                let _ = writeln!(
                    s,
                    "<figure id=\"chart-{id}\" class=\"chart\">\n{}\n<figcaption>{}</figcaption>\n</figure>",
                    svg.trim(),
                    inline_html(caption)
                );
            }
        }
    }
    s.push_str("</body>\n</html>\n");
    s
}

/// The document as Markdown; a chart is an image whose file name `file(id)` gives.
pub fn markdown(title: &str, blocks: &[Block], file: &dyn Fn(&str) -> String) -> String {
    let mut s = format!("# {title}\n\n");
    for b in blocks {
        match b {
            Block::Heading(level, t) => {
                let _ = writeln!(s, "{} {t}\n", "#".repeat(usize::from(*level)));
            }
            Block::Para(t) => {
                let t = if t.starts_with("Verdict") || t.starts_with("Finding") {
                    match t.split_once(':') {
                        Some((head, rest)) => format!("**{head}:**{rest}"),
                        None => t.clone(),
                    }
                } else {
                    t.clone()
                };
                let _ = writeln!(s, "{t}\n");
            }
            Block::List(items) => {
                for it in items {
                    let _ = writeln!(s, "- {it}");
                }
                s.push('\n');
            }
            Block::Pre(t) => {
                let _ = writeln!(s, "```text\n{t}\n```\n");
            }
            Block::Table(rows) => {
                for (k, row) in rows.iter().enumerate() {
                    let cells: Vec<String> = row.iter().map(|c| c.replace('|', "\\|")).collect();
                    let _ = writeln!(s, "| {} |", cells.join(" | "));
                    if k == 0 {
                        let _ = writeln!(s, "|{}", "---|".repeat(row.len()));
                    }
                }
                s.push('\n');
            }
            Block::Chart { id, caption, .. } => {
                let _ = writeln!(s, "![{caption}](<{}>)\n\n*{caption}*\n", file(id));
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_becomes_blocks() {
        // A full line (99 characters) wraps on; a short one ends its paragraph.
        let full = "word ".repeat(20);
        let text = format!(
            "THE TOOLS ACCOUNT\n-----------------\n{}\nends here.\nA line of its own.\n\n\
             Claim: \"a claim\"\nVerdict: SUPPORTED. Because\n  an item\n    continued\n  another\n\
             scanners to wafers\nname    value\nrow one  1\n",
            full.trim()
        );
        let b = from_text(&text);
        assert_eq!(b[0], Block::Heading(2, "The tools account".into()));
        assert_eq!(sentence_case("COMPUTE NOW, OR EUV FIRST?"), "Compute now, or EUV first?");
        assert_eq!(b[1], Block::Para(format!("{} ends here.", full.trim())));
        assert_eq!(b[2], Block::Para("A line of its own.".into()));
        assert_eq!(b[3], Block::Heading(3, "Claim: \"a claim\"".into()));
        assert_eq!(b[4], Block::Para("Verdict: SUPPORTED. Because".into()));
        assert_eq!(b[5], Block::List(vec!["an item continued".into(), "another".into()]));
        assert_eq!(b[6], Block::Pre("scanners to wafers\nname    value\nrow one  1".into()));
    }

    #[test]
    fn html_escapes_and_markdown_links_charts() {
        let blocks = vec![
            Block::Para("a < b & `code`".into()),
            Block::Chart { id: "fan".into(), caption: "the fan".into(), svg: "<svg></svg>".into() },
        ];
        let h = html("t", &blocks);
        assert!(h.contains("<p>a &lt; b &amp; <code>code</code></p>"));
        assert!(h.contains("<figure id=\"chart-fan\""));
        let m = markdown("t", &blocks, &|id| format!("report-{id}.svg"));
        assert!(m.contains("![the fan](<report-fan.svg>)"));
    }
}
