"""``mlgate gate``: evaluate + publish in one step (what the action runs by default)."""

from __future__ import annotations

from typing import Any

import click

from mlgate.cli.evaluate import registry_options, run_evaluate
from mlgate.cli.options import (
    config_option,
    drift_option,
    model_tests_option,
    output_options,
    predictions_options,
    read_config,
    report_options,
)
from mlgate.cli.publish import publish_options, run_publish

EPILOG = """\b
Examples:
  mlgate gate --model churn-classifier --candidate "runs:/$RUN_ID/model" --register
  MLFLOW_TRACKING_URI=http://127.0.0.1:5000 mlgate gate --candidate models:/churn/7 --platform local

\b
Evaluates the candidate against the production model in the MLflow registry (see
`mlgate evaluate`), then publishes the verdict (see `mlgate publish`). Exits 0 when the
candidate passes, 1 when the gate rejects it, 2 on bad input, 3 when the registry failed
(or, with --require-comment, publishing).
"""


@click.command("gate", epilog=EPILOG)
@registry_options
@config_option
@model_tests_option
@drift_option
@predictions_options
@output_options
@report_options
@publish_options
@click.pass_context
def gate_command(ctx: click.Context, /, **options: Any) -> None:
    """Evaluate a candidate against production and publish the verdict."""
    publish_keys = (
        "platform",
        "number",
        "comment_mode",
        "status",
        "require_comment",
        "out_dir",
        "print_format",
    )
    publish = {key: options.pop(key) for key in publish_keys}
    config = read_config(options["config_path"])  # read once: evaluate's rules, publish's approval
    result = run_evaluate(**options, loaded=config)
    ctx.exit(run_publish(result.verdict, **publish, approval=config.approval))
