"""The built-in report templates (``*.md.j2``, package data) and the sandbox every template,
built-in or the user's ``--template``, is compiled in."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from mlgate.errors import InputError

if TYPE_CHECKING:
    from jinja2 import Template


@cache
def builtin(name: str) -> Template:
    """A template that ships with mlgate, compiled once."""
    source = resources.files(__name__).joinpath(name).read_text("utf-8")
    return compile_template(source, origin=name)


def compile_template(source: str, *, origin: str) -> Template:
    """``source`` in Jinja2's immutable sandbox; a syntax error names ``origin`` and the line."""
    from jinja2 import StrictUndefined, TemplateSyntaxError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
        autoescape=False,  # the context is escaped Markdown already (report/view.py)
    )
    try:
        return env.from_string(source)
    except TemplateSyntaxError as exc:
        raise InputError(f"{origin}:{exc.lineno}: template error: {exc.message}") from None
