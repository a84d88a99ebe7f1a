//! The command line for the other faces (the Python package): a command named by its path
//! (`["train"]`, `["compare", "train"]`, `["data", "numbers"]`) and its options by name, run
//! in this process through exactly the command line's parser, data loading, scenarios, `--set`
//! overrides, checks and errors. The answer is the command's JSON, and with `--samples` every
//! sample as columns (what `--raw` writes), so no face reimplements a command or its output.

use clap::{ArgAction, CommandFactory, Parser};
use waferwatt::diag::Diagnostics;

use crate::sampling::{Columns, Keep};
use crate::{Cli, Command, Failure};

/// An option as a face names it (`tariff_usd_per_kwh`, or as the command line spells it,
/// `tariff-usd-per-kwh`) and its values: one, or several for a list (`region`, `set`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub name: String,
    pub values: Vec<String>,
}

impl Named {
    pub fn new(name: impl Into<String>, values: Vec<String>) -> Named {
        Named { name: name.into(), values }
    }
}

/// Why a command gave no answer.
#[derive(Debug)]
pub enum Refusal {
    /// Options the command does not take, or values its parser refuses: the message says
    /// which and what was expected.
    Usage(String),
    /// Input the model refuses (a bad scenario file, an unknown accelerator, a value out of
    /// bounds): the same diagnostics the command line prints, with file, line and key.
    Input(Diagnostics),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Usage(s) => f.write_str(s),
            Refusal::Input(d) => write!(f, "{d}"),
        }
    }
}

/// What a command answered.
#[derive(Debug)]
pub struct Answer {
    /// The command's answer as JSON text (`--format json`).
    pub json: String,
    /// What a check that found faults said (`validate` with a case outside its tolerance,
    /// `data check` with a fault): the command line prints it on standard error and exits 1.
    pub failed: Option<String>,
    /// Every sample, when the command sampled (`samples` given).
    pub samples: Option<Columns>,
}

/// The command line's words for `path` and `named`, checked against the parser's own
/// definitions: each option goes to the first command on the path that takes it; a switch takes
/// `true` or `false`; a repeatable option (`set`) is given once per value and a list
/// (`region`) joined by commas; a word of the path that is not a sub-command is a positional
/// argument (`["data", "show", "h100-sxm"]`).
pub fn argv(path: &[&str], named: &[Named]) -> Result<Vec<String>, Refusal> {
    words(path, named, false)
}

/// A command's level on the path: its definition, its name (none for the program), the
/// positional words it takes and the options given to it.
struct Level<'a> {
    cmd: &'a clap::Command,
    name: Option<String>,
    positionals: Vec<String>,
    options: Vec<String>,
}

/// [`argv`], with `--format=json` given to the first command on the path that takes a format
/// when `json`.
fn words(path: &[&str], named: &[Named], json: bool) -> Result<Vec<String>, Refusal> {
    let mut root = Cli::command();
    root.build();
    let level = |cmd, name| Level { cmd, name, positionals: vec![], options: vec![] };
    let mut levels: Vec<Level> = vec![level(&root, None)];
    for word in path {
        let here = levels.last().map_or(&root, |l| l.cmd);
        match here.find_subcommand(word) {
            Some(sub) => levels.push(level(sub, Some((*word).to_string()))),
            None if here.get_positionals().next().is_some() => {
                if let Some(l) = levels.last_mut() {
                    l.positionals.push((*word).to_string());
                }
            }
            None => {
                let subs: Vec<&str> = here.get_subcommands().map(|c| c.get_name()).collect();
                return Err(Refusal::Usage(if subs.is_empty() {
                    format!("`{}` takes no further word `{word}`", command_name(&levels))
                } else {
                    format!(
                        "`{}` has no command `{word}`; expected one of: {}",
                        command_name(&levels),
                        subs.join(", ")
                    )
                }));
            }
        }
    }
    // The options a face may give: those of the commands on the path (not the program's own
    // `--version`), less those the face sets itself.
    let takes = |cmd: &clap::Command, long: &str| {
        !FACES_OWN.contains(&long) && cmd.get_arguments().any(|a| a.get_long() == Some(long))
    };
    for n in named {
        let long = n.name.replace('_', "-");
        // The first command along the path that takes it: `compare`'s methods, not the
        // `--method` its `train` would refuse there.
        let Some(l) = levels.iter_mut().skip(1).find(|l| takes(l.cmd, &long)) else {
            let mut known: Vec<String> = Vec::new();
            for l in levels.iter().skip(1) {
                for long in l.cmd.get_arguments().filter_map(|a| a.get_long()) {
                    if !FACES_OWN.contains(&long) && !known.contains(&snake(long)) {
                        known.push(snake(long));
                    }
                }
            }
            let near = waferwatt::diag::nearest(
                &snake(&long),
                &known.iter().map(String::as_str).collect::<Vec<_>>(),
            );
            return Err(Refusal::Usage(format!(
                "`{}` takes no option `{}`{}; it takes: {}",
                command_name(&levels),
                n.name,
                near.first().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default(),
                known.join(", ")
            )));
        };
        let action =
            l.cmd.get_arguments().find(|a| a.get_long() == Some(long.as_str())).map(|a| a.get_action());
        match action {
            Some(ArgAction::SetTrue | ArgAction::SetFalse) => match n.values.as_slice() {
                [v] if v == "true" => l.options.push(format!("--{long}")),
                [v] if v == "false" => {}
                _ => {
                    return Err(Refusal::Usage(format!(
                        "`{}` is a switch: it takes true or false, not {:?}",
                        n.name, n.values
                    )));
                }
            },
            Some(ArgAction::Append) => l.options.extend(n.values.iter().map(|v| format!("--{long}={v}"))),
            _ => l.options.push(format!("--{long}={}", n.values.join(","))),
        }
    }
    if json {
        let format =
            levels.iter_mut().skip(1).find(|l| l.cmd.get_arguments().any(|a| a.get_long() == Some("format")));
        if let Some(l) = format {
            l.options.push("--format=json".into());
        }
    }
    // Each command's name, its options, then its positional words (after `--` where one
    // starts with a dash, so that it stays a word).
    let mut out = vec!["waferwatt".to_string()];
    for l in levels {
        out.extend(l.name);
        out.extend(l.options);
        if l.positionals.iter().any(|w| w.starts_with('-')) {
            out.push("--".into());
        }
        out.extend(l.positionals);
    }
    Ok(out)
}

/// Commands whose options write the answer to files instead of printing it (so no format is
/// asked for, and the answer is null).
const WRITES_INSTEAD: [(&str, [&str; 3]); 1] = [("report", ["html", "markdown", "pdf"])];

/// Options a face sets itself: the answer's format, and help.
const FACES_OWN: [&str; 2] = ["format", "help"];

/// An option's name as the Python face spells it.
fn snake(long: &str) -> String {
    long.replace('-', "_")
}

fn command_name(levels: &[Level]) -> String {
    let words: Vec<&str> = levels.iter().skip(1).map(|l| l.cmd.get_name()).collect();
    if words.is_empty() { "waferwatt".into() } else { words.join(" ") }
}

/// Runs the command at `path` with `named` options and answers in JSON, with every sample as
/// columns when it samples and `keep` asks for them (else only the streamed summaries are
/// made, as on the command line). `format` is the face's to choose, so it is refused here.
pub fn run_json(path: &[&str], named: &[Named], keep: bool) -> Result<Answer, Refusal> {
    if let Some(n) = named.iter().find(|n| FACES_OWN.contains(&n.name.as_str())) {
        return Err(Refusal::Usage(format!(
            "`{}` is not taken here: the answer comes back as the command's JSON, in the face's own form",
            n.name
        )));
    }
    // A command asked to write its answer to files prints nothing to parse: its JSON is null.
    let writes = WRITES_INSTEAD.iter().any(|(command, flags)| {
        path.first() == Some(command) && named.iter().any(|n| flags.contains(&n.name.as_str()))
    });
    let mut cli = parse(path, named, !writes)?;
    let kept = Keep::default();
    if let Some(sampling) = sampling_of(&mut cli.command) {
        sampling.quiet = true;
        if keep {
            sampling.keep = Some(kept.clone());
        }
    }
    let (json, failed) = match crate::run(cli) {
        Ok(_) if writes => ("null".to_string(), None),
        Ok(text) => (text, None),
        Err(Failure::Input(d)) => return Err(Refusal::Input(d)),
        Err(Failure::Check { stdout, stderr }) => (stdout, Some(stderr)),
    };
    Ok(Answer { json, failed, samples: kept.take() })
}

/// The command line parsed from `path` and `named`, as [`run_json`] parses it.
fn parse(path: &[&str], named: &[Named], json: bool) -> Result<Cli, Refusal> {
    let words = words(path, named, json)?;
    Cli::try_parse_from(&words).map_err(|e| {
        // clap's pointer to `--help` is the command line's; the message is the face's too.
        let text = e.render().to_string();
        Refusal::Usage(
            text.lines()
                .filter(|l| !l.starts_with("For more information"))
                .collect::<Vec<_>>()
                .join("\n")
                .trim()
                .to_string(),
        )
    })
}

/// The wafer maps that `wafer --map` draws for `named` (the wafer command's options), as JSON:
/// an array with a map per node, each die placed and marked good, defective or partial (see
/// `WaferMap::json`), for a face that draws the map itself.
pub fn wafer_maps(named: &[Named]) -> Result<String, Refusal> {
    if let Some(n) = named.iter().find(|n| FACES_OWN.contains(&n.name.as_str()) || n.name == "map") {
        return Err(Refusal::Usage(format!("`{}` is not taken here: the maps come back as JSON", n.name)));
    }
    let Command::Wafer(args) = parse(&["wafer"], named, false)?.command else {
        return Err(Refusal::Usage("not the wafer command".into()));
    };
    let maps = crate::wafer_cmd::maps(&args).map_err(|f| match f {
        Failure::Input(d) => Refusal::Input(d),
        Failure::Check { stderr, .. } => Refusal::Usage(stderr),
    })?;
    let maps: Vec<serde_json::Value> = maps.iter().map(crate::map::WaferMap::json).collect();
    Ok(serde_json::Value::Array(maps).to_string())
}

/// The scalars of a JSON answer (numbers, texts, switches; a figure the answer lacks as null),
/// each named by its path as sampled results are named (`total_usd`, `ledger.electricity.usd`,
/// `us-va.total_usd` with several regions; a sampled answer's `total_usd.p50`); notes,
/// explanations and published figures left out. A sampled answer over several regions
/// (`{"results": [...], "uncertainty": ...}`) is named as its results are.
pub fn scalars(json: &str) -> Result<Vec<(String, serde_json::Value)>, Refusal> {
    let v: serde_json::Value =
        serde_json::from_str(json).map_err(|e| Refusal::Usage(format!("not a JSON answer: {e}")))?;
    let results = match (v.get("results"), v.get("uncertainty")) {
        (Some(r), Some(_)) if r.is_array() => r,
        _ => &v,
    };
    Ok(crate::sampling::scalars(results))
}

/// A ledger command's sampling options.
fn sampling_of(c: &mut Command) -> Option<&mut crate::sampling::SampleOptions> {
    match c {
        Command::Train(a) => Some(&mut a.sampling),
        Command::Wafer(a) => Some(&mut a.sampling),
        Command::Chip(a) => Some(&mut a.sampling),
        Command::Fleet(a) => Some(&mut a.sampling),
        Command::Strategy(a) => Some(&mut a.sampling),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str, values: &[&str]) -> Named {
        Named::new(name, values.iter().map(|v| v.to_string()).collect())
    }

    #[test]
    fn options_become_the_command_lines_words() {
        let got = argv(
            &["train"],
            &[
                named("run", &["llama-3.1-405b"]),
                named("region", &["us-va", "cn-nm"]),
                named("set", &["a.b.c=1", "d.e.f=2"]),
                named("explain", &["true"]),
                named("power_deal", &["false"]),
                named("tariff_usd_per_kwh", &["-0.1"]),
            ],
        )
        .unwrap();
        assert_eq!(
            got,
            [
                "waferwatt",
                "train",
                "--run=llama-3.1-405b",
                "--region=us-va,cn-nm",
                "--set=a.b.c=1",
                "--set=d.e.f=2",
                "--explain",
                "--power-deal=false",
                "--tariff-usd-per-kwh=-0.1"
            ]
        );
        // Options go to the command that takes them, before its sub-command's words.
        let got =
            argv(&["compare", "train"], &[named("method", &["default", "epoch-2024"]), named("run", &["x"])])
                .unwrap();
        assert_eq!(
            got,
            ["waferwatt", "compare", "--method=default", "--method=epoch-2024", "train", "--run=x"]
        );
        // A word that is no sub-command is a positional argument, a dashed one too; a global
        // option goes to the first command that takes it.
        let got = argv(&["data", "show", "h100-sxm"], &[named("set", &["a.b.c=1"])]).unwrap();
        assert_eq!(got, ["waferwatt", "data", "--set=a.b.c=1", "show", "h100-sxm"]);
        let got = argv(&["data", "show", "-x"], &[]).unwrap();
        assert_eq!(got, ["waferwatt", "data", "show", "--", "-x"]);
        // The format the face asks for goes before any positional word.
        let got = words(&["data", "show", "-x"], &[], true).unwrap();
        assert_eq!(got, ["waferwatt", "data", "--format=json", "show", "--", "-x"]);
        let e = run_json(&["data", "show", "-x"], &[], false).unwrap_err().to_string();
        assert!(e.contains("no entry `-x`"), "{e}");
        // A list whose values hold commas or equals signs is passed whole.
        let got = argv(&["fleet"], &[named("mix", &["ascend-910c=0.8", "ascend-910b=0.2"])]).unwrap();
        assert_eq!(got, ["waferwatt", "fleet", "--mix=ascend-910c=0.8,ascend-910b=0.2"]);
    }

    #[test]
    fn unknown_options_and_commands_are_named() {
        let e = argv(&["train"], &[named("tarif_usd_per_kwh", &["0.1"])]).unwrap_err().to_string();
        assert!(e.contains("`train` takes no option `tarif_usd_per_kwh`"), "{e}");
        assert!(e.contains("did you mean `tariff_usd_per_kwh`"), "{e}");
        let e = argv(&["trian"], &[]).unwrap_err().to_string();
        assert!(e.contains("no command `trian`") && e.contains("train"), "{e}");
        let e = argv(&["train", "extra"], &[]).unwrap_err().to_string();
        assert!(e.contains("`train` takes no further word `extra`"), "{e}");
        // The program's own options are not a command's; a parent's are offered too.
        let e = argv(&["train"], &[named("version", &["true"])]).unwrap_err().to_string();
        assert!(e.contains("takes no option `version`"), "{e}");
        let e = argv(&["compare", "train"], &[named("methods", &["a"])]).unwrap_err().to_string();
        assert!(e.contains("did you mean `method`"), "{e}");
        let e = argv(&["train"], &[named("explain", &["yes"])]).unwrap_err().to_string();
        assert!(e.contains("switch"), "{e}");
        let e = run_json(&["train"], &[named("format", &["csv"])], true).unwrap_err().to_string();
        assert!(e.contains("`format` is not taken here"), "{e}");
    }

    #[test]
    fn answers_are_the_commands_json_with_its_samples() {
        let a = run_json(&["train"], &[named("run", &["llama-3.1-405b"]), named("samples", &["50"])], true)
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(&a.json).unwrap();
        assert_eq!(v["uncertainty"]["samples"], 50);
        let cols = a.samples.expect("the samples as columns");
        assert_eq!(cols.samples, 50);
        assert_eq!(cols.values.len(), 50 * cols.names.len());
        assert!(!cols.uncertain.is_empty() && cols.names.iter().any(|n| n == "total_usd"));
        // Bad input is the command line's diagnostic, with its key.
        match run_json(&["train"], &[named("run", &["llama-3.1-405b"]), named("pue", &["-1"])], true) {
            Err(Refusal::Input(d)) => assert!(d.to_string().contains("--pue"), "{d}"),
            other => panic!("expected a refusal of the input, got {other:?}"),
        }
        // No samples asked, or not kept: none.
        assert!(run_json(&["train"], &[named("run", &["llama-3.1-405b"])], true).unwrap().samples.is_none());
        let a = run_json(&["train"], &[named("run", &["llama-3.1-405b"]), named("samples", &["50"])], false)
            .unwrap();
        assert!(a.samples.is_none());
        let names: Vec<String> = scalars(&a.json).unwrap().into_iter().map(|l| l.0).collect();
        assert!(names.iter().any(|n| n == "total_usd.p50"), "{names:?}");
        // Several regions sampled: named as the unsampled answer's are, not under `results`.
        let two = [named("run", &["llama-3.1-405b"]), named("region", &["us-va", "cn-nm"])];
        let central: Vec<String> = scalars(&run_json(&["train"], &two, false).unwrap().json)
            .unwrap()
            .into_iter()
            .map(|l| l.0)
            .collect();
        let mut sampled = two.to_vec();
        sampled.push(named("samples", &["20"]));
        let sampled: Vec<String> = scalars(&run_json(&["train"], &sampled, false).unwrap().json)
            .unwrap()
            .into_iter()
            .map(|l| l.0)
            .collect();
        assert!(central.iter().any(|n| n == "us-va.total_usd"), "{central:?}");
        assert!(sampled.iter().any(|n| n == "us-va.total_usd.p50"), "{sampled:?}");
    }
}
