//! How each figure of the chip ledger is derived.

use super::{ChipBound, ChipOutputs, Item, PackageKind};
use crate::train::Step;

/// The derivation of every figure that `out` holds, in reading order.
pub fn explain(bound: &ChipBound, out: &ChipOutputs) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut push = |figure, value: f64, unit, formula: &str, uses| {
        steps.push(Step { figure, value, unit, formula: formula.to_string(), uses, group: None })
    };
    if bound.port.is_some() {
        push(
            "ported die area",
            bound.inputs.compute.area_mm2,
            "mm2",
            "area × density index of the old node ÷ that of the new (split into chiplets if over the reticle)",
            &[
                "die_area_mm2",
                "density_index_from",
                "density_index_to",
                "ported_die_area_mm2",
                "d2d_area_fraction",
            ],
        );
        push(
            "ported TDP",
            bound.inputs.tdp_w,
            "W",
            "TDP × power index of the new node ÷ that of the old, at equal speed",
            &["tdp_w", "power_index_from", "power_index_to"],
        );
    }
    for item in Item::ALL {
        let (formula, uses): (&str, &'static [&'static str]) = match item {
            Item::ComputeDies => (
                "dies × the fab ledger's price per good die at the node: cost over one minus the gross margin (see `waferwatt wafer --node N --die-area A --explain`)",
                &["die_count", "die_area_mm2"],
            ),
            Item::IoDies => {
                ("I/O dies × the fab ledger's price per good I/O die", &["io_die_count", "io_die_area_mm2"])
            }
            Item::KgdTest => {
                ("every die tested, over the yield × known-good-die test", &["kgd_test_usd_per_die"])
            }
            Item::Hbm => {
                ("stacks × GB per stack × USD per GB", &["hbm_stacks", "hbm_gb_per_stack", "hbm_usd_per_gb"])
            }
            Item::Interposer => match bound.inputs.package_kind {
                PackageKind::SiliconInterposer => (
                    "interposer wafer ÷ (interposers per wafer × e^(−area × D0)) × interposers",
                    &[
                        "interposer_wafer_usd",
                        "interposer_area_mm2",
                        "interposer_d0_per_cm2",
                        "interposer_count",
                    ],
                ),
                PackageKind::Bridge => {
                    ("RDL interposer and bridge dies, per package", &["cowos_l_interposer_usd"])
                }
                PackageKind::Organic => ("no interposer", &[]),
            },
            Item::SubstrateAndBonding => ("as given", &["substrate_and_bonding_usd"]),
            Item::FinalTest => ("as given", &["final_test_usd"]),
            Item::PackagingYieldLoss => {
                ("(everything above) × (1 ÷ packaging yield − 1)", &["packaging_yield"])
            }
            Item::Module => ("as given", &["module_usd"]),
        };
        push(item.name(), out.usd(item), "USD", formula, uses);
    }
    push("build_cost_usd", out.build_cost_usd, "USD", "sum of the items", &[]);
    push("tflops_per_w", out.tflops_per_w, "TFLOP/s/W", "dense BF16 peak ÷ TDP", &["bf16_tflops", "tdp_w"]);
    if let (Some(p), Some(m)) = (out.price_usd, out.gross_margin) {
        push(
            "price_usd",
            p,
            "USD",
            "the market price, or build cost × (1 + markup)",
            &["price_usd", "build_markup"],
        );
        push("gross_margin", m, "fraction", "1 − build cost ÷ price", &[]);
    }
    steps
}
