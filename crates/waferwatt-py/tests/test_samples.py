"""Sampled answers as data frames: the same samples as `--raw`, the same percentiles as
`--format csv`, for the same seed."""

import io

import numpy as np
import pandas as pd
import pytest

import waferwatt as ww


@pytest.mark.parametrize(
    "command, options, args",
    [
        ("train", dict(run="llama-3.1-405b", region=["us-va", "cn-nm"]),
         ["--run", "llama-3.1-405b", "--region", "us-va,cn-nm"]),
        ("train", dict(run="deepseek-v3", sampler="lhs"), ["--run", "deepseek-v3", "--sampler", "lhs"]),
        ("wafer", dict(node="n7-smic", die_area=600), ["--node", "n7-smic", "--die-area", "600"]),
        ("chip", dict(accelerator="ascend-910c"), ["--accelerator", "ascend-910c"]),
        ("fleet", dict(), []),
    ],
)
def test_samples_equal_the_raw_csv_and_percentiles_the_summary(cli, tmp_path, command, options, args):
    n, seed = 3000, 7
    got = getattr(ww, command)(samples=n, seed=seed, **options)
    raw = tmp_path / "raw.csv"
    cli(command, *args, "--samples", n, "--seed", seed, "--raw", raw)
    want = pd.read_csv(raw)
    assert list(got.samples.columns) == list(want.columns)
    assert len(got.samples) == n
    # Every value exactly: the CSV writes each number so that it reads back to the same f64.
    pd.testing.assert_frame_equal(
        got.samples.drop(columns="kept"), want.drop(columns="kept"), check_exact=True, check_dtype=False
    )
    assert (got.samples["kept"].to_numpy() == want["kept"].astype(bool).to_numpy()).all()
    # The percentiles are the command line's, which streams them without keeping the samples.
    summary = pd.read_csv(io.StringIO(
        cli(command, *args, "--samples", n, "--seed", seed, "--format", "csv").stdout)).set_index("figure")
    pd.testing.assert_frame_equal(got.percentiles, summary, check_exact=False, rtol=1e-12, check_names=False)
    assert got.result == cli.json(command, *args, "--samples", n, "--seed", seed)
    # The uncertain numbers are the frame's columns after `kept`, as the JSON lists them.
    assert list(got.uncertain["key"]) == got.keys == list(got.samples.columns[2:2 + len(got.keys)])
    meta = (got.result["uncertainty"])["uncertain"]
    assert got.uncertain.to_dict("records") == [{c: m[c] for c in got.uncertain.columns} for m in meta]


def test_a_sampled_frame_is_a_frame_of_numbers():
    s = ww.train(run="llama-3.1-405b", samples=500, seed=3)
    frame = s.samples
    assert frame["sample"].tolist() == list(range(500))
    assert frame["kept"].dtype == bool and frame["kept"].all()
    values = frame.drop(columns=["sample", "kept"])
    assert (values.dtypes == np.float64).all()
    assert np.isfinite(values.to_numpy()).all()
    # The p50 of the frame's column is the percentile the model reports (NumPy's linear rule).
    assert np.isclose(np.percentile(frame["total_usd"], 50), s.percentiles.loc["total_usd", "p50"], rtol=1e-12)
    # Another seed, other draws; the same seed, the same draws.
    assert not frame.equals(ww.train(run="llama-3.1-405b", samples=500, seed=4).samples)
    assert frame.equals(ww.train(run="llama-3.1-405b", samples=500, seed=3).samples)
    assert "samples (seed 3)" in repr(s)


def test_without_uncertainty_nothing_is_sampled():
    r = ww.train(run="llama-3.1-405b", samples=100, uncertainty="off")
    assert isinstance(r, dict) and "uncertainty" not in r


def test_the_strategys_samples_equal_its_raw_csv(cli, tmp_path):
    n, seed = 300, 3
    got = ww.strategy(samples=n, seed=seed)
    raw = tmp_path / "raw.csv"
    cli("strategy", "--samples", n, "--seed", seed, "--raw", raw)
    want = pd.read_csv(raw)  # no `kept` column: the strategy refuses no sample
    assert got.samples["kept"].all()
    pd.testing.assert_frame_equal(got.samples.drop(columns="kept"), want, check_exact=True, check_dtype=False)
    assert got.result == cli.json("strategy", "--samples", n, "--seed", seed)
    assert got.percentiles.index.is_unique and set(got.percentiles.index) <= set(got.figures)
    # Each percentile is the frame's column's (NumPy's linear rule), where every sample has it.
    full = [f for f in got.percentiles.index if got.samples[f].notna().all()]
    assert len(full) > 100
    for f in full[::25]:
        want = np.percentile(got.samples[f], [5, 50, 95])
        assert np.allclose(got.percentiles.loc[f, ["p5", "p50", "p95"]].to_numpy(float), want, rtol=1e-12), f
    # Every uncertain number is described.
    assert list(got.uncertain["key"]) == got.keys and got.uncertain["dist"].notna().all()


def test_sampled_frames_are_writable():
    s = ww.train(run="llama-3.1-405b", samples=100, seed=1)
    s.samples.loc[s.samples["total_usd"] > 7e7, "total_usd"] = np.nan
    s.samples.iloc[0, 2] = 1.0
    s.samples["kept"] = False
    assert s.samples.iloc[0, 2] == 1.0 and not s.samples["kept"].any()
