//! `waferwatt compare --method A --method B train …`: one command's answer under two methods,
//! side by side, and a bridge: which of the ledger's inputs accounts for how much of the
//! difference (a waterfall with `--chart`).

use clap::{Args, Subcommand};
use serde_json::{Value, json};
use waferwatt::diag::Diagnostic;
use waferwatt::provenance::Provenance;
use waferwatt::train::{self, Given, Item};

use crate::Failure;
use crate::chart::Waterfall;
use crate::render::{Format, Table, csv_line, human, percent, plain, signed_human, signed_usd, usd};
use crate::train_cmd::{Evaluated, TrainArgs};

/// The name that stands for no preset: the model's own defaults.
const DEFAULT: &str = "default";

#[derive(Args, Debug, Clone)]
pub struct CompareArgs {
    /// A method to compare: a preset's name (`waferwatt data list method`) or `default`; give two
    #[arg(long = "method", value_name = "NAME", required = true)]
    pub methods: Vec<String>,
    #[command(subcommand)]
    pub command: CompareCommand,
}

#[derive(Subcommand, Debug, Clone)]
pub enum CompareCommand {
    /// The training-run ledger, with `waferwatt train`'s flags
    Train(Box<TrainArgs>),
    /// The capacity ledger, with `waferwatt fleet`'s flags
    Fleet(Box<crate::fleet_cmd::FleetArgs>),
}

/// The two methods asked for.
fn two(args: &CompareArgs) -> Result<(&str, &str), Failure> {
    match args.methods.as_slice() {
        [a, b] if a == b => Err(Diagnostic::new(format!("`{a}` against itself"))
            .key("--method")
            .expected("two different methods: --method A --method B (a preset's name, or `default`)")
            .into()),
        [a, b] => Ok((a, b)),
        _ => Err(Diagnostic::new(format!(
            "{} {} given",
            args.methods.len(),
            if args.methods.len() == 1 { "method" } else { "methods" }
        ))
        .key("--method")
        .expected("two: --method A --method B (a preset's name, or `default`)")
        .into()),
    }
}

/// A method as the command's request takes it: none for the defaults.
fn preset(m: &str) -> Option<Given<String>> {
    (m != DEFAULT).then(|| Given::flag(m.to_string(), "--method"))
}

/// Refuses a method given to the command itself, and sampling (compare is at the centre).
fn plain_command(method: &Option<String>, sampling: bool, explain: bool) -> Result<(), Failure> {
    if let Some(m) = method {
        return Err(Diagnostic::new(format!("`--method {m}` after the command, inside compare"))
            .key("--method")
            .expected("the methods before the command: waferwatt compare --method A --method B COMMAND …")
            .into());
    }
    if sampling || explain {
        return Err(Diagnostic::new("compare answers at the central values")
            .key("--samples / --explain")
            .expected(
                "the command itself with --method NAME and --samples or --explain, one method at a time",
            )
            .into());
    }
    Ok(())
}

/// One region's ledgers under both methods and the bridge between them.
struct Compared {
    a: Evaluated,
    b: Evaluated,
    /// (input, its label, the change in the total it accounts for)
    steps: Vec<(&'static str, String, f64)>,
}

pub fn run(args: &CompareArgs) -> Result<String, Failure> {
    let (a, b) = two(args)?;
    let targs = match &args.command {
        CompareCommand::Train(t) => t,
        CompareCommand::Fleet(f) => return fleet(f, a, b),
    };
    plain_command(&targs.method, targs.sampling.active(), targs.explain)?;
    let (ds, req) = crate::train_cmd::prepare(targs)?;
    let with = |m: &str| train::TrainRequest { method: preset(m), ..req.clone() };
    let ra = crate::train_cmd::evaluate_all(train::bind(&ds, &with(a))?)?;
    let rb = crate::train_cmd::evaluate_all(train::bind(&ds, &with(b))?)?;
    let compared: Vec<Compared> = ra
        .into_iter()
        .zip(rb)
        .map(|(a, b)| {
            let steps = train::bridge(&a.bound.inputs, &b.bound.inputs, |o| o.total_usd)
                .into_iter()
                .map(|(name, d)| (name, label(&a, &b, name), d))
                .collect();
            Compared { a, b, steps }
        })
        .collect();
    if let Some(path) = &targs.chart {
        let c = compared.first().ok_or_else(|| Diagnostic::new("no region to chart"))?;
        crate::chart::write(path, &chart(c, a, b), "--chart")?;
        crate::chart::said(path);
    }
    Ok(match targs.format {
        Format::Table => compared.iter().map(|c| table(c, a, b).text()).collect::<Vec<_>>().join("\n"),
        Format::Csv => csv(&compared, a, b),
        Format::Json => {
            let items: Vec<Value> = compared.iter().map(|c| json(c, a, b)).collect();
            format!(
                "{}\n",
                serde_json::to_string_pretty(&json!({ "methods": [a, b], "regions": items }))
                    .unwrap_or_default()
            )
        }
    })
}

/// An input's name for people: the label of the data number it was read from under method A
/// (whose keys name the quantity, where a preset's name its method), else B, else its name.
fn label(a: &Evaluated, b: &Evaluated, name: &str) -> String {
    // The field's own label, whoever's number it is ("PUE", not "United States average PUE").
    let from = |e: &Evaluated| {
        e.bound.bindings.iter().filter(|x| x.name == name && x.group.is_none()).find_map(|x| {
            match &x.provenance {
                Provenance::Data { key, .. } => {
                    let label = waferwatt::data::schema::field_of(key)?.label;
                    (!label.is_empty()).then(|| label.to_string())
                }
                _ => None,
            }
        })
    };
    let plain = name.replace('_', " ");
    let base = from(a).or_else(|| from(b)).unwrap_or(plain);
    if name == "accelerator_price_usd" { format!("{base} (value at the run's start)") } else { base }
}

fn table(c: &Compared, a: &str, b: &str) -> Table {
    let header = vec![String::new(), a.to_string(), b.to_string(), format!("{b} − {a}")];
    let (oa, ob) = (&c.a.out, &c.b.out);
    let mut t = Table::new(header).captioned(format!(
        "{}, {}: method {a} against {b}",
        c.a.bound.run.as_deref().unwrap_or(&c.a.bound.accelerator),
        c.a.bound.region
    ));
    t.section("ledger");
    for i in Item::ALL {
        t.under(vec![i.name().into(), usd(oa.usd(i)), usd(ob.usd(i)), signed_usd(ob.usd(i) - oa.usd(i))]);
    }
    t.under(vec![
        "total".into(),
        usd(oa.total_usd),
        usd(ob.total_usd),
        signed_usd(ob.total_usd - oa.total_usd),
    ]);
    t.row(vec![
        "per accelerator-hour".into(),
        format!("${:.2}", oa.usd_per_accelerator_hour),
        format!("${:.2}", ob.usd_per_accelerator_hour),
        signed_usd(ob.usd_per_accelerator_hour - oa.usd_per_accelerator_hour),
    ]);
    t.section(&format!("bridge: what accounts for the {}", signed_usd(ob.total_usd - oa.total_usd)));
    let value = |e: &Evaluated, name: &str| {
        e.bound.bindings.iter().find(|x| x.name == name).map_or_else(
            || "—".to_string(),
            |x| match x.unit {
                "USD" => usd(x.value),
                "" | "ratio" => human(x.value),
                "fraction" | "fraction/year" => percent(x.value),
                u => format!("{} {u}", human(x.value)),
            },
        )
    };
    for (name, label, d) in &c.steps {
        let (va, vb) = match *name {
            "accelerator_price_usd" => {
                (usd(c.a.bound.inputs.accelerator_price_usd), usd(c.b.bound.inputs.accelerator_price_usd))
            }
            _ => (value(&c.a, name), value(&c.b, name)),
        };
        t.under(vec![label.clone(), va, vb, signed_usd(*d)]);
    }
    let share = if oa.total_usd != 0.0 { (ob.total_usd - oa.total_usd) / oa.total_usd } else { 0.0 };
    t.notes = vec![format!(
        "note: the total under {b} is {} of that under {a}. Each step of the bridge changes one input from \
         its value under {a} to that under {b}, in the ledger's order, with those before it already changed; \
         the steps sum to the difference.",
        percent(1.0 + share)
    )];
    t.notes.extend(both_notes(&c.a.bound.notes, &c.b.bound.notes, a, b));
    t
}

/// Each method's notes: once where both say the same, else marked with whose they are.
fn both_notes(na: &[String], nb: &[String], a: &str, b: &str) -> Vec<String> {
    let mut out: Vec<String> = na
        .iter()
        .map(|n| if nb.contains(n) { format!("note: {n}") } else { format!("note ({a}): {n}") })
        .collect();
    out.extend(nb.iter().filter(|n| !na.contains(n)).map(|n| format!("note ({b}): {n}")));
    out
}

fn json(c: &Compared, a: &str, b: &str) -> Value {
    json!({
        "region": c.a.bound.region,
        "a": { "method": a, "ledger": crate::train_cmd::to_json(&c.a, false) },
        "b": { "method": b, "ledger": crate::train_cmd::to_json(&c.b, false) },
        "difference_usd": c.b.out.total_usd - c.a.out.total_usd,
        "bridge": c.steps.iter().map(|(name, label, d)| json!({ "input": name, "label": label, "usd": d })).collect::<Vec<_>>(),
    })
}

fn csv(compared: &[Compared], a: &str, b: &str) -> String {
    let mut s = csv_line(&["region", "step", "label", "usd", "method_a", "method_b"].map(String::from));
    for c in compared {
        let row = |step: &str, label: &str, v: f64| {
            csv_line(&[c.a.bound.region.clone(), step.into(), label.into(), plain(v), a.into(), b.into()])
        };
        s.push_str(&row("start", &format!("total under {a}"), c.a.out.total_usd));
        for (name, label, d) in &c.steps {
            s.push_str(&row(name, label, *d));
        }
        s.push_str(&row("end", &format!("total under {b}"), c.b.out.total_usd));
    }
    s
}

fn chart(c: &Compared, a: &str, b: &str) -> Waterfall {
    Waterfall {
        title: format!(
            "from method {a} to {b}: {}, {}",
            c.a.bound.run.as_deref().unwrap_or(&c.a.bound.accelerator),
            c.a.bound.region
        ),
        subtitle: format!(
            "total {} under {a}, {} under {b}; each bar changes one input, in the ledger's order",
            usd(c.a.out.total_usd),
            usd(c.b.out.total_usd)
        ),
        y_desc: "USD".into(),
        start: Some((a.to_string(), c.a.out.total_usd)),
        end: Some(b.to_string()),
        items: c.steps.iter().map(|(_, label, d)| (label.clone(), *d)).collect(),
    }
}

/// `compare … fleet`: the fleets under both methods and the bridge of accelerators a year.
fn fleet(args: &crate::fleet_cmd::FleetArgs, a: &str, b: &str) -> Result<String, Failure> {
    use waferwatt::fleet;
    plain_command(&args.method, args.sampling.active(), args.explain)?;
    let (ds, req) = crate::fleet_cmd::prepare(args)?;
    let with = |m: &str| fleet::FleetRequest { method: preset(m), ..req.clone() };
    let ra = crate::fleet_cmd::evaluate(fleet::bind(&ds, &with(a))?)?;
    let rb = crate::fleet_cmd::evaluate(fleet::bind(&ds, &with(b))?)?;
    let steps = fleet::bridge(&ra.bound.inputs, &rb.bound.inputs, |o| o.accelerators_per_year);
    let label = |name: &str| match name {
        "capacity_rule" => "how scanners become wafer starts",
        "accelerators_per_wafer" => "accelerators a wafer gives",
        "accelerators" => "the accelerators' own inputs (dies, counts)",
        _ => "every other input",
    };
    let (oa, ob) = (&ra.out, &rb.out);
    if let Some(path) = &args.chart {
        let chart = Waterfall {
            title: format!(
                "from method {a} to {b}: accelerators a year, {} on {}",
                ra.bound.accelerator, ra.bound.node
            ),
            subtitle: format!(
                "{} a year under {a}, {} under {b}; each bar changes one part of the fleet",
                human(oa.accelerators_per_year),
                human(ob.accelerators_per_year)
            ),
            y_desc: "accelerators a year".into(),
            start: Some((a.to_string(), oa.accelerators_per_year)),
            end: Some(b.to_string()),
            items: steps.iter().map(|(n, d)| (label(n).to_string(), *d)).collect(),
        };
        crate::chart::write(path, &chart, "--chart")?;
        crate::chart::said(path);
    }
    let rows: [(&str, f64, f64); 5] = [
        ("wafer starts a month", oa.wafer_starts_per_month, ob.wafer_starts_per_month),
        ("scanners' wafer starts a month", oa.scanner_wafers_per_month, ob.scanner_wafers_per_month),
        ("good dies a month", oa.good_dies_per_month, ob.good_dies_per_month),
        ("accelerators a year", oa.accelerators_per_year, ob.accelerators_per_year),
        ("BF16 FLOP/s added a year", oa.bf16_flops_added_per_year, ob.bf16_flops_added_per_year),
    ];
    Ok(match args.format {
        Format::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&json!({
                "methods": [a, b],
                "a": { "method": a, "fleet": crate::fleet_cmd::to_json(&ra, false) },
                "b": { "method": b, "fleet": crate::fleet_cmd::to_json(&rb, false) },
                "difference": ob.accelerators_per_year - oa.accelerators_per_year,
                "bridge": steps.iter().map(|(n, d)| json!({ "step": n, "label": label(n), "accelerators_per_year": d })).collect::<Vec<_>>(),
            }))
            .unwrap_or_default()
        ),
        Format::Csv => {
            let mut s = csv_line(&["step", "label", "accelerators_per_year", "method_a", "method_b"].map(String::from));
            let row = |n: &str, l: &str, v: f64| csv_line(&[n.into(), l.into(), plain(v), a.into(), b.into()]);
            s.push_str(&row("start", &format!("under {a}"), oa.accelerators_per_year));
            for (n, d) in &steps {
                s.push_str(&row(n, label(n), *d));
            }
            s.push_str(&row("end", &format!("under {b}"), ob.accelerators_per_year));
            s
        }
        Format::Table => {
            let mut t = Table::new(vec![String::new(), a.to_string(), b.to_string(), format!("{b} − {a}")])
                .captioned(format!(
                    "fleet making {} on {}: method {a} against {b}",
                    ra.bound.accelerator, ra.bound.node
                ));
            for (name, va, vb) in rows {
                t.row(vec![name.into(), human(va), human(vb), signed_human(vb - va)]);
            }
            t.row(vec!["bottleneck".into(), oa.bottleneck.name(), ob.bottleneck.name(), String::new()]);
            t.section(&format!(
                "bridge: what accounts for the {} accelerators a year",
                signed_human(ob.accelerators_per_year - oa.accelerators_per_year)
            ));
            for (n, d) in &steps {
                t.under(vec![label(n).into(), String::new(), String::new(), signed_human(*d)]);
            }
            if steps.is_empty() {
                t.under(vec![
                    format!("nothing: {} binds under both", ob.bottleneck.name()),
                    String::new(),
                    String::new(),
                    String::new(),
                ]);
            }
            t.notes = vec![format!(
                "note: each step of the bridge changes one part of the fleet from {a} to {b}, with those before it \
                 already changed; the steps sum to the difference."
            )];
            t.notes.extend(both_notes(&ra.bound.notes, &rb.bound.notes, a, b));
            t.text()
        }
    })
}
