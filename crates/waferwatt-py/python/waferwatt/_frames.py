"""Data frames from the model's answers, built from whole buffers: no Python loop per sample."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd


class Sampled:
    """A sampled answer (``samples=N``).

    - ``samples``: one row a sample: ``sample``, ``kept`` (False where the ledger refused the
      draw), each uncertain number by its data key, then each result by its name (as
      ``--raw`` writes them; NaN where a sample lacks a result);
    - ``percentiles``: one row a result (its name as the index, named ``figure``): p5, p50,
      p95 and mean, as ``--format csv`` prints them;
    - ``uncertain``: the uncertain numbers drawn: key, distribution, low, value, high, unit;
    - ``result``: the command's JSON, each result replaced by its summary (with several
      regions, ``{"results": [...], "uncertainty": {...}}``).

    The frames are ordinary, writable pandas frames.
    """

    def __init__(self, result: Any, columns: tuple) -> None:
        names, keys, n, kept, values, summaries, uncertain = columns
        self.result = result
        self.keys: list[str] = list(names[:keys])
        self.figures: list[str] = list(names[keys:])
        # The values arrive column after column: a (columns × samples) array whose transpose is
        # the frame, with no copy per row.
        block = np.frombuffer(values, dtype=np.float64).reshape(len(names), n).T
        frame = pd.DataFrame(block, columns=list(names), copy=False)
        frame.insert(0, "kept", np.frombuffer(kept, dtype=np.uint8).astype(bool))
        frame.insert(0, "sample", np.arange(n, dtype=np.int64))
        self.samples: pd.DataFrame = frame
        self.percentiles: pd.DataFrame = pd.DataFrame(
            [s[1:] for s in summaries],
            index=pd.Index([s[0] for s in summaries], name="figure"),
            columns=["p5", "p50", "p95", "mean"],
        )
        self.uncertain: pd.DataFrame = pd.DataFrame(
            list(uncertain), columns=["key", "dist", "low", "value", "high", "unit"]
        )
        # The ledgers' JSON says how it sampled under "uncertainty"; the strategy's gives its
        # seed at the top.
        meta = result.get("uncertainty") if isinstance(result, dict) else None
        self.seed = (meta if isinstance(meta, dict) else result).get("seed") if isinstance(result, dict) else None
        self.refused = int((~frame["kept"]).sum())

    def __len__(self) -> int:
        return len(self.samples)

    def __repr__(self) -> str:
        return (f"<waferwatt.Sampled: {len(self.samples)} samples (seed {self.seed}) of "
                f"{len(self.keys)} uncertain numbers, {len(self.figures)} results>\n"
                f"{self.percentiles.to_string()}")

    def _repr_html_(self) -> str:
        head = (f"<p>{len(self.samples)} samples (seed {self.seed}) of {len(self.keys)} "
                f"uncertain numbers; <code>.samples</code> holds every draw</p>")
        return head + self.percentiles.to_html()


def frame_of_records(rows: Sequence[dict], first: Sequence[str]) -> pd.DataFrame:
    """A frame of JSON records, its known columns first (in order) even when there are none."""
    frame = pd.DataFrame.from_records(list(rows))
    if frame.empty:
        return pd.DataFrame(columns=list(first))
    order = [c for c in first if c in frame.columns] + [c for c in frame.columns if c not in first]
    return frame[order]
