"""The package's version, in a module of its own: the model files record it, and reading it
must not import the rest of the package (torch among it)."""

__version__ = "0.1.0"
