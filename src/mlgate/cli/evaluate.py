"""``mlgate evaluate``: the candidate against the production model in an MLflow registry."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from mlgate.cli.options import (
    config_option,
    drift_option,
    model_settings,
    model_tests_option,
    output_options,
    predictions_options,
    report_options,
)
from mlgate.cli.output import print_verdict, report_options_for

if TYPE_CHECKING:
    from mlgate.evaluate.registry import Evaluation

F = TypeVar("F", bound=Callable[..., Any])

EPILOG = """\b
Examples:
  mlgate evaluate --model churn-classifier --candidate runs:/9d8e…/model --register
  mlgate evaluate --model churn-classifier --candidate models:/churn-classifier/7
  MLFLOW_TRACKING_URI=http://127.0.0.1:5000 mlgate evaluate --candidate 9d8e7f6a… \\
      --metric-prefix eval_ --commit "$(git rev-parse HEAD)"

\b
The baseline is the version holding the production alias (mlgate.yml `baseline`,
default champion). An alias the model does not have is an input error listing the ones
it has; only a new model (--create-model), one with no other version, or one never
promoted and without aliases has no baseline, and then only floors and ceilings are
checked. After writing
verdict.json and report.md, mlgate logs both as artifacts of the candidate's run and
tags the candidate's version (and run) with mlgate.status, mlgate.commit,
mlgate.report, mlgate.config_hash and more.
"""


def registry_options(func: F) -> F:
    """Which model, which candidate, which registry (evaluate, gate)."""
    options = [
        click.option(
            "--candidate",
            required=True,
            envvar="MLGATE_CANDIDATE",
            show_envvar=True,
            help="A run id, runs:/RUN_ID/PATH, models:/NAME/VERSION or models:/NAME@ALIAS.",
        ),
        click.option(
            "--model",
            envvar="MLGATE_MODEL",
            show_envvar=True,
            help="Registered model name (default: model in mlgate.yml).",
        ),
        click.option(
            "--register/--no-register",
            default=False,
            envvar="MLGATE_REGISTER",
            show_envvar=True,
            help="Register a run's model as a new version of --model before evaluating it.",
        ),
        click.option(
            "--create-model/--no-create-model",
            default=None,
            envvar="MLGATE_CREATE_MODEL",
            show_envvar=True,
            help="Create --model when the registry has no such registered model (default: "
            "register.create in mlgate.yml, else false: an unknown name is an error with a "
            "did-you-mean). A name one typo from an existing model is never created.",
        ),
        click.option(
            "--tracking-uri",
            envvar=["MLGATE_TRACKING_URI", "MLFLOW_TRACKING_URI"],
            show_envvar=True,
            help="MLflow tracking server or store: http(s)://…, sqlite:///…, databricks, a folder.",
        ),
        click.option(
            "--registry-uri",
            envvar=["MLGATE_REGISTRY_URI", "MLFLOW_REGISTRY_URI"],
            show_envvar=True,
            help="Model registry, when not the tracking URI (e.g. databricks-uc).",
        ),
        click.option(
            "--baseline-alias",
            envvar="MLGATE_BASELINE_ALIAS",
            show_envvar=True,
            help="Alias of the production version "
            "(default: baseline in mlgate.yml, else champion).",
        ),
        click.option(
            "--metric-prefix",
            envvar="MLGATE_METRIC_PREFIX",
            show_envvar=True,
            help="Gate only metrics named PREFIX… (e.g. eval_), compared without the prefix "
            "(default: metric_prefix in mlgate.yml).",
        ),
        click.option(
            "--commit",
            envvar="MLGATE_COMMIT",
            show_envvar=True,
            help="Commit SHA the verdict is for (default: the pull/merge request's head "
            "commit in CI — pull_request.head.sha, not the merge commit GITHUB_SHA; "
            "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA or CI_COMMIT_SHA — else the run's git "
            "commit tag).",
        ),
        click.option(
            "--record/--no-record",
            default=True,
            envvar="MLGATE_RECORD",
            show_envvar=True,
            help="Record the verdict in the registry (tags and run artifacts).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.command("evaluate", epilog=EPILOG)
@registry_options
@config_option
@model_tests_option
@drift_option
@predictions_options
@output_options
@report_options
@click.pass_context
def evaluate_command(ctx: click.Context, /, *, print_format: str, **options: Any) -> None:
    """Evaluate a candidate against the production model in the MLflow registry.

    Exits 1 when the gate rejects the candidate (a metric beyond its rule, a breaking
    signature change, a failed critical model test), 3 when the registry cannot be reached
    (after bounded retries; files already computed are still written).
    """
    from mlgate.adapters.github_env import write_step_outputs

    result = run_evaluate(**options)
    print_verdict(
        result.verdict, markdown=result.markdown, fmt=print_format, color=sys.stdout.isatty()
    )
    write_step_outputs(
        {
            "verdict": result.verdict.status.value,
            "report-path": str(options["report_path"]),
            "model-version": result.verdict.candidate.model_version or "",
        }
    )
    ctx.exit(0 if result.verdict.passed else 1)


def run_evaluate(
    *,
    candidate: str,
    model: str | None,
    register: bool,
    create_model: bool | None,
    tracking_uri: str | None,
    registry_uri: str | None,
    baseline_alias: str | None,
    metric_prefix: str | None,
    commit: str | None,
    record: bool,
    config_path: Path | None,
    model_tests: Path | None,
    drift_report: Path | None,
    candidate_predictions: Path | None,
    baseline_predictions: Path | None,
    verdict_path: Path,
    report_path: Path,
    template: Path | None,
    max_chars: int | None,
    chart: bool | None,
    loaded: Any = None,
) -> Evaluation:
    """Options → EvaluateRequest → flows.evaluate (shared by evaluate and gate)."""
    from mlgate.adapters.ci import head_commit_from_environment
    from mlgate.evaluate.registry import EvaluateRequest, evaluate

    config, name, uri = model_settings(config_path, model, tracking_uri, loaded=loaded)
    request = EvaluateRequest(
        tracking_uri=uri,
        registry_uri=registry_uri,
        model=name,
        candidate=candidate,
        register=register,
        create_model=config.create_model if create_model is None else create_model,
        baseline_alias=baseline_alias or config.baseline_alias,
        metric_prefix=metric_prefix or config.metric_prefix,
        commit=commit or head_commit_from_environment(os.environ),
        record=record,
        model_tests=model_tests,
        drift=drift_report,
        candidate_predictions=candidate_predictions,
        baseline_predictions=baseline_predictions,
    )
    options = report_options_for(config, template=template, max_chars=max_chars, chart=chart)
    result = evaluate(
        request, config=config, verdict_path=verdict_path, report_path=report_path, options=options
    )
    return result
