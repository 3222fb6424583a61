"""Adapters: the only modules that touch the outside world (files, terminal, registries,
code hosts). Each translates its system's failures into mlgate's errors."""
