"""How long a sampled training ledger takes to reach a DataFrame: the package against the
command line. The figures for BENCHMARKS.md.

    python crates/waferwatt-py/bench/samples.py [N] [--bin target/release/waferwatt]

Each way is timed best of three (the CSV ways once, being slow), on Llama 3.1 405B in us-va:
- `ww.train(samples=N)`: the samples as a DataFrame, with their percentiles;
- the command line's `--samples N --format json`: percentiles only, streamed, no samples kept;
- the command line's `--raw FILE` and `pandas.read_csv`: the only way to the samples before
  the package.
"""

import argparse
import pathlib
import subprocess
import tempfile
import time

import pandas as pd

import waferwatt as ww

ROOT = pathlib.Path(__file__).resolve().parents[3]


def best(f, times=3):
    """The shortest of `times` runs of `f`, and the last run's answer."""
    out, answer = [], None
    for _ in range(times):
        t = time.perf_counter()
        answer = f()
        out.append(time.perf_counter() - t)
    return min(out), answer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("samples", type=int, nargs="?", default=1_000_000)
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "waferwatt"))
    a = ap.parse_args()
    n, run = a.samples, ["--run", "llama-3.1-405b", "--region", "us-va"]
    cli = [a.bin, "train", *run, "--samples", str(n), "--seed", "1"]
    seconds, sampled = best(lambda: ww.train(run="llama-3.1-405b", region="us-va", samples=n, seed=1))
    frame = sampled.samples
    rows = [("ww.train(samples=N): DataFrame of every sample", seconds)]
    rows.append(("command line --format json: percentiles only",
                 best(lambda: subprocess.run([*cli, "--format", "json"], check=True, capture_output=True))[0]))
    with tempfile.TemporaryDirectory() as d:
        raw = pathlib.Path(d) / "raw.csv"
        rows.append(("command line --raw FILE (CSV of every sample)",
                     best(lambda: subprocess.run([*cli, "--raw", str(raw)], check=True, capture_output=True), 1)[0]))
        rows.append(("pandas.read_csv of that file", best(lambda: pd.read_csv(raw), 1)[0]))
    print(f"{n} samples of {frame.shape[1]} columns ({frame.memory_usage().sum() / 2**20:.0f} MiB as a frame)")
    for what, seconds in rows:
        print(f"  {what:<50} {seconds:8.3f} s")


if __name__ == "__main__":
    main()
