//! The built-in data: it loads, passes its own check, holds every entry the first slice
//! promises, and the check catches each kind of fault.

use waferwatt::data::{Dataset, check};

fn builtin() -> Dataset {
    Dataset::builtin().expect("the built-in data loads")
}

#[test]
fn the_built_in_data_passes_its_check() {
    let report = check::check(&builtin());
    assert!(report.ok(), "{:#?}", report.problems);
    assert!(report.params > 100);
}

#[test]
fn every_promised_entry_is_there() {
    let ds = builtin();
    for id in [
        "a100-sxm",
        "h100-sxm",
        "h800",
        "h20",
        "h200",
        "b200",
        "mi300x",
        "tpu-v5p",
        "ascend-910b",
        "ascend-910c",
    ] {
        for field in ["bf16_tflops", "memory_gb", "tdp_w", "price_usd"] {
            assert!(ds.param(&format!("accelerator.{id}.{field}")).is_some(), "{id}.{field}");
        }
        let price = ds.param(&format!("accelerator.{id}.price_usd")).unwrap();
        assert!(price.low < price.high, "{id}: a market price comes with a range");
    }
    for id in ["us-va", "us-ca", "us-tx", "us-or", "us-avg", "cn-avg", "cn-nm", "cn-gz", "cn-nx", "cn-gs"] {
        for field in ["grid_kgco2_per_kwh", "pue", "vat_rate"] {
            assert!(ds.param(&format!("region.{id}.{field}")).is_some(), "{id}.{field}");
        }
    }
    for id in ["deepseek-v3", "llama-3.1-405b"] {
        assert!(ds.param(&format!("run.{id}.accelerator_hours")).is_some());
    }
}

#[test]
fn the_check_catches_an_unknown_source_an_unused_source_and_a_bad_unit() {
    let mut ds = builtin();
    ds.params.get_mut("accelerator.h100-sxm.tdp_w").unwrap().source = "no-such-source".into();
    ds.params.get_mut("accelerator.h100-sxm.memory_gb").unwrap().unit = "GiB";
    ds.params.get_mut("accelerator.h100-sxm.price_usd").unwrap().low = 1e9;
    let report = check::check(&ds);
    let text: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    let has = |s: &str| text.iter().any(|t| t.contains(s));
    assert!(has("source `no-such-source` is not in the sources table"), "{text:#?}");
    assert!(has("unknown unit `GiB`"), "{text:#?}");
    assert!(has("range out of order"), "{text:#?}");
    // epoch-ml-hardware still backs other numbers; techspot-h100-price backs only the price,
    // which still cites it, so no source goes unused here.
    assert!(!has("is never used"));
}

#[test]
fn an_assumption_must_explain_itself() {
    let mut ds = builtin();
    let p = ds.params.get_mut("power.load_factor").unwrap();
    assert_eq!(&*p.source, "assumption");
    p.note.clear();
    assert!(!check::check(&ds).ok());
}

#[test]
fn set_replaces_a_number_and_fixes_its_range() {
    let mut ds = builtin();
    ds.apply_set("accelerator.h100-sxm.tdp_w=650").unwrap();
    let p = ds.param("accelerator.h100-sxm.tdp_w").unwrap();
    assert_eq!((p.value, p.low, p.high), (650.0, 650.0, 650.0));
    assert!(p.note.contains("default was 700"));
    assert!(ds.apply_set("accelerator.h100-sxm.tdp_w=-1").is_err());
    assert!(ds.apply_set("server.avg_power_fraction=1.2").is_err());
    assert!(ds.apply_set("accelerator.nope.tdp_w=1").is_err());
    assert!(ds.apply_set("run.llama-3.1-405b.tokens=1e12").is_ok(), "ids with dots");
}

#[test]
fn a_scenario_can_define_a_new_region() {
    let mut ds = builtin();
    let text = r#"
extends = "default"
[region.my-site]
name = "my site"
country = "US"
tariff_model = "flat"
tariff_usd_per_kwh = 0.05
vat_rate = 0
grid_kgco2_per_kwh = { value = 0.2, low = 0.1, high = 0.3 }
pue = 1.2
"#;
    ds.apply_scenario("s.toml", text).unwrap();
    assert!(ds.has_id("region", "my-site"));
    let p = ds.param("region.my-site.grid_kgco2_per_kwh").unwrap();
    assert_eq!((p.low, p.value, p.high), (0.1, 0.2, 0.3));
    assert_eq!(p.location.as_ref().unwrap().line, 9);
}

/// Every number the schema knows has a name for people, and every number of the built-in data
/// is read by that name, not by its key: short, distinct within its entry, no key in it.
#[test]
fn every_data_number_has_a_label_a_reader_knows() {
    use waferwatt::data::schema::{FieldType, KINDS};
    for k in KINDS {
        let mut seen = std::collections::BTreeSet::new();
        for f in k.fields {
            if let FieldType::Number(_) = f.ty {
                assert!(!f.label.is_empty(), "{}.{} has no label", k.name, f.name);
                assert!(f.label.chars().count() <= 40, "{}.{}'s label is long: {}", k.name, f.name, f.label);
                assert!(seen.insert(f.label), "{}: two fields are labelled {:?}", k.name, f.label);
            }
        }
    }
    let ds = builtin();
    for key in ds.params.keys() {
        let label = ds.label(key);
        assert_ne!(&label, key, "{key} has no label");
        // No key, nor the start of one ("node.", "fab."), inside a label.
        for k in KINDS {
            assert!(!label.contains(&format!("{}.", k.name)), "{key}'s label reads like a key: {label}");
        }
    }
    // No two numbers read alike: a tornado or a table naming two of them would not tell them apart.
    let mut by_label: std::collections::BTreeMap<String, &String> = std::collections::BTreeMap::new();
    for key in ds.params.keys() {
        if let Some(other) = by_label.insert(ds.label(key), key) {
            panic!("{key} and {other} are both labelled {:?}", ds.label(key));
        }
    }
    // A layer group is named with its node; a node by its name up to the parenthesis.
    assert_eq!(ds.label("node.n7-duv.d0_per_cm2"), "DUV-only 7 nm defect density");
    assert!(
        ds.label("layer.n28.active.count").starts_with("28 nm planar HKMG active / STI"),
        "{}",
        ds.label("layer.n28.active.count")
    );
}

/// A label the data gives a number wins, and a scenario that overrides the number keeps it.
#[test]
fn a_label_in_the_data_is_kept_through_overrides() {
    let mut ds = Dataset::builtin().unwrap();
    ds.apply_scenario(
        "s.toml",
        "[node.n7-duv]\nd0_per_cm2 = { value = 0.1, label = \"SMIC-class 7 nm defects\" }\n",
    )
    .unwrap();
    assert_eq!(ds.label("node.n7-duv.d0_per_cm2"), "SMIC-class 7 nm defects");
    ds.apply_set("node.n7-duv.d0_per_cm2=0.12").unwrap();
    assert_eq!(ds.label("node.n7-duv.d0_per_cm2"), "SMIC-class 7 nm defects");
    let too_long = format!("[node.n7-duv]\nd0_per_cm2 = {{ value = 0.1, label = \"{}\" }}\n", "x".repeat(61));
    let e = ds.apply_scenario("s.toml", &too_long).unwrap_err().to_string();
    assert!(e.contains("label") && e.contains("s.toml"), "{e}");
}

/// The data's fingerprint is the same for the same data, and moves with any number or text.
#[test]
fn the_fingerprint_follows_the_data() {
    let (a, b) = (builtin(), builtin());
    assert_eq!(a.fingerprint(), b.fingerprint());
    let mut c = builtin();
    c.apply_set("node.n7-duv.d0_per_cm2=0.065").unwrap();
    // The same value, set on the command line: its source differs, so the data in force does.
    assert_ne!(a.fingerprint(), c.fingerprint());
    let mut d = builtin();
    d.apply_set("region.us-va.pue=1.31").unwrap();
    assert_ne!(a.fingerprint(), d.fingerprint());
    assert_ne!(c.fingerprint(), d.fingerprint());
}
