"""Bad input raises WaferwattError with the command line's message, file, line and key."""

import pickle

import pytest

import waferwatt as ww


def test_a_bad_scenario_file_names_its_file_line_and_key(cli, tmp_path):
    scenario = tmp_path / "bad.toml"
    scenario.write_text('extends = "default"\n\n[train]\nacelerator = "h100-sxm"\nmfu = 0.4\n')
    with pytest.raises(ww.WaferwattError) as e:
        ww.train(scenario=scenario)
    p = cli("train", "--scenario", scenario, check=False)
    assert p.returncode == 2
    err = e.value
    assert str(err) + "\n" == p.stderr  # the same message, word for word
    assert err.file == str(scenario) and err.line == 4
    assert "acelerator" in err.key
    assert err.diagnostics[0]["line"] == 4 and err.diagnostics[0]["file"] == str(scenario)
    assert isinstance(err, ValueError)


def test_a_broken_toml_file_is_named_with_its_line(cli, tmp_path):
    scenario = tmp_path / "broken.toml"
    scenario.write_text('extends = "default"\n\n[train\nmfu = 0.4\n')
    with pytest.raises(ww.WaferwattError) as e:
        ww.train(scenario=scenario, run="llama-3.1-405b")
    assert e.value.file == str(scenario) and e.value.line == 3
    assert str(e.value) + "\n" == cli("train", "--scenario", scenario, "--run", "llama-3.1-405b", check=False).stderr


@pytest.mark.parametrize(
    "options, args, key",
    [
        (dict(accelerator="h101"), ["--accelerator", "h101"], "--accelerator"),
        (dict(run="llama-3.1-405b", set={"accelerator.h100-sxm.price_usd": -1}),
         ["--run", "llama-3.1-405b", "--set", "accelerator.h100-sxm.price_usd=-1"], "accelerator.h100-sxm.price_usd"),
        (dict(run="llama-3.1-405b", pue=0.5), ["--run", "llama-3.1-405b", "--pue", "0.5"], "--pue"),
        (dict(run="llama-3.1-405b", region="us-vx"), ["--run", "llama-3.1-405b", "--region", "us-vx"], "--region"),
    ],
)
def test_bad_values_raise_as_the_command_line_refuses_them(cli, options, args, key):
    with pytest.raises(ww.WaferwattError) as e:
        ww.train(**options)
    p = cli("train", *args, check=False)
    assert p.returncode == 2
    assert str(e.value) + "\n" == p.stderr
    assert e.value.key == key


def test_a_die_larger_than_the_reticle_is_refused(cli):
    with pytest.raises(ww.WaferwattError) as e:
        ww.wafer(node="n5", die_area=1200)
    assert str(e.value) + "\n" == cli("wafer", "--node", "n5", "--die-area", "1200", check=False).stderr


def test_unknown_options_and_commands_are_named():
    with pytest.raises(ww.WaferwattError, match=r"takes no option `tarif_usd_per_kwh` \(did you mean `tariff_usd_per_kwh`\?\)"):
        ww.train(run="llama-3.1-405b", tarif_usd_per_kwh=0.1)
    with pytest.raises(ww.WaferwattError, match="no command `trian`"):
        ww.command(["trian"])
    with pytest.raises(ww.WaferwattError, match="switch"):
        ww.train(run="llama-3.1-405b", explain="yes")
    with pytest.raises(ww.WaferwattError, match="`format` is not taken here"):
        ww.train(run="llama-3.1-405b", format="csv")
    # A value the parser refuses is its message, not a crash.
    with pytest.raises(ww.WaferwattError, match="samples"):
        ww.train(run="llama-3.1-405b", samples=-5)
    with pytest.raises(ww.WaferwattError):
        ww.train(run="llama-3.1-405b", accelerators=float("nan"))


def test_errors_pickle_whole_and_name_their_module(tmp_path):
    scenario = tmp_path / "bad.toml"
    scenario.write_text('extends = "default"\n\n[train]\nacelerator = "h100-sxm"\n')
    with pytest.raises(ww.WaferwattError) as e:
        ww.train(scenario=scenario)
    back = pickle.loads(pickle.dumps(e.value))
    assert type(back) is ww.WaferwattError and str(back) == str(e.value)
    assert (back.file, back.line, back.key) == (e.value.file, e.value.line, e.value.key)
    assert back.diagnostics == e.value.diagnostics
    assert ww.WaferwattError.__module__.startswith("waferwatt")


def test_the_parsers_messages_are_the_faces():
    with pytest.raises(ww.WaferwattError) as e:
        ww.train(run="llama-3.1-405b", tariff_usd_per_kwh=[0.1, 0.2])
    assert "--help" not in str(e.value)
    assert e.value.diagnostics == [] and e.value.message == str(e.value)


def test_strings_are_not_split_into_characters():
    with pytest.raises(TypeError, match="two methods"):
        ww.compare("train", "epoch-2024", run="llama-3.1-405b")
    with pytest.raises(TypeError, match="bytes"):
        ww.train(run="llama-3.1-405b", region=b"us-va")
    assert ww.command("train", run="llama-3.1-405b") == ww.train(run="llama-3.1-405b")


def test_too_many_samples_to_keep_are_refused_up_front_with_the_way_out():
    with pytest.raises(ww.WaferwattError) as e:
        ww.train(run="llama-3.1-405b", samples=50_000_000)
    assert e.value.key == "--samples" and "keep_samples=False" in str(e.value)
    # The percentiles alone fit: the command line's streamed summaries.
    assert "total_usd" in ww.train(run="llama-3.1-405b", samples=2_000_000, keep_samples=False)
