"""Exceptions whose messages are written for people, not for stack traces.

Every refusal in ae_core raises one of these, so the app and the CLI can show
``str(error)`` as is and never a traceback.
"""


class AECoreError(Exception):
    """Base class: the message is a complete sentence a user can act on."""


class DataError(AECoreError, ValueError):
    """Input data is malformed, out of range or over a size cap."""


class DatasetUnavailable(AECoreError):
    """A built-in dataset is neither cached nor downloadable right now."""


class CorruptFileError(DataError):
    """A downloaded or cached file failed its checksum or could not be parsed."""


class ConfigError(AECoreError, ValueError):
    """A model or training configuration is invalid or absurd."""


class ModelFileError(AECoreError, ValueError):
    """A model file is unknown, truncated, crafted or otherwise unloadable."""
