"""``mlgate config``: the config's JSON Schema, and checking a config file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from collections.abc import Sequence

    from mlgate.core.rules import MetricRule
    from mlgate.files.config import Config

from mlgate.cli.options import config_option


@click.group(
    "config",
    epilog="\b\nExamples:\n  mlgate config check\n  mlgate config schema > mlgate.schema.json",
)
def config_group() -> None:
    """Inspect and check mlgate.yml."""


@config_group.command("schema", epilog="\b\nExample:\n  mlgate config schema > mlgate.schema.json")
@click.option(
    "--verdict", is_flag=True, help="Print the schema of verdict.json instead of mlgate.yml's."
)
@click.option(
    "--canary",
    is_flag=True,
    help="Print the schema of mlgate-canary.json (`mlgate canary`'s decision) instead.",
)
def schema_command(verdict: bool, canary: bool) -> None:
    """Print the JSON Schema of mlgate.yml (for editors and validators).

    Point your editor at it, e.g. with the YAML language server's
    `# yaml-language-server: $schema=mlgate.schema.json` comment.
    """
    if verdict and canary:
        raise click.UsageError("--verdict and --canary: choose one")
    if canary:
        from mlgate.files.canary import schema
    elif verdict:
        from mlgate.files.verdict import schema
    else:
        from mlgate.files.config import schema
    click.echo(json.dumps(schema(), indent=2, ensure_ascii=False))


@config_group.command("check", epilog="\b\nExample:\n  mlgate config check -c mlgate.yml")
@config_option
def check_command(config_path: Path | None) -> None:
    """Validate mlgate.yml and summarise the rules it sets; exits 2 if it is invalid."""
    from mlgate.core.checks import plural
    from mlgate.files.config import find_config, load_config

    path = find_config(config_path, cwd=Path())
    if path is None:
        raise click.UsageError("no mlgate.yml in this folder; name one with --config")
    config = load_config(path)
    rules = plural(len(config.rules), "gated metric")
    click.echo(f"{path}: valid — model {config.model or '(not set)'}, {rules}")
    for line in rule_lines(config.rules):
        click.echo(f"  {line}")
    significance = config.significance
    click.echo(
        f"  with per-example predictions: mode {significance.mode.value}, "
        f"{significance.confidence * 100:.4g}% intervals, {significance.resamples} resamples"
        + (f", slices by {', '.join(config.slices.columns)}" if config.slices.columns else "")
    )
    classes = config.classes
    click.echo(
        f"  multiclass: a class is lost when the candidate never predicts it or its recall "
        f"drops by more than {classes.max_recall_drop:g} significantly "
        f"({'fails' if classes.fail else 'warns'})"
    )
    if config.tests.configured:
        click.echo(
            f"  model tests: {', '.join(map(str, config.tests.paths))} → {config.tests.results}"
        )
    for line in _drift_lines(config):
        click.echo(f"  {line}")
    performance = config.monitor.performance.rules
    if performance:
        click.echo(f"  monitor.performance: {plural(len(performance), 'alert rule')}")
        for line in rule_lines(performance):
            click.echo(f"    {line}")
    canary = config.canary
    if canary is not None:
        source = "Prometheus" if canary.prometheus else "an outcomes file (--outcomes)"
        click.echo(
            f"  canary: {plural(len(canary.rules), 'rule')} on {source}, "
            f"{canary.confidence * 100:.4g}% intervals over {plural(canary.looks, 'look')}, "
            f"variants {canary.stable!r} / {canary.canary!r}"
        )
        for line in rule_lines(canary.rules):
            click.echo(f"    {line}")


def rule_lines(rules: Sequence[MetricRule]) -> list[str]:
    """One line per rule, with its direction and where the direction came from."""
    from mlgate.core.metric_catalogue import lookup

    lines = []
    for rule in rules:
        if rule.direction_assumed:
            lines.append(f"{rule.name}: {rule.describe()}: set higher_is_better to state it")
            continue
        direction = "higher is better" if rule.higher_is_better else "lower is better"
        if lookup(rule.name) is not None:
            direction += ", from the metric catalogue"
        lines.append(f"{rule.name}: {rule.describe()} ({direction})")
    return lines


def _drift_lines(config: Config) -> list[str]:
    drift = config.drift
    limits = drift.default
    own = [name for name, t in drift.features.items() if not t.ignore]
    ignored = [name for name, t in drift.features.items() if t.ignore]
    lines = [
        f"drift: PSI ≥ {limits.psi:g}, KS D ≥ {limits.ks:g}, JS ≥ {limits.js:g} "
        f"at α {drift.alpha:g}"
        + (f"; own thresholds for {', '.join(own)}" if own else "")
        + (f"; ignoring {', '.join(ignored)}" if ignored else "")
    ]
    if drift.reference:
        lines.append(
            f"drift reference: {drift.reference} (up to {drift.reference_rows:,} rows stored "
            "with each promoted version)"
        )
    if drift.data:
        lines.append(f"gate drift check: {drift.data} against production's stored reference")
    if config.monitor.retrain_workflow:
        lines.append(f"monitor: on new drift, start {config.monitor.retrain_workflow}")
    return lines
