//! `waferwatt report --html / --markdown / --pdf`: the text and the Markdown as snapshots, the
//! HTML's structure as a snapshot, every chart parsed as SVG and its data as CSV, every table
//! and figure captioned, no data key outside code, a scenario carried into the sections, the
//! page opened in headless Chromium (where it is installed) at a phone's and a laptop's width:
//! every chart drawn with a size, nothing wider than the screen, no request made; and a PDF
//! printed where Chromium is, refused by name where it is not.

mod common;

use std::path::{Path, PathBuf};

use common::*;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("waferwatt-publish-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn parses_as_svg(text: &str, what: &str) {
    let doc =
        roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{what} is not well-formed SVG: {e}"));
    assert_eq!(doc.root_element().tag_name().name(), "svg", "{what}");
    let width: f64 = doc.root_element().attribute("width").and_then(|w| w.parse().ok()).unwrap_or(0.0);
    assert!(width > 0.0, "{what} has no width");
}

#[test]
fn markdown_report_with_its_charts() {
    let dir = scratch("md");
    let md = dir.join("report.md");
    let said = ok(&["report", "--markdown", md.to_str().unwrap()]);
    assert!(said.contains("charts beside it"), "{said}");
    let text = std::fs::read_to_string(&md).unwrap();
    // Every chart the Markdown shows is beside it and is SVG.
    let charts: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("!["))
        .filter_map(|l| l.split("](").nth(1))
        .map(|l| l.trim_end_matches(')').trim_start_matches('<').trim_end_matches('>'))
        .collect();
    assert!(charts.len() >= 8, "{charts:?}");
    for c in &charts {
        parses_as_svg(&std::fs::read_to_string(dir.join(c)).unwrap(), c);
        // Its data beside it: a header and a row at least, every row as wide as the header.
        let csv = std::fs::read_to_string(dir.join(c.replace(".svg", ".csv"))).unwrap();
        let widths: Vec<usize> = csv.lines().map(csv_fields).collect();
        assert!(widths.len() >= 2, "{c}'s data is empty");
        assert!(widths.iter().all(|w| *w == widths[0]), "{c}'s rows differ in width: {widths:?}");
        assert!(text.contains(&format!("(<{}>)", c.replace(".svg", ".csv"))), "{c}'s data is not linked");
    }
    for section in [
        "In brief",
        "tools account",
        "packaging account",
        "capacity account",
        "electricity account",
        "strategy account",
        "Appendix: sources",
    ] {
        assert!(text.to_lowercase().contains(&section.to_lowercase()), "{section} missing");
    }
    no_key_outside_code(&text, "the Markdown");
    insta::assert_snapshot!("report_markdown", text);
    std::fs::remove_dir_all(&dir).ok();
}

/// No data key where a reader reads: keys appear only in code spans (`…` in text and
/// Markdown), where a user would type them.
fn no_key_outside_code(text: &str, what: &str) {
    let ds = waferwatt::data::Dataset::builtin().unwrap();
    let read: String = text.split('`').step_by(2).collect::<Vec<_>>().join(" ");
    for key in ds.params.keys() {
        assert!(!read.contains(key.as_str()), "{what} shows the data key {key} where a reader reads");
    }
}

#[test]
fn the_text_report_is_the_same_document() {
    // The terminal's report: the same claims in brief, every account, the verdicts in words.
    let text = ok(&["report"]);
    no_key_outside_code(&text, "the text report");
    insta::assert_snapshot!("report_text", text);
}

/// The page's skeleton: headings, figures and what kinds of element it holds.
fn skeleton(html: &str) -> String {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        match name.as_str() {
            "h1" | "h2" | "h3" => {
                let start = rest.find('>').map_or(0, |k| k + 1);
                let end = rest.find("</").unwrap_or(start);
                out.push(format!("{name}: {}", &rest[start..end]));
            }
            "figure" => {
                let id = rest.split("id=\"").nth(1).and_then(|r| r.split('"').next()).unwrap_or("");
                out.push(format!("figure: {id}"));
            }
            "caption" | "figcaption" => {
                let start = rest.find('>').map_or(0, |k| k + 1);
                let end = rest.find("</").unwrap_or(start);
                let words: String = rest[start..end].chars().take(60).collect();
                out.push(format!("  {name}: {words}"));
            }
            "table" | "pre" | "ul" | "nav" | "details" | "section" => out.push(name),
            _ => {}
        }
    }
    out.join("\n")
}

#[test]
fn html_report_is_self_contained() {
    let dir = scratch("html");
    let page = dir.join("report.html");
    ok(&["report", "--html", page.to_str().unwrap()]);
    let html = std::fs::read_to_string(&page).unwrap();
    // Nothing to fetch at view time: no script, style sheet, image or font from elsewhere.
    for banned in ["<script", "<link", "<img", "<iframe", " src=", "@import", "url(", "@font-face"] {
        assert!(!html.contains(banned), "the page holds {banned}");
    }
    assert!(!html.contains("href=\"http"), "a link out of the page");
    // Every chart is inline SVG that parses.
    let svgs: Vec<&str> =
        html.split("<svg").skip(1).map(|s| s.split("</svg>").next().unwrap_or("")).collect();
    assert!(svgs.len() >= 8);
    for (k, s) in svgs.iter().enumerate() {
        parses_as_svg(&format!("<svg{s}</svg>"), &format!("chart {k}"));
    }
    // Every table has its caption, every figure its caption and its data (a table and a CSV
    // carried in the page).
    let tables = html.matches("<table").count();
    assert!(tables >= 10, "{tables} tables");
    for (k, _) in html.match_indices("<table") {
        let open = &html[k..];
        let after = &open[open.find('>').unwrap() + 1..];
        assert!(after.starts_with("<caption>"), "a table without a caption: {}", &open[..80.min(open.len())]);
    }
    for figure in html.split("<figure ").skip(1).map(|f| f.split("</figure>").next().unwrap_or("")) {
        assert!(figure.contains("<figcaption><strong>"), "a figure without a title: {}", &figure[..60]);
        assert!(
            figure.contains("<details><summary>") && figure.contains("href=\"data:text/csv;"),
            "{}",
            &figure[..60]
        );
    }
    // A summary up front, and a line to cite the page by.
    assert!(html.find("id=\"in-brief\"") < html.find("id=\"the-tools-account\""));
    assert!(
        html.contains("Cite as: waferwatt ") && html.contains("2025-12-03: <code>waferwatt report</code>")
    );
    // No data key where a reader reads: keys appear only in code spans, to be typed.
    let ds = waferwatt::data::Dataset::builtin().unwrap();
    let mut read = String::new();
    for (k, part) in html.split("<code>").enumerate() {
        read.push_str(if k == 0 { part } else { part.split_once("</code>").map_or("", |p| p.1) });
    }
    for key in ds.params.keys() {
        assert!(!read.contains(key.as_str()), "the data key {key} is shown where a reader reads");
    }
    insta::assert_snapshot!("report_html_structure", skeleton(&html));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_scenario_flows_into_every_section() {
    let dir = scratch("scenario");
    let (a, b) = (dir.join("a.md"), dir.join("b.md"));
    ok(&["report", "--markdown", a.to_str().unwrap()]);
    ok(&[
        "report",
        "--markdown",
        b.to_str().unwrap(),
        "--scenario",
        "strategy-own-path.toml",
        "--set",
        "region.cn-gz.pue=1.4",
    ]);
    let (a, b) = (std::fs::read_to_string(a).unwrap(), std::fs::read_to_string(b).unwrap());
    assert!(b.contains("with scenario `strategy-own-path.toml` and `region.cn-gz.pue=1.4`"));
    let section = |t: &str, name: &str| {
        t.split("## ").find(|s| s.to_lowercase().starts_with(name)).unwrap_or("").to_string()
    };
    for name in ["the strategy account", "the electricity account", "the capacity account"] {
        assert_ne!(section(&a, name), section(&b, name), "{name} did not follow the scenario");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// How long the browser may take before the test gives up on it.
const BROWSER_SECONDS: u64 = 90;

/// The browser, or a skip where there is none (a failure where CI promised one).
fn browser_or_skip() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        // CI sets WAFERWATT_REQUIRE_BROWSER where it installed Chromium: there a missing
        // browser is a failure, not a skip.
        assert!(
            std::env::var_os("WAFERWATT_REQUIRE_BROWSER").is_none(),
            "WAFERWATT_REQUIRE_BROWSER is set but no Chromium is on the PATH"
        );
        eprintln!("skipped: no Chromium here (Debian's chromium package; .ci/run installs it where it can)");
    }
    found
}

/// Runs `browser` on `args` and the page, waiting at most [`BROWSER_SECONDS`]; its standard
/// output goes to `out`. False where the browser cannot start (and none is required).
fn run_browser(browser: &Path, dir: &Path, args: &[String], out: &Path) -> bool {
    let child = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .args(args)
        .stdout(std::fs::File::create(out).unwrap())
        .stderr(std::process::Stdio::null())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            assert!(
                std::env::var_os("WAFERWATT_REQUIRE_BROWSER").is_none(),
                "{} did not start: {e}",
                browser.display()
            );
            eprintln!("skipped: {} could not start: {e}", browser.display());
            return false;
        }
    };
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed().as_secs() > BROWSER_SECONDS {
            child.kill().ok();
            panic!("{} took over {BROWSER_SECONDS} s", browser.display());
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    true
}

#[test]
fn the_page_renders_every_chart_in_a_browser_and_fetches_nothing() {
    let Some(browser) = browser_or_skip() else { return };
    let dir = scratch("browser");
    let page = dir.join("report.html");
    ok(&["report", "--html", page.to_str().unwrap()]);
    let html = std::fs::read_to_string(&page).unwrap();
    // Every link stays in the page (an anchor, or a chart's data carried in it); nothing names
    // a file or address to load.
    for (k, _) in html.match_indices("href=\"") {
        let to = &html[k + 6..];
        assert!(
            to.starts_with('#') || to.starts_with("data:text/csv;"),
            "a link out of the page: {}",
            &html[k..(k + 60).min(html.len())]
        );
    }
    for banned in ["srcset=", "xlink:href", "<image", "<use", "<object", "<embed"] {
        assert!(!html.contains(banned), "the page holds {banned}");
    }
    // A copy for the test only: a policy that forbids every fetch and a record of what it
    // blocked, shown in a frame of a phone's or a laptop's width (headless Chromium's window is
    // never narrower than 500 px; a frame is). A probe outside the frame measures each chart's
    // drawn size, the page's width against the frame's, anything reaching past it, and tables
    // and figures without a caption.
    let guard = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; \
        script-src 'unsafe-inline'\"><script>window.blocked=[];document.addEventListener('securitypolicyviolation',\
        e=>window.blocked.push(e.blockedURI||e.violatedDirective));</script>";
    let guarded = html.replacen("<head>", &format!("<head>{guard}"), 1);
    let srcdoc = guarded.replace('&', "&amp;").replace('"', "&quot;");
    let probe = "<script>const f=document.getElementById('f');f.addEventListener('load',()=>{const d=f.contentDocument,\
        w=f.contentWindow;const c=[...d.querySelectorAll('figure.chart')].map(g=>{const s=g.querySelector('svg');\
        const b=s?s.getBoundingClientRect():{width:0,height:0};return g.id+' '+Math.round(b.width)+' '+\
        Math.round(b.height)});const r=w.performance.getEntriesByType('resource').map(e=>e.name);\
        const cw=d.documentElement.clientWidth;const wide=[...d.body.querySelectorAll('*')].filter(e=>\
        e.getBoundingClientRect().right>cw+1&&!e.closest('.scroll')&&!e.ownerSVGElement).map(e=>e.tagName).slice(0,5);\
        const bare=[...d.querySelectorAll('table')].filter(t=>!t.caption||!t.caption.textContent.trim()||\
        (!t.closest('details:not([open])')&&t.caption.getBoundingClientRect().width<\
        Math.min(300,cw*0.6,0.9*t.getBoundingClientRect().width))).length+\
        [...d.querySelectorAll('figure')].filter(g=>!g.querySelector('figcaption')).length;\
        const p=document.createElement('pre');p.id='probe';p.textContent='CHARTS '+c.join(';')+' RESOURCES '+\
        r.length+' '+r.join(' ')+' BLOCKED '+w.blocked.length+' '+w.blocked.join(' ')+' WIDTH '+\
        d.documentElement.scrollWidth+' '+cw+' WIDE '+wide.join(',')+' BARE '+bare;document.body.appendChild(p)});\
        </script>";
    let figures = html.matches("<figure ").count();
    // A phone's width and a laptop's.
    for width in [390, 1280] {
        let probed = dir.join(format!("probed-{width}.html"));
        std::fs::write(
            &probed,
            format!(
                "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body style=\"margin:0\">\
                 <iframe id=\"f\" style=\"width:{width}px;height:900px;border:0\" srcdoc=\"{srcdoc}\"></iframe>\
                 {probe}</body></html>"
            ),
        )
        .unwrap();
        let dom_file = dir.join(format!("dom-{width}.html"));
        let args = vec![
            "--virtual-time-budget=5000".to_string(),
            "--window-size=1400,1000".to_string(),
            "--dump-dom".to_string(),
            format!("file://{}", probed.display()),
        ];
        if !run_browser(&browser, &dir, &args, &dom_file) {
            return;
        }
        let dom = std::fs::read_to_string(&dom_file).unwrap();
        let line = dom
            .split("<pre id=\"probe\">")
            .nth(1)
            .and_then(|r| r.split("</pre>").next())
            .unwrap_or_else(|| panic!("the probe did not run; the page dumped {} bytes", dom.len()));
        let field = |name: &str| line.split(&format!(" {name} ")).nth(1).unwrap_or("");
        let (charts, _) = line.split_once(" RESOURCES ").expect("probe output");
        let charts: Vec<&str> = charts.trim_start_matches("CHARTS ").split(';').collect();
        assert_eq!(charts.len(), figures, "{line}");
        for c in &charts {
            let v: Vec<&str> = c.split(' ').collect();
            let (w, h): (f64, f64) = (v[1].parse().unwrap(), v[2].parse().unwrap());
            assert!(w > 100.0 && h > 60.0, "at {width} px chart {} drawn at {w} × {h}", v[0]);
            assert!(w <= f64::from(width), "at {width} px chart {} is {w} px wide", v[0]);
        }
        assert!(field("RESOURCES").starts_with('0'), "the page loaded resources: {line}");
        assert!(field("BLOCKED").starts_with('0'), "the page tried to fetch: {line}");
        let sizes: Vec<u32> = line
            .split(" WIDTH ")
            .nth(1)
            .unwrap_or("")
            .split(' ')
            .take(2)
            .filter_map(|n| n.parse().ok())
            .collect();
        assert_eq!(sizes.len(), 2, "{line}");
        assert!(
            sizes[0] <= sizes[1],
            "at {width} px the page is {} px wide: it overflows ({line})",
            sizes[0]
        );
        let wide = line.split(" WIDE ").nth(1).and_then(|r| r.split(" BARE ").next()).unwrap_or("");
        assert!(wide.trim().is_empty(), "at {width} px elements reach past the screen: {wide}");
        assert!(line.ends_with(" BARE 0"), "tables or figures without a caption, or squeezed: {line}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_pdf_is_printed_where_chromium_is() {
    let Some(browser) = browser_or_skip() else { return };
    let dir = scratch("pdf");
    let pdf = dir.join("report.pdf");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_waferwatt"))
        .args(["report", "--pdf", pdf.to_str().unwrap()])
        .env("WAFERWATT_CHROMIUM", &browser)
        .env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let bytes = std::fs::read(&pdf).unwrap();
    // A PDF, and not an empty one: the report is long, and prints in full.
    assert!(bytes.starts_with(b"%PDF") && bytes.len() > 100_000, "{} bytes", bytes.len());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_pdf_without_a_browser_is_refused_by_name() {
    let dir = scratch("no-pdf");
    let pdf = dir.join("report.pdf");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_waferwatt"))
        .args(["report", "--pdf", pdf.to_str().unwrap()])
        .env_remove("WAFERWATT_CHROMIUM")
        .env("PATH", "")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("--pdf") && err.contains("Chromium") && err.contains("--html"), "{err}");
    assert!(!pdf.exists());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn every_command_with_a_chart_draws_svg_or_png() {
    let dir = scratch("charts");
    let at = |f: &str| dir.join(f).display().to_string();
    let runs: Vec<Vec<String>> = vec![
        vec!["train".into(), "--run".into(), "llama-3.1-405b".into(), "--chart".into(), at("waterfall.svg")],
        vec![
            "train".into(),
            "--run".into(),
            "llama-3.1-405b".into(),
            "--region".into(),
            "us-va,cn-gz".into(),
            "--chart".into(),
            at("regions.png"),
        ],
        vec![
            "wafer".into(),
            "--node".into(),
            "n7-duv,n7-euv".into(),
            "--die".into(),
            "gh100".into(),
            "--chart".into(),
            at("wafers.svg"),
            "--map".into(),
            at("map.png"),
        ],
        vec![
            "chip".into(),
            "--accelerator".into(),
            "h100-sxm".into(),
            "--node".into(),
            "n7-duv".into(),
            "--chiplets".into(),
            "1,2,4".into(),
            "--chart".into(),
            at("chiplets.svg"),
        ],
        vec!["fleet".into(), "--chart".into(), at("chain.png")],
        vec!["strategy".into(), "--chart".into(), at("fan.svg")],
        vec![
            "sensitivity".into(),
            "fleet".into(),
            "--output".into(),
            "accelerators_per_year".into(),
            "--chart".into(),
            at("tornado.png"),
        ],
    ];
    for args in &runs {
        ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    }
    for f in ["waterfall.svg", "wafers.svg", "chiplets.svg", "fan.svg"] {
        parses_as_svg(&std::fs::read_to_string(dir.join(f)).unwrap(), f);
    }
    for f in ["regions.png", "map.n7-duv.png", "map.n7-euv.png", "chain.png", "tornado.png"] {
        let bytes = std::fs::read(dir.join(f)).unwrap();
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 5000, "{f} is not a drawn PNG");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_readme_chart_is_the_one_the_command_draws() {
    // README.md shows docs/strategy-fan.svg, drawn by the command it names: the file must be
    // what that command draws on today's data.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(readme.contains("(docs/strategy-fan.svg)"));
    assert!(readme.contains("waferwatt strategy --samples 2000\n--chart docs/strategy-fan.svg"));
    let dir = scratch("readme-chart");
    let file = dir.join("fan.svg");
    ok(&["strategy", "--samples", "2000", "--chart", file.to_str().unwrap()]);
    let drawn = std::fs::read_to_string(&file).unwrap();
    let shown = std::fs::read_to_string(root.join("docs/strategy-fan.svg")).unwrap();
    assert!(
        drawn == shown,
        "docs/strategy-fan.svg is out of date: redraw it with the command the README names"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_report_json_carries_the_summary_the_citation_and_labels() {
    let v = json(&["report", "--format", "json", "--set", "region.cn-gz.pue=1.4"]);
    assert_eq!(v["cite"]["command"], "waferwatt report --set region.cn-gz.pue=1.4");
    assert_eq!(v["cite"]["date"], "2025-12-03");
    let (summary, claims) = (v["summary"].as_array().unwrap(), v["claims"].as_array().unwrap());
    assert_eq!(summary.len(), claims.len());
    for (s, c) in summary.iter().zip(claims) {
        assert_eq!((&s["claim"], &s["verdict"]), (&c["claim"], &c["verdict"]));
        assert!(!s["number"].as_str().unwrap().is_empty(), "{s}");
    }
    // Every assumption that decides a claim is named for people beside its key.
    let deciding: Vec<&serde_json::Value> =
        claims.iter().flat_map(|c| c["deciding"].as_array().unwrap().iter()).collect();
    assert!(!deciding.is_empty());
    for d in deciding {
        let (key, label) = (d["parameter"].as_str().unwrap(), d["label"].as_str().unwrap());
        assert!(!label.is_empty() && label != key, "{d}");
    }
}

#[test]
fn a_pdf_path_is_checked_before_any_work() {
    // Refused up front, before the accounts are worked or a browser is looked for.
    let err = bad_input(&["report", "--pdf", "no-such-folder/r.pdf"]);
    assert!(err.contains("--pdf") && err.contains("does not exist"), "{err}");
    let err = bad_input(&["report", "--html", "same.pdf", "--pdf", "same.pdf"]);
    assert!(err.contains("name the same file"), "{err}");
    assert!(!fixtures().join("same.pdf").exists());
}
