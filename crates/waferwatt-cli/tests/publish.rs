//! `waferwatt report --html / --markdown`: the Markdown as a snapshot, the HTML's structure as a
//! snapshot, every chart parsed as SVG, a scenario carried into the sections, and the page
//! opened in headless Chromium (where it is installed): every chart drawn with a size, no
//! request made.

mod common;

use std::path::PathBuf;

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
    }
    for section in [
        "The claims, one by one",
        "tools account",
        "packaging account",
        "capacity account",
        "electricity account",
        "strategy account",
        "Appendix: sources",
    ] {
        assert!(text.to_lowercase().contains(&section.to_lowercase()), "{section} missing");
    }
    insta::assert_snapshot!("report_markdown", text);
    std::fs::remove_dir_all(&dir).ok();
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
            "table" | "pre" | "ul" | "nav" => out.push(name),
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

/// The Chromium that `WAFERWATT_CHROMIUM` names, or the first on the PATH.
fn chromium() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("WAFERWATT_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| ["chromium", "chromium-browser", "google-chrome"].map(|n| d.join(n)))
        .find(|p| p.is_file())
}

/// How long the browser may take before the test gives up on it.
const BROWSER_SECONDS: u64 = 90;

#[test]
fn the_page_renders_every_chart_in_a_browser_and_fetches_nothing() {
    let Some(browser) = chromium() else {
        // CI sets WAFERWATT_REQUIRE_BROWSER where it installed Chromium: there a missing
        // browser is a failure, not a skip.
        assert!(
            std::env::var_os("WAFERWATT_REQUIRE_BROWSER").is_none(),
            "WAFERWATT_REQUIRE_BROWSER is set but no Chromium is on the PATH"
        );
        eprintln!("skipped: no Chromium here (Debian's chromium package; .ci/run installs it where it can)");
        return;
    };
    let dir = scratch("browser");
    let page = dir.join("report.html");
    ok(&["report", "--html", page.to_str().unwrap()]);
    let html = std::fs::read_to_string(&page).unwrap();
    // Every link stays in the page; nothing names a file or address to load.
    for (k, _) in html.match_indices("href=\"") {
        assert!(
            html[k + 6..].starts_with('#'),
            "a link out of the page: {}",
            &html[k..(k + 60).min(html.len())]
        );
    }
    for banned in ["srcset=", "xlink:href", "<image", "<use", "<object", "<embed"] {
        assert!(!html.contains(banned), "the page holds {banned}");
    }
    // A copy for the test only: a policy that forbids every fetch, a record of what it
    // blocked, and a probe of each chart's drawn size.
    let guard = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; \
        script-src 'unsafe-inline'\"><script>window.blocked=[];document.addEventListener('securitypolicyviolation',\
        e=>window.blocked.push(e.blockedURI||e.violatedDirective));</script>";
    let probe = "<script>window.addEventListener('load',()=>{const c=[...document.querySelectorAll('figure.chart')]\
        .map(f=>{const s=f.querySelector('svg');const b=s?s.getBoundingClientRect():{width:0,height:0};\
        return f.id+' '+Math.round(b.width)+' '+Math.round(b.height)});const r=performance.getEntriesByType('resource')\
        .map(e=>e.name);const p=document.createElement('pre');p.id='probe';p.textContent='CHARTS '+c.join(';')+\
        ' RESOURCES '+r.length+' '+r.join(' ')+' BLOCKED '+window.blocked.length+' '+window.blocked.join(' ');\
        document.body.appendChild(p)});</script>";
    let probed = dir.join("probed.html");
    let copy =
        html.replacen("<head>", &format!("<head>{guard}"), 1).replace("</body>", &format!("{probe}</body>"));
    std::fs::write(&probed, copy).unwrap();
    let dom_file = dir.join("dom.html");
    let child = std::process::Command::new(&browser)
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
            "--virtual-time-budget=5000",
            "--window-size=1200,900",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", probed.display()))
        .stdout(std::fs::File::create(&dom_file).unwrap())
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
            return;
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
    let dom = std::fs::read_to_string(&dom_file).unwrap();
    let line = dom
        .split("<pre id=\"probe\">")
        .nth(1)
        .and_then(|r| r.split("</pre>").next())
        .unwrap_or_else(|| panic!("the probe did not run; the page dumped {} bytes", dom.len()));
    let (charts, rest) = line.split_once(" RESOURCES ").expect("probe output");
    let (resources, blocked) = rest.split_once(" BLOCKED ").expect("probe output");
    let charts: Vec<&str> = charts.trim_start_matches("CHARTS ").split(';').collect();
    let figures = html.matches("<figure ").count();
    assert_eq!(charts.len(), figures, "{line}");
    for c in &charts {
        let v: Vec<&str> = c.split(' ').collect();
        let (w, h): (f64, f64) = (v[1].parse().unwrap(), v[2].parse().unwrap());
        assert!(w > 100.0 && h > 100.0, "chart {} drawn at {w} × {h}", v[0]);
    }
    assert!(resources.starts_with('0'), "the page loaded resources: {resources}");
    assert!(blocked.starts_with('0'), "the page tried to fetch: {blocked}");
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
