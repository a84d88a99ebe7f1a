"""Sweeps over a grid: the same frame from the built-in map, a thread pool, a process pool and a
Dask cluster."""

import concurrent.futures

import pandas as pd
import pytest

import waferwatt as ww

GRID = {"tariff_usd_per_kwh": [0.04, 0.08, 0.12], "ownership.hardware_life_years": [3, 5]}


def local():
    return ww.sweep("train", GRID, run="llama-3.1-405b")


def test_a_sweep_is_every_combination_and_each_row_its_own_run():
    frame = local()
    assert len(frame) == 6
    assert list(frame.columns[:2]) == list(GRID)
    assert (frame["region"] == ww.train(run="llama-3.1-405b")["region"]).all() and frame["method"].isna().all()
    assert frame[list(GRID)].drop_duplicates().shape[0] == 6
    for _, row in frame.iterrows():
        one = ww.train(run="llama-3.1-405b", tariff_usd_per_kwh=row["tariff_usd_per_kwh"],
                       set={"ownership.hardware_life_years": row["ownership.hardware_life_years"]})
        assert row["total_usd"] == one["total_usd"]
        electricity = next(i["usd"] for i in one["ledger"] if i["item"] == "electricity")
        assert row["ledger.electricity.usd"] == electricity
    # Dearer power, a larger electricity line; a longer life, a smaller hardware line.
    at = frame.set_index(list(GRID))
    assert at.loc[(0.12, 3), "ledger.electricity.usd"] > at.loc[(0.04, 3), "ledger.electricity.usd"]
    assert at.loc[(0.08, 5), "ledger.accelerator amortization.usd"] < at.loc[(0.08, 3), "ledger.accelerator amortization.usd"]


def test_a_frame_of_points_and_sampled_points():
    points = pd.DataFrame({"region": ["us-va", "cn-nm"], "accelerator.h100-sxm.price_usd": [25000.0, 30000.0]})
    frame = ww.sweep("train", points, samples=200, seed=2, run="llama-3.1-405b")
    assert list(frame["region"]) == ["us-va", "cn-nm"]
    one = ww.train(run="llama-3.1-405b", region="cn-nm", samples=200, seed=2,
                   set={"accelerator.h100-sxm.price_usd": 30000.0})
    assert frame.loc[1, "total_usd.p50"] == one.percentiles.loc["total_usd", "p50"]
    assert {"total_usd.p5", "total_usd.p95", "total_usd.mean"} <= set(frame.columns)
    # Several regions at a point: named as their unsampled answers are, sampled or not.
    both = ww.sweep("train", {"ownership.hardware_life_years": [4]}, region=["us-va", "cn-nm"],
                    run="llama-3.1-405b")
    sampled = ww.sweep("train", {"ownership.hardware_life_years": [4]}, region=["us-va", "cn-nm"],
                       run="llama-3.1-405b", samples=50)
    assert "cn-nm.total_usd" in both.columns and "cn-nm.total_usd.p50" in sampled.columns


def test_executors_give_the_same_frame():
    want = local()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        pd.testing.assert_frame_equal(ww.sweep("train", GRID, run="llama-3.1-405b", map=pool.map), want)
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        pd.testing.assert_frame_equal(ww.sweep("train", GRID, run="llama-3.1-405b", map=pool.map), want)


def test_a_dask_cluster_gives_the_local_frame():
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        on_dask = ww.sweep("train", GRID, run="llama-3.1-405b", map=client.map)
        sampled = ww.sweep("train", GRID, samples=300, seed=5, run="llama-3.1-405b", map=client.map)
    pd.testing.assert_frame_equal(on_dask, local())
    pd.testing.assert_frame_equal(sampled, ww.sweep("train", GRID, samples=300, seed=5, run="llama-3.1-405b"))


def test_a_bad_point_raises_naming_the_point_even_from_another_process():
    grid = {"tariff_usd_per_kwh": [0.1, -1, 0.2]}
    with pytest.raises(ww.WaferwattError) as e:
        ww.sweep("train", grid, run="llama-3.1-405b")
    assert str(e.value).startswith("at the sweep's point tariff_usd_per_kwh = -1:\nerror: ")
    assert e.value.key == "--tariff-usd-per-kwh"
    # The error crosses a process pool whole, its fields with it.
    with concurrent.futures.ProcessPoolExecutor(2) as pool, pytest.raises(ww.WaferwattError) as e:
        ww.sweep("train", grid, run="llama-3.1-405b", map=pool.map)
    assert "tariff_usd_per_kwh = -1" in str(e.value) and e.value.key == "--tariff-usd-per-kwh"
    with pytest.raises(TypeError):
        ww.sweep("train", [1, 2, 3])
    with pytest.raises(TypeError, match="executor's map"):
        ww.sweep("train", grid, map="w.svg")


def test_columns_name_designs_not_places():
    # The mix listed in two orders: each column is one design's in every row.
    frame = ww.sweep("fleet", {"mix": ["ascend-910c=0.8,ascend-910b=0.2", "ascend-910b=0.5,ascend-910c=0.5"]})
    assert list(frame["mix.ascend-910c.share"]) == [0.8, 0.5]
    # Texts are columns too: what limited each point.
    assert frame["bottleneck"].map(type).eq(str).all()
    assert list(frame["mix.ascend-910b.share"]) == [0.2, 0.5]
    splits = ww.sweep("chip", {"chiplets": ["1,2,4", "4,2,1"]}, accelerator="ascend-910c")
    assert list(splits["splits.4.chiplets"]) == [4, 4]
    assert splits.loc[0, "splits.4.cost_per_good_package_usd"] == splits.loc[1, "splits.4.cost_per_good_package_usd"]
