"""Exceptions whose messages are written for people, not for stack traces.

Every refusal in ae_core raises one of these, so the CLI can show ``str(error)``
as is and never a traceback. Each also carries a *kind* an app can say in its own
language: ``code`` (a dotted name, most specific first: ``"model_file.version"``
falls back to ``"model_file"``), ``params`` (the values the sentence needs) and
``details`` (paths, addresses and other facts to show apart from the sentence,
each once). The English message stays the whole story for the CLI and logs.
"""

from __future__ import annotations

from typing import Any


class AECoreError(Exception):
    """Base class: the message is a complete sentence a user can act on."""

    code = "error"

    def __init__(self, message: str = "", *, code: str | None = None,
                 details: list[str] | tuple[str, ...] = (), **params: Any):
        super().__init__(message)
        if code is not None:
            self.code = code
        self.params: dict[str, Any] = params
        self.details: list[str] = list(dict.fromkeys(details))


class DataError(AECoreError, ValueError):
    """Input data is malformed, out of range or over a size cap."""

    code = "data"


class DatasetUnavailable(AECoreError):
    """A built-in dataset is neither cached nor downloadable right now."""

    code = "dataset_unavailable"


class CorruptFileError(DataError):
    """A downloaded or cached file failed its checksum or could not be parsed."""

    code = "corrupt_file"


class ConfigError(AECoreError, ValueError):
    """A model or training configuration is invalid or absurd."""

    code = "config"


class ModelFileError(AECoreError, ValueError):
    """A model file is unknown, truncated, crafted or otherwise unloadable."""

    code = "model_file"


def error_kind(error: BaseException) -> dict[str, Any]:
    """``code``, ``params``, ``details`` and the English ``message`` of any exception, as
    plain data (a training job hands it from its thread to the page).

    Errors from outside ae_core (a library's ``ValueError``, a bug) are the kind
    ``"unexpected"``: their English text is a detail, never the sentence.
    """
    message = str(error)
    if isinstance(error, AECoreError):
        return {"code": error.code, "params": dict(error.params),
                "details": list(error.details), "message": message}
    return {"code": "unexpected", "params": {"type": type(error).__name__},
            "details": [], "message": f"{type(error).__name__}: {message}"}
