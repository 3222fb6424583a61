"""mlgate: gate ML model promotion on evidence, in CI and on a laptop."""

__version__ = "0.1.0"
