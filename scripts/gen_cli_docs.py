"""Write docs/cli.md from the commands' own --help (run `make docs`; a test checks it)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mlgate.cli import cli

OUT = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
HEADER = """# mlgate command-line reference

Generated from `--help` by `scripts/gen_cli_docs.py` (`make docs`); do not edit by hand.
Every option also reads the `MLGATE_*` environment variable shown beside it.
"""


def commands(group: click.Group, prefix: list[str]) -> list[tuple[list[str], click.Command]]:
    out: list[tuple[list[str], click.Command]] = [(prefix, group)]
    ctx = click.Context(group, info_name=prefix[-1])
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        if isinstance(command, click.Group):
            out.extend(commands(command, [*prefix, name]))
        else:
            out.append(([*prefix, name], command))
    return out


def help_text(path: list[str], command: click.Command) -> str:
    settings = {
        "help_option_names": ["-h", "--help"],
        "terminal_width": 100,
        "max_content_width": 100,
    }
    parent: click.Context | None = None
    for name in path[:-1]:
        parent = click.Context(cli, info_name=name, parent=parent, **settings)
    ctx = click.Context(command, info_name=path[-1], parent=parent, **settings)
    return command.get_help(ctx)


def render() -> str:
    parts = [HEADER]
    for path, command in commands(cli, ["mlgate"]):
        title = " ".join(path)
        parts.append(f"\n## `{title}`\n\n```text\n{help_text(path, command)}\n```\n")
    return "".join(parts)


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} is out of date; run `make docs`", file=sys.stderr)
            return 1
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
