"""``mlgate compare``: two metrics files → verdict.json, report.md, exit code."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mlgate.cli.options import (
    FilePath,
    config_option,
    drift_option,
    model_tests_option,
    output_options,
    predictions_options,
    report_options,
)
from mlgate.cli.output import print_verdict, report_options_for

EPILOG = """\b
Examples:
  mlgate compare --candidate candidate.json --baseline production.json
  mlgate compare -c mlgate.yml --candidate eval/metrics.json --baseline prod.yaml \\
      --out out/verdict.json --report out/report.md
  mlgate compare --candidate metrics.json          # no production model yet

\b
A metrics file is JSON or YAML, either structured:
  {"metrics": {"accuracy": 0.91}, "params": {"lr": 0.05}, "signature": {...},
   "model_version": "7", "run_id": "...", "commit": "..."}
or flat, as DVC writes it: {"accuracy": 0.91, "eval": {"f1": 0.88}} (eval.f1).
"""


@click.command("compare", epilog=EPILOG)
@click.option(
    "--candidate",
    type=FilePath,
    envvar="MLGATE_CANDIDATE",
    show_envvar=True,
    help="Metrics file of the candidate model (or give --candidate-predictions).",
)
@click.option(
    "--baseline",
    type=FilePath,
    envvar="MLGATE_BASELINE",
    show_envvar=True,
    help="Metrics file of the production model. Leave out when there is none yet.",
)
@predictions_options
@config_option
@click.option(
    "--model",
    envvar="MLGATE_MODEL",
    show_envvar=True,
    help="Model name for the report (default: model in mlgate.yml).",
)
@model_tests_option
@drift_option
@output_options
@report_options
@click.pass_context
def compare_command(
    ctx: click.Context,
    *,
    candidate: Path | None,
    baseline: Path | None,
    candidate_predictions: Path | None,
    baseline_predictions: Path | None,
    config_path: Path | None,
    model: str | None,
    model_tests: Path | None,
    drift_report: Path | None,
    verdict_path: Path,
    report_path: Path,
    template: Path | None,
    max_chars: int | None,
    chart: bool | None,
    print_format: str,
) -> None:
    """Compare a candidate's metrics with production's and decide pass or fail.

    Writes the verdict (JSON) and the report (Markdown), prints a summary, and exits
    1 when a gated metric fails its rule or a critical model test failed.
    """
    from mlgate.evaluate.compare import compare_files
    from mlgate.evaluate.outputs import write_outputs
    from mlgate.files.config import find_config, load_config

    config = load_config(find_config(config_path, cwd=Path()))
    verdict = compare_files(
        candidate=candidate,
        baseline=baseline,
        config=config,
        model=model,
        model_tests=model_tests,
        drift=drift_report,
        candidate_predictions=candidate_predictions,
        baseline_predictions=baseline_predictions,
    )
    options = report_options_for(config, template=template, max_chars=max_chars, chart=chart)
    markdown = write_outputs(
        verdict, verdict_path=verdict_path, report_path=report_path, options=options
    )
    print_verdict(verdict, markdown=markdown, fmt=print_format, color=sys.stdout.isatty())
    ctx.exit(0 if verdict.passed else 1)
