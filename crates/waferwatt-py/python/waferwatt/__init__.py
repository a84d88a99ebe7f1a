"""waferwatt: a sourced model of AI compute economics, from the lithography scanner to the
electricity bill, inside Python.

Every function runs the command of the same name in this process, with the same built-in
data, scenario files, ``set`` overrides and errors as the ``waferwatt`` command line. Options
are the command line's, spelled with underscores (``--tariff-usd-per-kwh`` is
``tariff_usd_per_kwh``); a list is a comma list or a repeated option (``region=["us-va",
"cn-nm"]``), ``set`` takes a dict of data keys to values, and a switch takes ``True``.

    >>> import waferwatt as ww
    >>> r = ww.train(run="llama-3.1-405b", region="us-va")
    >>> r["total_usd"]                                          # the command's JSON, as Python
    >>> s = ww.train(run="llama-3.1-405b", samples=10_000, seed=1)
    >>> s.samples                                               # one row a sample (a DataFrame)
    >>> s.percentiles                                           # p5, p50, p95, mean per result
    >>> ww.sweep("train", {"ownership.hardware_life_years": [3, 5]}, run="llama-3.1-405b")

Bad input raises :class:`WaferwattError` with the command line's message and, for each
problem, its file, line, column, key and what was expected.
"""

from __future__ import annotations

import json
import numbers
import os
from typing import Any, Iterable, Mapping

import numpy as np

from ._errors import WaferwattError
from ._native import __version__
from ._native import run as _run
from ._frames import Sampled, frame_of_records
from ._sweep import sweep

__all__ = [
    "WaferwattError",
    "Sampled",
    "train",
    "wafer",
    "chip",
    "fleet",
    "strategy",
    "report",
    "validate",
    "sensitivity",
    "compare",
    "data",
    "sources",
    "sweep",
    "command",
    "__version__",
]


def _words(value: Any) -> list[str]:
    """An option's value as the command line's words: a dict as KEY=VALUE each, a list as its
    items, anything else as one word."""
    if isinstance(value, (bytes, bytearray)):
        raise TypeError(f"an option takes text, numbers or a list of them, not bytes ({value!r})")
    if isinstance(value, Mapping):
        return [f"{k}={_word(v)}" for k, v in value.items()]
    if isinstance(value, Iterable) and not isinstance(value, str):
        return [_word(v) for v in value]
    return [_word(value)]


def _word(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return repr(float(value))  # round-trips exactly (NumPy's scalars too)
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return str(value)


def _options(options: Mapping[str, Any]) -> list[tuple[str, list[str]]]:
    return [(name, _words(v)) for name, v in options.items() if v is not None]


def command(path: Iterable[str], keep_samples: bool = True, **options: Any) -> Any:
    """Runs any command by its path (``"train"``, ``["data", "show", "h100-sxm"]``) and returns
    its JSON as Python objects. With ``samples``, a :class:`Sampled`, whose frames hold every
    sample; with ``keep_samples=False``, the JSON with percentiles only (and with
    ``uncertainty="off"``, the central answer: nothing is drawn). A check that finds faults
    (``validate``, ``data check``) returns its answer with ``failed`` set to what the command
    line prints on standard error."""
    path = [path] if isinstance(path, str) else list(path)
    try:
        text, failed, samples = _run(path, _options(options), keep_samples)
    except WaferwattError as e:
        if keep_samples and e.key == "--samples" and "memory" in str(e):
            # Kept whole, the samples need memory the percentiles alone do not.
            hint = "keep_samples=False gives the percentiles without keeping every sample"
            raise WaferwattError(f"{e}\n  hint: {hint}", e.diagnostics) from None
        raise
    result = json.loads(text)
    if failed is not None and isinstance(result, dict):
        result["failed"] = failed
    return result if samples is None else Sampled(result, samples)


def train(**options: Any) -> Any:
    """The training-run ledger (``waferwatt train``): a dict for one region, a list for several;
    with ``samples=N`` a :class:`Sampled`."""
    return command(["train"], **options)


def wafer(**options: Any) -> Any:
    """The lithography and fab ledger (``waferwatt wafer``)."""
    return command(["wafer"], **options)


def chip(**options: Any) -> Any:
    """The chip ledger (``waferwatt chip``)."""
    return command(["chip"], **options)


def fleet(**options: Any) -> Any:
    """The capacity ledger (``waferwatt fleet``)."""
    return command(["fleet"], **options)


def strategy(**options: Any) -> Any:
    """The strategy ledger (``waferwatt strategy``)."""
    return command(["strategy"], **options)


def report(**options: Any) -> dict | None:
    """The report's accounts and verdicts (``waferwatt report --format json``). With
    ``html=``, ``markdown=`` or ``pdf=`` a file name, the report is written there instead and
    None is returned."""
    return command(["report"], **options)


def validate(**options: Any) -> dict:
    """The calibration record (``waferwatt validate``): each case beside its published figure.
    A case outside its tolerance is listed, not raised: see ``failed``."""
    return command(["validate"], **options)


def sensitivity(ledger: str, output: str, **options: Any) -> dict:
    """Which uncertain numbers move ``output`` of a ledger (``waferwatt sensitivity LEDGER``):
    a tornado (``analysis="oat"``) or Sobol' indices (``analysis="sobol"``)."""
    return command(["sensitivity", ledger], output=output, **options)


def compare(ledger: str, methods: Iterable[str], **options: Any) -> dict:
    """One ledger under two methods and the bridge between them (``waferwatt compare``):
    ``methods`` names two, e.g. ``["default", "epoch-2024"]``."""
    if isinstance(methods, str):
        raise TypeError(f"methods names two methods, e.g. ['default', {methods!r}], not one string")
    return command(["compare", ledger], method=list(methods), **options)


def data(kind: str | None = None, **options: Any):
    """Every number of the data in force (or of one ``kind``), one row each: key, kind, id,
    field, label, value, low, high, dist, unit, source, year, note and origin. ``scenario``
    and ``set`` apply as everywhere."""
    path = ["data", "numbers"] + ([kind] if kind else [])
    rows = command(path, **options)
    first = ["key", "kind", "id", "field", "label", "value", "low", "high", "dist", "unit",
             "source", "year", "note", "origin"]
    return frame_of_records(rows, first)


def sources(**options: Any):
    """The sources table, one row a source, with how many numbers cite it."""
    return frame_of_records(command(["data", "sources"], **options),
                            ["id", "title", "publisher", "url", "date", "numbers"])
