"""Shared by the Python tests: the command line's binary, to set its answers beside the
package's. CI builds it first (`cargo build --release -p waferwatt-cli`); WAFERWATT_BIN names
another."""

import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def cli():
    binary = pathlib.Path(os.environ.get("WAFERWATT_BIN", ROOT / "target" / "release" / "waferwatt"))
    if not binary.exists():
        pytest.fail(f"no waferwatt binary at {binary}: build it (cargo build --release -p waferwatt-cli) "
                    "or name it in WAFERWATT_BIN")

    def run(*args, check=True):
        p = subprocess.run([str(binary), *map(str, args)], capture_output=True, text=True)
        if check and p.returncode != 0:
            raise AssertionError(f"waferwatt {' '.join(map(str, args))} exited {p.returncode}: {p.stderr}")
        return p

    run.json = lambda *args: json.loads(run(*args, "--format", "json").stdout)
    return run
