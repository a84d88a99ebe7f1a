#!/usr/bin/env python3
"""The vectorised numpy peer of waferwatt's sampled training ledger.

The version an analyst would write by hand: the same ledger (`evaluate` in
crates/waferwatt/src/train/mod.rs, `crf` in finance.rs, the constants of units.rs), the same
distributions, the same sample count and the same 28 results, each summarised by its 5th, 50th
and 95th percentile and its mean; percentiles are timed, as on the Rust side. Nothing is
hard-coded: central values, and which data key feeds which input, come from
`waferwatt train --explain`; the distributions from `--samples 1`.

Timed (best of 3, time.perf_counter): draw + evaluate + percentiles. Reading the inputs is not
timed; the whole-process wall time is for the caller to measure (`time python3 ...`). Then
waferwatt runs with the same sample count and its percentiles are checked against numpy's.

    python3 benches/numpy_train.py [path/to/waferwatt] [--samples N] [--seed S] [--json]

The binary defaults to target/release/waferwatt under the repository root. Supported: a run
whose accelerator-hours are given (a published run) in a region with a flat USD tariff.
"""
import argparse, json, os, subprocess, sys, time

try:
    import numpy as np
except ImportError:
    sys.exit("numpy_train.py needs numpy, which is not installed: pip install numpy")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUN = "llama-3.1-405b"
# units.rs
HOURS_PER_YEAR, SECONDS_PER_HOUR, HOURS_PER_DAY = 8760.0, 3600.0, 24.0
FLOPS_PER_TFLOPS, W_PER_KW, KW_PER_MW, KWH_PER_MWH, KG_PER_TONNE = 1e12, 1e3, 1e3, 1e3, 1e3
ITEMS = ["accelerator amortization", "server and network amortization", "facility amortization",
         "electricity", "maintenance"]
FIGURES = (["accelerators", "accelerator_hours", "compute_flop", "mfu", "implied_mfu", "goodput",
            "wall_days", "it_kw_per_accelerator", "peak_it_kw_per_accelerator", "pue",
            "tariff_usd_per_kwh", "tariff_local_per_kwh", "grid_kgco2_per_kwh", "energy_mwh",
            "emissions_tco2e"]
           + [f"ledger.{i}.usd" for i in ITEMS]
           + ["total_usd", "usd_per_accelerator_hour", "rental_usd"]
           + [f"ledger.{i}.share" for i in ITEMS])
SHOWN = ["total_usd", "ledger.electricity.usd", "energy_mwh"]


def waferwatt(binary, *args):
    cmd = [binary, "train", "--run", RUN, "--format", "json", *args]
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)


def load(binary):
    """Central inputs by name, the names each data key feeds, and the uncertain numbers."""
    explained = waferwatt(binary, "--explain")
    central, feeds = {}, {}
    for step in explained["explain"]:
        for i in step["inputs"]:
            central[i["name"]] = i["value"]
            if i["key"]:
                feeds.setdefault(i["key"], set()).add(i["name"])
    # The ledger reads `tariff_usd_per_kwh`; a flat-USD region's price is the data number.
    if explained["currency"] != "USD" or "region_tariff_usd_per_kwh" not in central:
        sys.exit(f"{RUN}: only a region with a flat USD tariff is supported")
    for names in feeds.values():
        if "region_tariff_usd_per_kwh" in names:
            names.add("tariff_usd_per_kwh")
    if "accelerator_hours" not in central or "compute_flop" not in central:
        sys.exit(f"{RUN}: only a run with given accelerator-hours and known compute is supported")
    uncertain = waferwatt(binary, "--samples", "1")["uncertainty"]["uncertain"]
    for u in uncertain:
        if u["dist"] != "triangular":
            sys.exit(f"{u['key']}: only triangular distributions are supported, not {u['dist']}")
    return central, feeds, uncertain


def crf(rate, years):
    """Capital recovery factor r / (1 - (1 + r)^-n); straight-line 1/n at r = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(rate == 0.0, 1.0 / years, rate / (1.0 - (1.0 + rate) ** -years))


def evaluate(x, n):
    """The ledger on arrays (or scalars) of inputs: the 28 figures, each an array of n."""
    compute = x["compute_flop"]
    if any(isinstance(x[k], np.ndarray) for k in ("flop_per_param_token", "params", "tokens")):
        compute = x["flop_per_param_token"] * x["params"] * x["tokens"]
    hours = x["accelerator_hours"]
    implied_mfu = compute / (x.get("compute_hours", hours) * SECONDS_PER_HOUR
                             * x["peak_tflops"] * FLOPS_PER_TFLOPS * x["goodput"])
    peak_it_kw = x["tdp_w"] * x["server_power_multiplier"] / W_PER_KW
    it_kw = peak_it_kw * x["avg_power_fraction"]
    energy_kwh = hours * it_kw * x["pue"]
    years = hours / HOURS_PER_YEAR
    price, r = x["accelerator_price_usd"], x["cost_of_capital"]
    hw_crf = crf(r, x["hardware_life_years"])
    server = price * x["server_capex_fraction"]
    f = x["network_capex_fraction"]
    network = (price + server) * f / (1.0 - f)  # f is the network share of all hardware
    facility = x["facility_capex_usd_per_mw"] * peak_it_kw / KW_PER_MW
    lines = [price * hw_crf * years,
             (server + network) * hw_crf * years,
             facility * crf(r, x["facility_life_years"]) * years,
             energy_kwh * x["tariff_usd_per_kwh"],
             (price + server + network) * x["maintenance_fraction_per_year"] * years]
    total = lines[0] + lines[1] + lines[2] + lines[3] + lines[4]
    values = ([x["accelerators"], hours, compute, implied_mfu, implied_mfu, x["goodput"],
               hours / x["accelerators"] / HOURS_PER_DAY, it_kw, peak_it_kw, x["pue"],
               x["tariff_usd_per_kwh"], x["tariff_usd_per_kwh"],  # local = USD in a USD region
               x["grid_kgco2_per_kwh"], energy_kwh / KWH_PER_MWH,
               energy_kwh * x["grid_kgco2_per_kwh"] / KG_PER_TONNE]
              + lines + [total, total / hours, x["rental_usd_per_hour"] * hours]
              + [line / total for line in lines])
    # Every figure as n values, as the Rust side keeps them (constants included).
    return {name: np.broadcast_to(np.asarray(v, dtype=float), (n,)) for name, v in zip(FIGURES, values)}


def run(central, feeds, uncertain, n, seed):
    """Draw, evaluate, refuse what `accepts` refuses, summarise: the timed part."""
    rng = np.random.default_rng(seed)
    x = dict(central)
    for u in uncertain:  # every uncertain number is drawn, whether or not it reaches a result
        draws = rng.triangular(u["low"], u["value"], u["high"], n)
        for name in feeds.get(u["key"], ()):
            x[name] = draws
    figs = evaluate(x, n)
    ok = np.ones(n, dtype=bool)
    for v in figs.values():
        ok &= np.isfinite(v)
    ok &= (figs["total_usd"] > 0) & (figs["accelerator_hours"] > 0) & (figs["implied_mfu"] <= 1)
    if not ok.all():
        figs = {name: v[ok] for name, v in figs.items()}
    summary = {}
    for name, v in figs.items():
        p5, p50, p95 = np.percentile(v, [5, 50, 95])
        summary[name] = {"p5": p5, "p50": p50, "p95": p95, "mean": v.mean()}
    return summary, figs


def standard_error(v, q, h=0.005):
    """Standard error of the q-quantile of v: sqrt(q(1-q)/n) / density, the density at the
    quantile estimated from the spacing of the quantiles q - h and q + h."""
    lo, hi = np.percentile(v, [100 * (q - h), 100 * (q + h)])
    return np.sqrt(q * (1 - q) / len(v)) * (hi - lo) / (2 * h)


def rust_summary(doc, name):
    if name.startswith("ledger."):
        _, item, field = name.split(".")
        return next(line[field] for line in doc["ledger"] if line["item"] == item)
    return doc[name]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("binary", nargs="?", default=os.path.join(ROOT, "target", "release", "waferwatt"))
    ap.add_argument("--samples", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true", help="print the numbers as JSON")
    a = ap.parse_args()
    central, feeds, uncertain = load(a.binary)
    unused = [u["key"] for u in uncertain if u["key"] not in feeds]

    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        summary, figs = run(central, feeds, uncertain, a.samples, a.seed)
        times.append(time.perf_counter() - t0)
    best = min(times)

    # Cross-check: waferwatt with the same sample count (its own random streams). Two
    # independent estimates of a percentile differ by sqrt(2) standard errors typically;
    # they agree if within 4 of those (a false alarm about once in 16,000 comparisons).
    rust_times = []
    for _ in range(3):
        t0 = time.perf_counter()
        rust = waferwatt(a.binary, "--samples", str(a.samples))
        rust_times.append(time.perf_counter() - t0)
    check = []
    for name in SHOWN:
        for q in ("p5", "p50", "p95"):
            ours, theirs = summary[name][q], rust_summary(rust, name)[q]
            se = np.sqrt(2) * standard_error(figs[name], int(q[1:]) / 100)
            check.append({"figure": name, "q": q, "numpy": ours, "waferwatt": theirs,
                          "rel_diff": theirs / ours - 1, "sigmas": abs(theirs - ours) / se,
                          "tolerance": 4 * se, "agree": bool(abs(theirs - ours) <= 4 * se)})
    agree = all(c["agree"] for c in check)

    if a.json:
        print(json.dumps({"samples": a.samples, "seed": a.seed, "seconds": best, "runs": times,
                          "samples_per_second": a.samples / best,
                          "refused": a.samples - len(figs["total_usd"]),
                          "waferwatt_process_seconds": min(rust_times),
                          "summary": {n: summary[n] for n in SHOWN}, "check": check,
                          "agree": agree}, indent=1))
        sys.exit(0 if agree else 1)
    print(f"numpy {np.__version__}: {a.samples:,} samples of {len(uncertain)} uncertain numbers, "
          f"28 results, p5/p50/p95 and mean of each")
    if unused:
        print(f"  drawn but feeding no input of this run: {', '.join(unused)}")
    print(f"  draw + evaluate + percentiles: {best:.3f} s best of 3 "
          f"({', '.join(f'{t:.3f}' for t in times)}), {a.samples / best:,.0f} samples/s")
    print(f"  waferwatt, whole process, same samples: {min(rust_times):.3f} s best of 3")
    print("  (whole-process wall time of this script: measure it outside, with `time`)\n")
    print(f"{'figure':24} {'q':>3} {'numpy':>16} {'waferwatt':>16} {'diff':>9} {'σ':>5}")
    for c in check:
        print(f"{c['figure']:24} {c['q']:>3} {c['numpy']:16,.1f} {c['waferwatt']:16,.1f} "
              f"{c['rel_diff']:+9.4%} {c['sigmas']:5.1f}")
    print(f"\n{'agree' if agree else 'DISAGREE'}: every difference within 4 standard errors "
          f"of the difference of two independent {a.samples:,}-sample percentiles")
    sys.exit(0 if agree else 1)


if __name__ == "__main__":
    main()
