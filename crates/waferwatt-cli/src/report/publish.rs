//! The report as a document, and its publication: the claims in brief, each account with its
//! figures, ranges, tables and charts, an appendix of every source the data in force cites,
//! and a line to cite it by; written as a page, as Markdown with its charts and their data
//! beside it, or as PDF printed by a headless browser.

use std::path::{Path, PathBuf};

use waferwatt::accounts::{
    capacity::CapacityAccount, electricity::ElectricityAccount, packaging::PackagingAccount,
    strategy::StrategyAccount, tools::ToolsAccount,
};
use waferwatt::data::{ASSUMPTION, Dataset};
use waferwatt::diag::Diagnostic;

use super::doc::{Block, Blocks, Cite, Doc};
use crate::Failure;
use crate::chart::Chart;

/// Everything the report worked out, for the document.
pub struct Worked<'a> {
    pub ds: &'a Dataset,
    pub scenario: Option<&'a str>,
    /// `--set` overrides, as given.
    pub sets: &'a [String],
    pub tools: &'a ToolsAccount,
    pub chips: &'a PackagingAccount,
    pub designs: &'a super::packaging::Designs,
    pub capacity: &'a CapacityAccount,
    pub fleet: &'a crate::fleet_cmd::Evaluated,
    pub power: &'a ElectricityAccount,
    pub ledgers: &'a [crate::train_cmd::Evaluated],
    pub paths: &'a StrategyAccount,
}

/// The report's title.
const TITLE: &str = "waferwatt report: AI compute economics, from the scanner to the electricity bill";

/// What the report is run on, in words: the built-in data, a scenario, `--set` overrides.
fn data_words(w: &Worked) -> String {
    let mut on =
        w.scenario.map_or("the built-in data".into(), |f| format!("the built-in data with scenario `{f}`"));
    if !w.sets.is_empty() {
        let sets: Vec<String> = w.sets.iter().map(|s| format!("`{s}`")).collect();
        on.push_str(&format!(" and {}", sets.join(", ")));
    }
    on
}

/// The command that makes this report again (its output flags apart: any of them gives the
/// same document).
fn command(w: &Worked) -> String {
    let mut c = String::from("waferwatt report");
    if let Some(f) = w.scenario {
        c.push_str(&format!(" --scenario {}", quoted(f)));
    }
    for s in w.sets {
        c.push_str(&format!(" --set {}", quoted(s)));
    }
    c
}

/// A word as a shell reads it: quoted where it holds anything but plain characters.
fn quoted(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./=,:+@%".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The date the report is made: `SOURCE_DATE_EPOCH` where it is set (a reproducible build's
/// convention), else today, as YYYY-MM-DD (UTC).
fn today() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
        });
    waferwatt::units::date_of(secs.div_euclid(86_400))
}

pub fn document(w: &Worked) -> Doc {
    let ds = w.ds;
    let mut blocks = Blocks::default();
    blocks.extend(super::tools::blocks(ds, w.tools));
    blocks.extend(super::packaging::blocks(ds, w.chips, w.designs));
    blocks.extend(super::capacity::blocks(ds, w.capacity, w.fleet));
    blocks.extend(super::electricity::blocks(ds, w.power, w.ledgers));
    blocks.extend(super::strategy::blocks(ds, w.paths));
    let (sources, cited) = sources(ds);
    let mut appendix = calibration(ds);
    appendix.extend(sources);
    let summary = super::verdicts(w.tools, w.chips, w.capacity, w.power, w.paths)
        .into_iter()
        .map(|(v, _)| super::verdict::summary(v))
        .collect();
    Doc {
        title: TITLE.into(),
        intro: format!(
            "Accounts of AI compute economics on {}: each tests a claim of the news commentary on chip export \
             controls that started the project, with the ledgers and sourced data, and says whose numbers answer \
             it. Every default number has a source, a year and a range (`waferwatt data sources`; the appendix \
             lists them) and can be changed (`--set`, `--scenario`); every range is p5–p95 over Latin hypercube \
             samples of the data's ranges.",
            data_words(w)
        ),
        cite: Cite {
            version: env!("CARGO_PKG_VERSION").into(),
            data: format!("{:016x}", ds.fingerprint()),
            date: today(),
            command: command(w),
        },
        summary,
        blocks: blocks.0,
        appendix: appendix.0,
        appendix_pointer: format!(
            "Sources: the data in force cites {cited} sources (`waferwatt data sources`); `--html` and \
             `--markdown` list them in an appendix, with the calibration record (`waferwatt validate`)."
        ),
    }
}

/// The calibration record: every published case rerun on the data in force (`waferwatt
/// validate`), as a table.
fn calibration(ds: &Dataset) -> Blocks {
    let mut b = Blocks::default();
    b.heading(2, "Appendix: calibration record");
    match crate::validate_cmd::record(ds) {
        Ok(rec) => {
            let pass = crate::validate_cmd::passed(&rec);
            b.para(format!(
                "Published cases rerun through the ledgers on the data in force, each beside what was published, \
                 with the tolerance it must meet: {pass} of {} within it. Each tolerance's reason and each \
                 figure's note: `waferwatt validate --format json`.",
                rec.len()
            ));
            b.table(
                crate::validate_cmd::table(&rec).captioned("The calibration record: model against published"),
            );
        }
        Err(_) => b.para("The calibration cases could not be read: `waferwatt validate` says why."),
    }
    b
}

/// The appendix: every source the data in force cites, and how many numbers rest on
/// assumptions instead; and how many sources that is.
fn sources(ds: &Dataset) -> (Blocks, usize) {
    let mut cited: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for p in ds.params.values() {
        *cited.entry(p.source.as_ref()).or_default() += 1;
    }
    let assumptions = cited.get(ASSUMPTION).copied().unwrap_or(0);
    let mut b = Blocks::default();
    b.heading(2, "Appendix: sources");
    let items: Vec<String> = cited
        .iter()
        .filter_map(|(id, n)| {
            let s = ds.sources.get(*id)?;
            Some(format!(
                "`{id}` ({n} {}): {}, {}, {}{}",
                if *n == 1 { "number" } else { "numbers" },
                s.title,
                s.publisher,
                s.date,
                s.url.as_ref().map(|u| format!(", {u}")).unwrap_or_default()
            ))
        })
        .collect();
    let n = items.len();
    b.para(format!(
        "The {n} sources cited by the data in force, with how many of its numbers each supports; {assumptions} \
         numbers rest on stated assumptions instead, each with its reason (`waferwatt data show KIND.ID`)."
    ));
    for it in items {
        b.item(it);
    }
    (b, n)
}

fn write_file(path: &Path, bytes: &[u8], what: &str) -> Result<(), Failure> {
    std::fs::write(path, bytes).map_err(|e| {
        Failure::from(
            Diagnostic::new(format!("cannot write the {what} to {}: {e}", path.display()))
                .expected("a writable path"),
        )
    })
}

/// Where the report goes.
pub struct Outputs<'a> {
    pub html: Option<&'a str>,
    pub markdown: Option<&'a str>,
    /// The PDF's path and the browser that prints it.
    pub pdf: Option<(&'a str, &'a Path)>,
}

/// Writes the page, the Markdown (its charts and their data beside it) and the PDF asked for;
/// says what was written. Everything is drawn before anything is written, so a chart that
/// cannot be drawn leaves no file behind; the PDF, printed last, leaves the page and the
/// Markdown written if the browser fails.
pub fn write(doc: &Doc, to: &Outputs) -> Result<String, Failure> {
    let mut said = String::new();
    let page = if to.html.is_some() || to.pdf.is_some() { Some(super::doc::html(doc)?) } else { None };
    // The Markdown and the files beside it, drawn in full first.
    let mut files: Vec<(PathBuf, String, &str)> = Vec::new();
    if let Some(path) = to.markdown {
        let file = Path::new(path);
        let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("report").to_string();
        let dir = file.parent().filter(|d| !d.as_os_str().is_empty()).map(Path::to_path_buf);
        let name = |id: &str, ext: &str| format!("{stem}-{id}.{ext}");
        let beside = |n: String| dir.as_ref().map_or(PathBuf::from(&n), |d| d.join(&n));
        files.push((file.to_path_buf(), super::doc::markdown(doc, &name), "Markdown report"));
        for b in doc.blocks.iter().chain(&doc.appendix) {
            if let Block::Figure(f) = b {
                files.push((
                    beside(name(&f.id, "svg")),
                    crate::chart::svg(&f.plot)?,
                    "a chart of the Markdown report",
                ));
                files.push((
                    beside(name(&f.id, "csv")),
                    f.plot.data(crate::render::plain).csv(),
                    "a chart's data",
                ));
            }
        }
        let charts = doc.blocks.iter().chain(&doc.appendix).filter(|b| matches!(b, Block::Figure(_))).count();
        said.push_str(&format!(
            "report written to {path}, with {charts} charts beside it ({stem}-*.svg, their data {stem}-*.csv)\n"
        ));
    }
    if let (Some(path), Some(page)) = (to.html, &page) {
        write_file(Path::new(path), page.as_bytes(), "HTML report")?;
        said.insert_str(0, &format!("report written to {path} (one self-contained HTML page)\n"));
    }
    for (path, text, what) in &files {
        write_file(path, text.as_bytes(), what)?;
    }
    if let (Some((path, browser)), Some(page)) = (to.pdf, &page) {
        print_pdf(browser, page, Path::new(path))?;
        said.push_str(&format!("report written to {path} (the page printed by {})\n", browser.display()));
    }
    Ok(said)
}

/// The browser that prints the PDF: `WAFERWATT_CHROMIUM`, or the first Chromium or Chrome on
/// the PATH; a clear refusal where there is none.
pub fn browser() -> Result<PathBuf, Failure> {
    if let Some(p) = std::env::var_os("WAFERWATT_CHROMIUM") {
        let p = PathBuf::from(p);
        if !p.is_file() {
            return Err(Diagnostic::new(format!(
                "WAFERWATT_CHROMIUM names {}, which is not a file",
                p.display()
            ))
            .key("--pdf")
            .expected("the path of a Chromium or Chrome to print with")
            .into());
        }
        return Ok(p);
    }
    std::env::var_os("PATH")
        .and_then(|path| {
            std::env::split_paths(&path)
                .flat_map(|d| ["chromium", "chromium-browser", "google-chrome", "chrome"].map(|n| d.join(n)))
                .find(|p| p.is_file())
        })
        .ok_or_else(|| {
            Diagnostic::new(
                "--pdf prints the page with headless Chromium or Chrome, and neither is on the PATH",
            )
            .key("--pdf")
            .expected(
                "a Chromium to print with (Debian: apt install chromium; or set WAFERWATT_CHROMIUM to the \
                     browser's path); or write the page with --html FILE and print it from any browser",
            )
            .into()
        })
}

/// A file's path as a `file://` address, each byte that is not plain percent-encoded.
fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            url.push(char::from(b));
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

/// How long the browser may take to print the page.
const PRINT_SECONDS: u64 = 120;

/// Prints the page to `pdf` with headless Chromium: the page is written to a scratch folder,
/// printed from there with nothing fetched, and the folder removed.
fn print_pdf(browser: &Path, page: &str, pdf: &Path) -> Result<(), Failure> {
    let failed = |why: String| -> Failure {
        Diagnostic::new(format!("{} could not print the report: {why}", browser.display()))
            .key("--pdf")
            .expected("a Chromium or Chrome that runs headless (--headless --print-to-pdf)")
            .into()
    };
    let dir = std::env::temp_dir().join(format!("waferwatt-pdf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| failed(format!("no scratch folder: {e}")))?;
    let html = dir.join("report.html");
    let out = dir.join("report.pdf");
    let result = (|| {
        write_file(&html, page.as_bytes(), "page to print")?;
        let mut child = std::process::Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-pdf-header-footer",
            ])
            .arg(format!("--user-data-dir={}", dir.join("profile").display()))
            .arg(format!("--print-to-pdf={}", out.display()))
            .arg(file_url(&html))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map_err(|e| failed(format!("it did not start: {e}")))?;
        let started = std::time::Instant::now();
        loop {
            match child.try_wait() {
                Ok(Some(_)) => break,
                Ok(None) if started.elapsed().as_secs() > PRINT_SECONDS => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(failed(format!("it took over {PRINT_SECONDS} s")));
                }
                Ok(None) => std::thread::sleep(std::time::Duration::from_millis(100)),
                Err(e) => return Err(failed(e.to_string())),
            }
        }
        let bytes = std::fs::read(&out).map_err(|e| failed(format!("it wrote no PDF ({e})")))?;
        if !bytes.starts_with(b"%PDF") {
            return Err(failed("what it wrote is not a PDF".into()));
        }
        write_file(pdf, &bytes, "PDF report")
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_address_is_encoded() {
        assert_eq!(file_url(Path::new("/tmp/a b/r#1.html")), "file:///tmp/a%20b/r%231.html");
    }

    #[test]
    fn a_command_reads_back_in_a_shell() {
        assert_eq!(quoted("region.cn-gz.pue=1.4"), "region.cn-gz.pue=1.4");
        assert_eq!(quoted("my file.toml"), "'my file.toml'");
        assert_eq!(quoted("it's"), "'it'\\''s'");
    }
}
