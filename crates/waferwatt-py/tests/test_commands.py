"""The package answers as the command line does: the same JSON for the same inputs."""

import pandas as pd
import pytest

import waferwatt as ww


def test_train_in_two_regions_with_overrides_equals_the_command_line(cli, tmp_path):
    scenario = tmp_path / "s.toml"
    scenario.write_text('extends = "default"\n\n[train]\ngoodput = 0.9\n\n[ownership]\nhardware_life_years = 4\n')
    got = ww.train(run="llama-3.1-405b", region=["us-va", "cn-nm"], scenario=scenario,
                   set={"accelerator.h100-sxm.price_usd": 30000}, tariff_usd_per_kwh=0.07)
    want = cli.json("train", "--run", "llama-3.1-405b", "--region", "us-va,cn-nm", "--scenario", scenario,
                    "--set", "accelerator.h100-sxm.price_usd=30000", "--tariff-usd-per-kwh", "0.07")
    assert got == want
    assert [r["region"] for r in got] == ["us-va", "cn-nm"]
    assert got[0]["goodput"] == 0.9  # the scenario's section was read


@pytest.mark.parametrize(
    "call, args",
    [
        (lambda: ww.train(run="deepseek-v3", explain=True), ["train", "--run", "deepseek-v3", "--explain"]),
        (lambda: ww.train(accelerator="h100-sxm", flop=3.8e25, accelerators=16384, method="epoch-2024"),
         ["train", "--accelerator", "h100-sxm", "--flop", "3.8e25", "--accelerators", "16384",
          "--method", "epoch-2024"]),
        (lambda: ww.wafer(node="n7-smic", die_area=600), ["wafer", "--node", "n7-smic", "--die-area", "600"]),
        (lambda: ww.chip(accelerator="ascend-910c"), ["chip", "--accelerator", "ascend-910c"]),
        (lambda: ww.fleet(), ["fleet"]),
        (lambda: ww.strategy(), ["strategy"]),
        (lambda: ww.compare("train", ["default", "epoch-2024"], run="llama-3.1-405b"),
         ["compare", "--method", "default", "--method", "epoch-2024", "train", "--run", "llama-3.1-405b"]),
        (lambda: ww.sensitivity("train", "total_usd", run="llama-3.1-405b"),
         ["sensitivity", "train", "--output", "total_usd", "--run", "llama-3.1-405b"]),
        (lambda: ww.command(["data", "show", "h100-sxm"]), ["data", "show", "h100-sxm"]),
    ],
)
def test_each_command_equals_the_command_line(cli, call, args):
    assert call() == cli.json(*args)


def test_report_and_validate_equal_the_command_line(cli):
    assert ww.report() == cli.json("report")
    record = ww.validate()
    assert record == cli.json("validate")
    assert record["passed"] == record["total"] and "failed" not in record


def test_a_failed_check_is_returned_not_raised(cli):
    # A published figure moved far off: the case fails; the record still comes back, saying so,
    # as the command line prints it and exits 1.
    record = ww.validate(set={"run.deepseek-v3.reported_cost_usd": 1e9}, only="deepseek")
    p = cli("validate", "--set", "run.deepseek-v3.reported_cost_usd=1e9", "--only", "deepseek",
            "--format", "json", check=False)
    assert p.returncode == 1
    assert record["failed"] == p.stderr
    assert record["passed"] < record["total"]


def test_the_data_and_its_sources_as_frames(cli):
    numbers = ww.data()
    checked = cli.json("data", "check")
    assert len(numbers) == checked["numbers"]
    assert numbers["key"].is_unique
    assert (numbers["low"] <= numbers["value"]).all() and (numbers["value"] <= numbers["high"]).all()
    assert numbers["source"].notna().all()
    row = numbers.set_index("key").loc["accelerator.h100-sxm.tdp_w"]
    assert (row["kind"], row["id"], row["field"], row["value"]) == ("accelerator", "h100-sxm", "tdp_w", 700.0)
    # A --set moves the frame as it moves every command, and says where the value came from.
    moved = ww.data("accelerator", set={"accelerator.h100-sxm.tdp_w": 650}).set_index("key")
    assert moved.loc["accelerator.h100-sxm.tdp_w", "value"] == 650
    assert moved.loc["accelerator.h100-sxm.tdp_w", "origin"] == "--set"
    assert set(moved["kind"]) == {"accelerator"}
    srcs = ww.sources()
    assert list(srcs.columns[:6]) == ["id", "title", "publisher", "url", "date", "numbers"]
    assert len(srcs) == checked["sources"]
    cited = numbers["source"].value_counts()
    assert (srcs.set_index("id")["numbers"] == cited.reindex(srcs["id"]).fillna(0).astype(int).values).all()
    assert isinstance(numbers, pd.DataFrame)


def test_the_report_written_to_files(tmp_path):
    page, text = tmp_path / "r.html", tmp_path / "r.md"
    assert ww.report(html=page, markdown=text) is None
    assert page.read_text().startswith("<!DOCTYPE html>") and text.stat().st_size > 0
