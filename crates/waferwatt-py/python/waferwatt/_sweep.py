"""Sweeps: one command over a grid of scenarios, on any executor's ``map``."""

from __future__ import annotations

import builtins
import itertools
from typing import Any, Callable, Iterable, Mapping

import pandas as pd

from ._errors import WaferwattError
from ._native import scalars as _scalars
from ._native import run as _run


def sweep(
    command: str | Iterable[str],
    grid: Any,
    *,
    samples: int | None = None,
    seed: int | None = None,
    map: Callable | None = None,
    **options: Any,
) -> pd.DataFrame:
    """Runs ``command`` (``"train"``, or a path such as ``["compare", "train"]``) once per point
    of ``grid`` and returns one frame, a row per point: the point's values, then every figure
    of the answer named by its path (``total_usd``, ``ledger.electricity.usd``,
    ``us-va.total_usd`` with several regions; with ``samples``, ``total_usd.p5`` … ``.mean``),
    texts too (``bottleneck``, ``pue_basis``); None where a point's answer lacks a figure.

    ``grid`` is a dict of parameter → values (every combination is run, in order) or a
    DataFrame (a point per row). A parameter is an option of the command
    (``tariff_usd_per_kwh``, ``region``, ``accelerator``) or a data key with its dots
    (``ownership.hardware_life_years``), which is set as ``set`` would. ``options`` apply to
    every point.

    ``map`` is any executor's map (so wafer's ``map`` option, a file, cannot be swept), called as
    ``map(function, points)``: the built-in ``map``
    (the default), ``concurrent.futures.ProcessPoolExecutor().map``, a Dask ``Client.map`` (its
    futures are gathered) or a Ray pool's ``map``. The same grid gives the same frame on each.
    """
    path = [command] if isinstance(command, str) else list(command)
    if map is not None and not callable(map):
        raise TypeError(f"map is an executor's map function (e.g. client.map), not {map!r}")
    points = _points(grid)
    tasks = [(path, _point_options(options, point, samples, seed), point) for point in points]
    results = [_gathered(r) for r in (map or builtins.map)(evaluate, tasks)]
    rows = []
    for point, numbers in zip(points, results):
        row = dict(point)
        row.update((k, v) for k, v in numbers.items() if k not in point)
        rows.append(row)
    return pd.DataFrame(rows)


def evaluate(task: tuple) -> dict:
    """One point of a sweep: the command's answer as {name: figure}. A function of plain data,
    so that a process pool, a Dask worker or a Ray worker can run it."""
    path, options, point = task
    try:
        text, _failed, _samples = _run(list(path), [(n, list(v)) for n, v in options], False)
    except WaferwattError as e:
        # Which point of the grid failed, before the command line's message.
        where = ", ".join(f"{name} = {value}" for name, value in point.items())
        raise WaferwattError(f"at the sweep's point {where}:\n{e}", e.diagnostics) from None
    return dict(_scalars(text))


def _gathered(result: Any) -> Any:
    """A future's value (Dask's ``Client.map`` returns futures), or the value itself."""
    get = getattr(result, "result", None)
    return get() if callable(get) else result


def _points(grid: Any) -> list[dict]:
    if isinstance(grid, pd.DataFrame):
        return grid.to_dict("records")
    if isinstance(grid, Mapping):
        names = list(grid)
        values = [_values(grid[n]) for n in names]
        return [dict(zip(names, combo)) for combo in itertools.product(*values)]
    raise TypeError("a sweep's grid is a dict of parameter → values, or a DataFrame of points")


def _values(v: Any) -> list:
    if isinstance(v, (str, bytes)) or not isinstance(v, Iterable):
        return [v]
    return list(v)


def _point_options(options: Mapping[str, Any], point: Mapping[str, Any], samples, seed) -> list:
    from . import _options  # the same spelling of values as every other call

    merged: dict[str, Any] = dict(options)
    sets = dict(merged.pop("set", None) or {})
    for name, value in point.items():
        if "." in name:
            sets[name] = value
        else:
            merged[name] = value
    if sets:
        merged["set"] = sets
    if samples is not None:
        merged["samples"] = samples
    if seed is not None:
        merged["seed"] = seed
    return _options(merged)
