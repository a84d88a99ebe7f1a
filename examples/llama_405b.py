"""Llama 3.1 405B's training run, costed with waferwatt from Python.

1. The ledger in five regions (Virginia, California, Texas, Inner Mongolia, Guizhou).
2. The run's cost sampled 20,000 times over the data's ranges, plotted with matplotlib.
3. A sweep over the electricity tariff and the hardware's life: what electricity's share of
   the run's cost would be at each.

Run it after `pip install "./crates/waferwatt-py[plot]"`:

    python examples/llama_405b.py [OUT_DIR]

It prints the tables and writes two PNG charts to OUT_DIR (default: the current directory).
CI runs it, so it stays true to the package.
"""

import pathlib
import sys

import matplotlib

matplotlib.use("Agg")  # files, not windows: this runs on servers and in CI too
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import waferwatt as ww  # noqa: E402

RUN = "llama-3.1-405b"
REGIONS = ["us-va", "us-ca", "us-tx", "cn-nm", "cn-gz"]
out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
out.mkdir(parents=True, exist_ok=True)

# 1. The ledger in five regions: the command line's JSON, as Python objects.
regions = ww.train(run=RUN, region=REGIONS)
ledger = pd.DataFrame(
    {r["region"]: {item["item"]: item["usd"] / 1e6 for item in r["ledger"]} for r in regions}
)
ledger.loc["total"] = ledger.sum()
shares = pd.Series(
    {r["region"]: next(i["share"] for i in r["ledger"] if i["item"] == "electricity") for r in regions}
)
print(f"{RUN}: the training run's cost by ledger item, million USD")
print(ledger.round(2).to_string())
print("\nelectricity's share of the cost:")
print((shares * 100).round(1).astype(str).add(" %").to_string())

# 2. The run's cost over the data's ranges: every sample a row.
sampled = ww.train(run=RUN, region="us-va", samples=20_000, seed=1)
total = sampled.samples.loc[sampled.samples["kept"], "total_usd"] / 1e6
p = sampled.percentiles.loc["total_usd"] / 1e6
print(f"\ncost in us-va over {len(sampled)} samples: p5 {p.p5:.1f}, p50 {p.p50:.1f}, p95 {p.p95:.1f} million USD")
print("the uncertain numbers drawn:", ", ".join(sampled.keys))
fig, ax = plt.subplots(figsize=(7, 4))
ax.hist(total, bins=80, color="#4a78a8")
for q, label in [(p.p5, "p5"), (p.p50, "p50"), (p.p95, "p95")]:
    ax.axvline(q, color="black", linestyle="--", linewidth=0.8)
    ax.annotate(f" {label}", (q, ax.get_ylim()[1] * 0.92), ha="left", fontsize=8)
ax.set_xlabel("cost of the training run, million USD (us-va)")
ax.set_ylabel("samples")
ax.set_title(f"{RUN} in us-va: cost over the data's ranges ({len(sampled)} samples)", fontsize=10)
fig.tight_layout()
fig.savefig(out / "llama_405b_cost.png", dpi=120)

# 3. Tariff × hardware life: a grid of scenarios in one frame (pass map=client.map to run it
# on a Dask cluster instead).
grid = {
    "tariff_usd_per_kwh": [0.03, 0.06, 0.09, 0.12, 0.18, 0.24],
    "ownership.hardware_life_years": [3, 4, 5, 6],
}
sweep = ww.sweep("train", grid, run=RUN, region="us-va")
table = sweep.pivot(index="tariff_usd_per_kwh", columns="ownership.hardware_life_years",
                    values="ledger.electricity.share")
print("\nelectricity's share by tariff (rows, USD/kWh) and hardware life (columns, years):")
print((table * 100).round(1).to_string())
fig, ax = plt.subplots(figsize=(7, 4))
for life in table.columns:
    ax.plot(table.index, table[life] * 100, marker="o", label=f"{life}-year life")
ax.set_xlabel("electricity tariff, USD/kWh")
ax.set_ylabel("electricity's share of the run's cost, %")
ax.set_title(f"{RUN} in us-va: electricity's share by tariff and hardware life", fontsize=10)
ax.legend()
fig.tight_layout()
fig.savefig(out / "llama_405b_sweep.png", dpi=120)
print(f"\ncharts written: {out / 'llama_405b_cost.png'}, {out / 'llama_405b_sweep.png'}")
