"""The package's one exception."""

from __future__ import annotations

from typing import Any, Sequence


class WaferwattError(ValueError):
    """Input the model refuses, or options a command does not take.

    ``str(error)`` is the command line's message, word for word. ``diagnostics`` holds each
    problem as a dict (message, file, line, column, key, expected, hint); the first one's
    fields are also attributes (``error.file``, ``error.line``, ``error.key`` …), None where
    the problem has none (an option's value has a key but no file). Errors pickle whole, so
    they cross process pools and Dask workers with their fields.
    """

    FIELDS = ("message", "file", "line", "column", "key", "expected", "hint")

    def __init__(self, text: str, diagnostics: Sequence[dict] = ()) -> None:
        super().__init__(text)
        self.diagnostics: list[dict] = [dict(d) for d in diagnostics]
        first: dict[str, Any] = self.diagnostics[0] if self.diagnostics else {"message": text}
        for field in self.FIELDS:
            setattr(self, field, first.get(field))

    def __reduce__(self):
        return (type(self), (str(self), self.diagnostics))
