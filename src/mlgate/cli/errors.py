"""The one place where errors become messages and exit codes (see mlgate.errors)."""

from __future__ import annotations

import os
from typing import Any

import click

from mlgate.errors import ExitCode, MlgateError


class MlgateGroup(click.Group):
    """A click group that reports mlgate's errors as one line each, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except MlgateError as exc:
            for line in str(exc).splitlines() or [type(exc).__name__]:
                click.echo(f"mlgate: error: {line}", err=True)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:
            ctx.exit(ExitCode.OK)
        except KeyboardInterrupt:
            # click would exit 1, which means "the gate rejected the candidate".
            click.echo("mlgate: interrupted", err=True)
            ctx.exit(ExitCode.INTERRUPTED)
        except Exception as exc:
            if os.environ.get("MLGATE_DEBUG"):
                raise
            detail = " ".join(str(exc).split())[:500]
            click.echo(
                f"mlgate: internal error: {type(exc).__name__}: {detail} "
                "(a bug in mlgate; rerun with MLGATE_DEBUG=1 for the traceback and report it)",
                err=True,
            )
            ctx.exit(ExitCode.INTERNAL)
