//! The report as a document: a tree of sections, paragraphs, lists, tables, claims and figures,
//! built from the accounts' typed results, and three renderers that draw the same document as
//! text, Markdown and one self-contained HTML page. Nothing here reads rendered text back.
//!
//! Inline markup is the one kind the authors of the report write: a span between backticks is
//! code (a command or a data key to type), in every renderer.

use std::fmt::Write;

use waferwatt::accounts::verdict::Verdict;

use crate::Failure;
use crate::chart::{self, Chart, Plot};
use crate::render::{RowKind, Table, wrap};

/// The report's width as text.
use super::WIDTH;

/// The whole document.
pub struct Doc {
    pub title: String,
    /// What the report is, in one paragraph.
    pub intro: String,
    pub cite: Cite,
    /// Each claim in one line, up front.
    pub summary: Vec<Summary>,
    pub blocks: Vec<Block>,
    /// After the accounts: on the page and in the Markdown; the terminal says where to find it.
    pub appendix: Vec<Block>,
    /// What the text says instead of the appendix.
    pub appendix_pointer: String,
}

/// How to cite the report: the version, the data in force, the date and the command.
pub struct Cite {
    pub version: String,
    /// A hash of every number and text of the data in force (built-in, scenario and `--set`).
    pub data: String,
    pub date: String,
    pub command: String,
}

impl Cite {
    pub fn line(&self) -> String {
        format!("waferwatt {}, data {}, {}: `{}`", self.version, self.data, self.date, self.command)
    }
}

/// A claim in one line: what was said, the verdict, the number that decides it and its range.
pub struct Summary {
    pub id: String,
    pub says: String,
    pub verdict: Verdict,
    /// Whose numbers answer it, briefly.
    pub actor: String,
    pub number: String,
    /// p5–p95 over the data's ranges, or a published figure's range.
    pub range: String,
}

/// One block of the document.
pub enum Block {
    /// A heading: 2 for an account, 3 within one.
    Heading(u8, String),
    /// A paragraph, with a word set apart before it ("Finding").
    Para {
        lead: Option<&'static str>,
        text: String,
    },
    List(Vec<Item>),
    Table(Table),
    Claim(Box<Claim>),
    Figure(Box<Figure>),
}

/// An item of a list, with items under it; an item whose numbers are a table carries it (the
/// page and the Markdown draw the table, the terminal the words).
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub text: String,
    pub sub: Vec<Item>,
    pub table: Option<Table>,
}

impl Item {
    pub fn new(text: impl Into<String>) -> Item {
        Item { text: text.into(), sub: Vec::new(), table: None }
    }
}

/// A claim of the commentary and what the numbers say of it.
pub struct Claim {
    pub id: String,
    pub says: String,
    /// How its figure is read (" (read as 45 %–55 %)"), or empty.
    pub read_as: String,
    /// The proposition tested, and for whom.
    pub tested: String,
    pub verdict: Verdict,
    /// The verdict in a sentence for people.
    pub sentence: String,
    /// The numbers behind it, its parts, what moves it.
    pub items: Vec<Item>,
}

/// A chart: its title, a caption that says what to see, and its data, drawn when rendered.
pub struct Figure {
    pub id: String,
    pub title: String,
    pub caption: String,
    pub plot: Plot,
}

/// Blocks built one after another, list items joining the list before them.
#[derive(Default)]
pub struct Blocks(pub Vec<Block>);

impl Blocks {
    pub fn heading(&mut self, level: u8, text: impl Into<String>) {
        self.0.push(Block::Heading(level, text.into()));
    }
    pub fn para(&mut self, text: impl Into<String>) {
        self.0.push(Block::Para { lead: None, text: text.into() });
    }
    /// A paragraph that states what the numbers show.
    pub fn finding(&mut self, text: impl Into<String>) {
        self.0.push(Block::Para { lead: Some("Finding"), text: text.into() });
    }
    /// An item of the list this block continues, or of a new list.
    pub fn item(&mut self, text: impl Into<String>) {
        let item = Item::new(text);
        match self.0.last_mut() {
            Some(Block::List(items)) => items.push(item),
            _ => self.0.push(Block::List(vec![item])),
        }
    }
    /// An item under the last item.
    pub fn sub(&mut self, text: impl Into<String>) {
        match self.0.last_mut() {
            Some(Block::List(items)) if !items.is_empty() => {
                if let Some(last) = items.last_mut() {
                    last.sub.push(Item::new(text));
                }
            }
            _ => self.item(text),
        }
    }
    pub fn table(&mut self, t: Table) {
        self.0.push(Block::Table(t));
    }
    pub fn claim(&mut self, c: Claim) {
        self.0.push(Block::Claim(Box::new(c)));
    }
    pub fn figure(&mut self, id: &str, title: impl Into<String>, caption: impl Into<String>, plot: Plot) {
        self.0.push(Block::Figure(Box::new(Figure {
            id: id.into(),
            title: title.into(),
            caption: caption.into(),
            plot,
        })));
    }
    pub fn extend(&mut self, other: Blocks) {
        self.0.extend(other.0);
    }
}

/// The verdict as a reader sees it.
pub fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Supported => "Supported",
        Verdict::Partly => "Partly supported",
        Verdict::NotSupported => "Not supported",
        Verdict::Unsettled => "Unsettled",
        Verdict::NotMeasured => "Not measured",
    }
}

/// An id made of a text's words, for anchors.
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

// --- text -------------------------------------------------------------------------------------

fn text_items(items: &[Item], indent: usize, s: &mut String) {
    for it in items {
        s.push_str(&wrap(&format!("{}{}", " ".repeat(indent), it.text), WIDTH));
        text_items(&it.sub, indent + 2, s);
    }
}

/// The summary as a table, in every renderer.
fn summary_table(doc: &Doc) -> Table {
    let mut t =
        Table::new(["claim", "verdict", "the number", "range", "whose numbers"].map(String::from).to_vec())
            .left_aligned(5)
            .captioned(
                "The claims in brief: each claim of the commentary, the verdict, and the number it turns on",
            );
    for c in &doc.summary {
        t.row(vec![
            format!("\"{}\"", c.says),
            verdict_word(c.verdict).to_string(),
            c.number.clone(),
            c.range.clone(),
            c.actor.clone(),
        ]);
    }
    t
}

/// The document as the terminal prints it: headings underlined, prose wrapped, tables aligned;
/// charts are left to the page and the Markdown.
pub fn text(doc: &Doc) -> String {
    let mut s = format!("{}\n{}\n", doc.title, "=".repeat(doc.title.chars().count()));
    s.push_str(&wrap(&doc.intro, WIDTH));
    s.push_str(&wrap(&format!("Cite as: {}.", doc.cite.line()), WIDTH));
    s.push_str("\nIN BRIEF\n--------\n");
    for c in &doc.summary {
        s.push_str(&wrap(
            &format!(
                "  {}: \"{}\": {}{}.",
                verdict_word(c.verdict).to_uppercase(),
                c.says,
                c.number,
                if c.range.is_empty() { String::new() } else { format!(" ({})", c.range) }
            ),
            WIDTH,
        ));
    }
    let mut last_was_list = false;
    // One blank line before a block set apart (a heading, a table, a claim), never two.
    let apart = |s: &mut String| {
        if !s.ends_with("\n\n") {
            s.push('\n');
        }
    };
    for b in &doc.blocks {
        match b {
            Block::Heading(level, t) => {
                apart(&mut s);
                if *level <= 2 {
                    let t = t.to_uppercase();
                    let _ = writeln!(s, "{t}\n{}", "-".repeat(t.chars().count()));
                } else {
                    let _ = writeln!(s, "{t}");
                }
            }
            Block::Para { lead, text } => {
                if last_was_list {
                    apart(&mut s);
                }
                let t = match lead {
                    Some(l) => format!("{l}: {text}"),
                    None => text.clone(),
                };
                s.push_str(&wrap(&t, WIDTH));
            }
            Block::List(items) => text_items(items, 2, &mut s),
            Block::Table(t) => {
                apart(&mut s);
                s.push_str(&t.text());
                s.push('\n');
            }
            Block::Claim(c) => {
                apart(&mut s);
                s.push_str(&wrap(&format!("Claim: \"{}\"{}", c.says, c.read_as), WIDTH));
                s.push_str(&wrap(&format!("Tested: {}", c.tested), WIDTH));
                s.push_str(&wrap(
                    &format!("Verdict: {}. {}", verdict_word(c.verdict).to_uppercase(), c.sentence),
                    WIDTH,
                ));
                text_items(&c.items, 2, &mut s);
            }
            Block::Figure(_) => {}
        }
        last_was_list = matches!(b, Block::List(_) | Block::Claim(_));
    }
    apart(&mut s);
    s.push_str(&wrap(&doc.appendix_pointer, WIDTH));
    s
}

// --- Markdown ---------------------------------------------------------------------------------

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', "<br>")
}

fn md_table(t: &Table, s: &mut String) {
    if let Some(c) = &t.caption {
        let _ = writeln!(s, "**{}**\n", c.replace('\n', " "));
    }
    let cols = t.columns();
    let cell = |cells: &[String], i: usize| md_cell(cells.get(i).map_or("", String::as_str));
    let header: Vec<String> = (0..cols).map(|i| cell(t.header(), i)).collect();
    let _ = writeln!(s, "| {} |", header.join(" | "));
    let align: Vec<&str> = (0..cols).map(|i| if t.is_text(i) { "---" } else { "---:" }).collect();
    let _ = writeln!(s, "|{}|", align.join("|"));
    for row in t.body() {
        let mut cells: Vec<String> = (0..cols).map(|i| cell(&row.cells, i)).collect();
        match (row.kind, cells.first_mut()) {
            (RowKind::Section, Some(first)) => *first = format!("**{first}**"),
            (RowKind::Under, Some(first)) => first.insert_str(0, "&nbsp;&nbsp;"),
            _ => {}
        }
        let _ = writeln!(s, "| {} |", cells.join(" | "));
    }
    s.push('\n');
    for n in &t.notes {
        let _ = writeln!(s, "*{n}*\n");
    }
}

fn md_items(items: &[Item], depth: usize, s: &mut String) {
    for it in items {
        match &it.table {
            // A table cannot sit inside a list item: the list pauses for it.
            Some(t) => {
                s.push('\n');
                md_table(t, s);
            }
            None => {
                let _ = writeln!(s, "{}- {}", "  ".repeat(depth), it.text);
            }
        }
        md_items(&it.sub, depth + 1, s);
    }
}

/// The document as Markdown; a figure is an image whose file `file(id, "svg")` names, its data
/// the CSV `file(id, "csv")` beside it.
pub fn markdown(doc: &Doc, file: &dyn Fn(&str, &str) -> String) -> String {
    let mut s = format!("# {}\n\n{}\n\n*Cite as: {}.*\n\n", doc.title, doc.intro, doc.cite.line());
    s.push_str("## In brief\n\n");
    md_table(&summary_table(doc), &mut s);
    for b in doc.blocks.iter().chain(&doc.appendix) {
        match b {
            Block::Heading(level, t) => {
                let _ = writeln!(s, "{} {t}\n", "#".repeat(usize::from(*level)));
            }
            Block::Para { lead, text } => {
                let _ = match lead {
                    Some(l) => writeln!(s, "**{l}:** {text}\n"),
                    None => writeln!(s, "{text}\n"),
                };
            }
            Block::List(items) => {
                md_items(items, 0, &mut s);
                s.push('\n');
            }
            Block::Table(t) => md_table(t, &mut s),
            Block::Claim(c) => {
                let _ = writeln!(s, "### Claim: \"{}\"{}\n", c.says, c.read_as);
                let _ = writeln!(s, "Tested: {}\n", c.tested);
                let _ = writeln!(s, "**{}.** {}\n", verdict_word(c.verdict), c.sentence);
                md_items(&c.items, 0, &mut s);
                s.push('\n');
            }
            Block::Figure(f) => {
                let _ = writeln!(
                    s,
                    "![{}](<{}>)\n\n*{}. {}* [The chart's data (CSV)](<{}>)\n",
                    f.title,
                    file(&f.id, "svg"),
                    f.title,
                    f.caption,
                    file(&f.id, "csv")
                );
            }
        }
    }
    s
}

// --- HTML -------------------------------------------------------------------------------------

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Text with its `code` spans, as HTML.
fn inline(s: &str) -> String {
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

/// The style sheet: prose in a readable measure, tables that scroll inside their box on a
/// narrow screen, charts that shrink to fit, and a print layout.
const CSS: &str = "\
*{box-sizing:border-box}\
body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;max-width:1040px;margin:0 auto;padding:1em 1.2em 3em;\
color:#1d1d1f;line-height:1.5;overflow-wrap:break-word}\
h1{font-size:1.7em;line-height:1.25;margin:.4em 0 .2em}\
h2{margin-top:2.2em;border-bottom:2px solid #1f4e79;padding-bottom:.2em}\
h3{margin-top:1.6em;color:#1f4e79}\
p,li,figcaption{overflow-wrap:anywhere}td,th,caption{overflow-wrap:break-word}\
code{background:#f0f1f3;padding:0 .25em;font-size:.92em}\
.cite{color:#555;font-size:.88em}\
.scroll{overflow-x:auto;max-width:100%;margin:1em 0}\
table{border-collapse:collapse;font-size:.88em;min-width:50%}\
caption{caption-side:top;text-align:left;font-weight:bold;padding:.3em 0;color:#333;position:sticky;left:0;\
max-width:calc(100vw - 2.4em)}\
td,th{border:1px solid #d0d4d9;padding:.3em .55em;text-align:left;vertical-align:top}\
thead th{background:#eef2f7}\
td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}\
th.group{background:#f6f7f9;font-style:italic}\
.sub{padding-left:1.6em}\
.note{color:#555;font-size:.85em;margin:.2em 0}\
figure{margin:1.5em 0}\
figure svg{display:block;max-width:100%;height:auto;border:1px solid #e1e4e8}\
figcaption{color:#333;font-size:.92em;margin:.4em 0}\
details{margin:.4em 0;font-size:.9em}\
summary{cursor:pointer;color:#1f4e79}\
.claim{border-left:4px solid #9aa5b1;padding:.1em 0 .1em 1em;margin:1.6em 0}\
.claim h3{margin-top:.4em}\
.badge{display:inline-block;white-space:nowrap;font-weight:bold;padding:0 .45em;border-radius:3px;color:#fff;background:#5b6773}\
.supported .badge,.badge.supported{background:#2e7d32}.partly .badge,.badge.partly{background:#8d6e00}\
.not_supported .badge,.badge.not_supported{background:#b3261e}.unsettled .badge,.badge.unsettled{background:#6a3d9a}\
.supported{border-color:#2e7d32}.partly{border-color:#8d6e00}.not_supported{border-color:#b3261e}\
.unsettled{border-color:#6a3d9a}.not_measured .badge,.badge.not_measured{background:#5b6773}\
.summary td[data-label=range]{white-space:nowrap}\
.finding{background:#f6f9fc;border-left:3px solid #1f4e79;padding:.4em .8em}\
nav ul{columns:2;padding-left:1.2em}li.table{list-style:none}\
@media (max-width:640px){body{padding:.6em .8em 2em;font-size:15px}nav ul{columns:1}h1{font-size:1.4em}\
.summary thead{display:none}.summary,.summary tbody,.summary tr,.summary th,.summary td{display:block;width:100%}\
.summary tr{border:1px solid #d0d4d9;margin:.6em 0;padding:.3em .2em}.summary th,.summary td{border:none;\
padding:.1em .4em}.summary td[data-label]::before{content:attr(data-label) \": \";font-weight:bold}\
.summary caption{display:block;width:100%}.summary td:empty{display:none}}\
@media print{body{max-width:none;padding:0;font-size:10.5pt}nav,summary,.csv{display:none}\
details{display:none}.scroll{overflow:visible}\
figure,table,.claim{break-inside:avoid}h2,h3{break-after:avoid}a{color:inherit;text-decoration:none}}";

fn html_table(t: &Table, s: &mut String) {
    s.push_str("<div class=\"scroll\"><table>");
    if let Some(c) = &t.caption {
        let _ = write!(s, "<caption>{}</caption>", inline(c).replace('\n', "<br>"));
    }
    let cols = t.columns();
    if t.header().iter().any(|h| !h.is_empty()) {
        s.push_str("<thead><tr>");
        for i in 0..cols {
            let _ =
                write!(s, "<th scope=\"col\">{}</th>", inline(t.header().get(i).map_or("", String::as_str)));
        }
        s.push_str("</tr></thead>");
    }
    s.push_str("<tbody>\n");
    for row in t.body() {
        s.push_str("<tr>");
        if row.kind == RowKind::Section {
            let label = row.cells.first().map_or("", String::as_str);
            let _ =
                write!(s, "<th class=\"group\" scope=\"rowgroup\" colspan=\"{cols}\">{}</th>", inline(label));
        } else {
            for i in 0..cols {
                let cell = inline(row.cells.get(i).map_or("", String::as_str));
                if i == 0 {
                    let class = if row.kind == RowKind::Under { " class=\"sub\"" } else { "" };
                    let _ = write!(s, "<th scope=\"row\"{class}>{cell}</th>");
                } else if t.is_text(i) {
                    let _ = write!(s, "<td>{cell}</td>");
                } else {
                    let _ = write!(s, "<td class=\"n\">{cell}</td>");
                }
            }
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody></table></div>\n");
    for n in &t.notes {
        let _ = writeln!(s, "<p class=\"note\">{}</p>", inline(n));
    }
}

fn html_items(items: &[Item], s: &mut String) {
    s.push_str("<ul>\n");
    for it in items {
        match &it.table {
            Some(t) => {
                s.push_str("<li class=\"table\">");
                html_table(t, s);
            }
            None => {
                let _ = write!(s, "<li>{}", inline(&it.text));
            }
        }
        if !it.sub.is_empty() {
            html_items(&it.sub, s);
        }
        s.push_str("</li>\n");
    }
    s.push_str("</ul>\n");
}

/// A chart's data as a `data:` address: the CSV travels inside the page, nothing is fetched.
fn csv_href(csv: &str) -> String {
    use base64::Engine;
    format!("data:text/csv;charset=utf-8;base64,{}", base64::engine::general_purpose::STANDARD.encode(csv))
}

/// The document as one HTML page: inline style and SVG, no script, nothing fetched.
pub fn html(doc: &Doc) -> Result<String, Failure> {
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n\
         <style>{CSS}</style>\n</head>\n<body>\n<header>\n<h1>{}</h1>\n<p>{}</p>\n\
         <p class=\"cite\">Cite as: {}.</p>\n</header>\n",
        escape(&doc.title),
        escape(&doc.title),
        inline(&doc.intro),
        inline(&doc.cite.line())
    );
    // Contents: the summary, then every account.
    s.push_str("<nav aria-label=\"contents\"><ul>\n<li><a href=\"#in-brief\">In brief</a></li>\n");
    for b in doc.blocks.iter().chain(&doc.appendix) {
        if let Block::Heading(2, t) = b {
            let _ = writeln!(s, "<li><a href=\"#{}\">{}</a></li>", slug(t), inline(t));
        }
    }
    s.push_str("</ul></nav>\n<main>\n<h2 id=\"in-brief\">In brief</h2>\n");
    // The summary: each claim in a row, its verdict marked, linked to the claim below.
    s.push_str("<div class=\"scroll\"><table class=\"summary\"><caption>");
    // The summary's caption and header are the text's and the Markdown's; its rows carry the
    // verdict's badge and a link to the claim.
    let summary = summary_table(doc);
    s.push_str(&inline(summary.caption.as_deref().unwrap_or_default()));
    s.push_str("</caption><thead><tr>");
    for h in summary.header() {
        let _ = write!(s, "<th scope=\"col\">{}</th>", inline(h));
    }
    s.push_str("</tr></thead><tbody>\n");
    for c in &doc.summary {
        let _ = writeln!(
            s,
            "<tr><th scope=\"row\"><a href=\"#claim-{}\">“{}”</a></th><td><span class=\"badge {}\">{}</span></td>\
             <td data-label=\"the number\">{}</td><td data-label=\"range\">{}</td>\
             <td data-label=\"whose numbers\">{}</td></tr>",
            slug(&c.id),
            inline(&c.says),
            c.verdict.id(),
            verdict_word(c.verdict),
            inline(&c.number),
            inline(&c.range),
            inline(&c.actor)
        );
    }
    s.push_str("</tbody></table></div>\n");
    for b in doc.blocks.iter().chain(&doc.appendix) {
        match b {
            Block::Heading(level, t) => {
                let _ = writeln!(s, "<h{level} id=\"{}\">{}</h{level}>", slug(t), inline(t));
            }
            Block::Para { lead: Some(l), text } => {
                let _ = writeln!(s, "<p class=\"finding\"><strong>{l}:</strong> {}</p>", inline(text));
            }
            Block::Para { lead: None, text } => {
                let _ = writeln!(s, "<p>{}</p>", inline(text));
            }
            Block::List(items) => html_items(items, &mut s),
            Block::Table(t) => html_table(t, &mut s),
            Block::Claim(c) => {
                let _ = writeln!(
                    s,
                    "<section class=\"claim {}\" id=\"claim-{}\">\n<h3>Claim: “{}”{}</h3>\n<p>Tested: {}</p>\n\
                     <p class=\"verdict\"><span class=\"badge\">{}</span> {}</p>",
                    c.verdict.id(),
                    slug(&c.id),
                    inline(&c.says),
                    inline(&c.read_as),
                    inline(&c.tested),
                    verdict_word(c.verdict),
                    inline(&c.sentence)
                );
                if !c.items.is_empty() {
                    html_items(&c.items, &mut s);
                }
                s.push_str("</section>\n");
            }
            Block::Figure(f) => {
                let svg = chart::svg(&f.plot)?;
                // The drawing named for screen readers by its title; its numbers are in the table.
                let svg = svg.trim_start_matches(|c| c != '<').trim().replacen(
                    "<svg ",
                    &format!("<svg role=\"img\" aria-label=\"{}\" ", escape(&f.title.replace('`', ""))),
                    1,
                );
                // The table for the eye, rounded; the CSV exact.
                let shown = f.plot.data(crate::render::short);
                let data = f.plot.data(crate::render::plain);
                let mut table = String::new();
                html_table(&shown.captioned(format!("The data of: {}", f.title)), &mut table);
                let _ = writeln!(
                    s,
                    "<figure id=\"chart-{}\" class=\"chart\">\n<figcaption><strong>{}.</strong> {}</figcaption>\n{svg}\n\
                     <details><summary>The chart's data</summary>\n{table}<p class=\"csv\"><a download=\"{}.csv\" \
                     href=\"{}\">Download the data (CSV)</a></p></details>\n</figure>",
                    f.id,
                    inline(&f.title),
                    inline(&f.caption),
                    f.id,
                    csv_href(&data.csv())
                );
            }
        }
    }
    let _ = write!(
        s,
        "</main>\n<footer><p class=\"cite\">Cite as: {}.</p></footer>\n</body>\n</html>\n",
        inline(&doc.cite.line())
    );
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(blocks: Blocks) -> Doc {
        Doc {
            title: "t".into(),
            intro: "about `it`".into(),
            cite: Cite {
                version: "0".into(),
                data: "abc".into(),
                date: "2026-01-01".into(),
                command: "w".into(),
            },
            summary: Vec::new(),
            blocks: blocks.0,
            appendix: Vec::new(),
            appendix_pointer: String::new(),
        }
    }

    #[test]
    fn every_renderer_draws_the_same_blocks() {
        let mut b = Blocks::default();
        b.heading(2, "The tools account");
        b.para("a < b & `code`");
        b.item("one");
        b.sub("under one");
        b.item("two");
        let mut t = Table::new(vec![String::new(), "n7".into()]).captioned("a table");
        t.section("costs");
        t.under(vec!["scanners".into(), "$659".into()]);
        b.table(t);
        let d = doc(b);
        let Ok(h) = html(&d) else { panic!("the page renders") };
        assert!(h.contains("<p>a &lt; b &amp; <code>code</code></p>"));
        assert!(h.contains("<li>one<ul>\n<li>under one</li>"));
        assert!(h.contains("<caption>a table</caption>"));
        assert!(h.contains("<th class=\"group\" scope=\"rowgroup\" colspan=\"2\">costs</th>"));
        assert!(h.contains("<th scope=\"row\" class=\"sub\">scanners</th><td class=\"n\">$659</td>"));
        assert!(text(&d).contains("costs\n  scanners  $659\n"));
        let m = markdown(&d, &|id, ext| format!("r-{id}.{ext}"));
        assert!(m.contains("- one\n  - under one\n- two\n"));
        assert!(m.contains("| **costs** |  |"));
        assert!(m.contains("| &nbsp;&nbsp;scanners | $659 |"));
        let x = text(&d);
        assert!(x.contains("THE TOOLS ACCOUNT\n-----------------\n"));
        assert!(x.contains("  one\n    under one\n  two\n"));
        assert!(x.contains("a table\n"));
    }

    #[test]
    fn the_csv_travels_inside_the_page() {
        assert_eq!(csv_href("a,b\n"), "data:text/csv;charset=utf-8;base64,YSxiCg==");
    }
}
