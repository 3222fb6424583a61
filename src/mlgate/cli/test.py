"""``mlgate test``: the model tests, run by pytest with mlgate's plugin."""

from __future__ import annotations

from pathlib import Path

import click

from mlgate.cli.options import FilePath, config_option

EPILOG = """\b
Examples:
  mlgate test --candidate "runs:/$RUN_ID/model"
  mlgate test --candidate models:/churn-classifier/7 --data data/golden.csv
  mlgate test --candidate "$RUN_ID" --tag fairness -- -x -k loyal

\b
Runs pytest on tests.paths of mlgate.yml (default tests/) with the fixtures
candidate_model, baseline_model (the version holding the production alias) and
eval_data, writes the results (default mlgate-tests.json) that evaluate, gate and
compare fold into the verdict, and exits like the gate: 1 when a critical test fails
or errors, 0 when only non-critical ones fail (they warn), 2 on a usage error (no
tests collected, a bad option, a test file that pytest cannot start).
Arguments after -- go to pytest unchanged.
"""


@click.command("test", epilog=EPILOG)
@click.option(
    "--candidate",
    envvar="MLGATE_CANDIDATE",
    show_envvar=True,
    help="The model under test: a run id, runs:/RUN_ID/PATH, models:/NAME/VERSION, "
    "models:/NAME@ALIAS or a model folder.",
)
@click.option(
    "--baseline",
    envvar=["MLGATE_TEST_BASELINE", "MLGATE_BASELINE_ALIAS"],
    show_envvar=True,
    help="The production model for baseline_model: a model reference or an alias "
    "(default: the alias `baseline` of mlgate.yml, else champion).",
)
@click.option(
    "--model",
    envvar="MLGATE_MODEL",
    show_envvar=True,
    help="Registered model name, for the baseline alias (default: model in mlgate.yml).",
)
@click.option(
    "--data",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="MLGATE_TEST_DATA",
    show_envvar=True,
    help="Evaluation data for eval_data: CSV, Parquet, JSON Lines or JSON "
    "(default: tests.data in mlgate.yml).",
)
@click.option(
    "--results",
    type=FilePath,
    envvar="MLGATE_MODEL_TESTS",
    show_envvar=True,
    help="Where to write the results (default: tests.results in mlgate.yml, "
    "else mlgate-tests.json).",
)
@click.option(
    "--junit",
    type=FilePath,
    envvar="MLGATE_TEST_JUNIT",
    show_envvar=True,
    help="Also write pytest's JUnit XML report here.",
)
@click.option(
    "--tag",
    "tags",
    multiple=True,
    help="Run only model tests with this tag (repeat for any of several).",
)
@click.option(
    "--tracking-uri",
    envvar=["MLGATE_TRACKING_URI", "MLFLOW_TRACKING_URI"],
    show_envvar=True,
    help="MLflow tracking server or store the models are loaded from.",
)
@config_option
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def test_command(
    ctx: click.Context,
    /,
    *,
    config_path: Path | None,
    results: Path | None,
    data: Path | None,
    tags: tuple[str, ...],
    pytest_args: tuple[str, ...],
    **options: str | Path | None,
) -> None:
    """Run the model tests against a candidate and judge them like the gate."""
    from mlgate.files.config import find_config, load_config
    from mlgate.testing.run import TestRun, run_model_tests

    config = load_config(find_config(config_path, cwd=Path()))
    settings = config.tests
    model = options["model"] or config.model
    run = TestRun(
        paths=settings.paths,
        results=results or settings.results,
        candidate=_text(options["candidate"]),
        baseline=_text(options["baseline"]) or (config.baseline_alias if model else None),
        model=_text(model),
        data=data or settings.data,
        junit=options["junit"] if isinstance(options["junit"], Path) else None,
        tags=tags,
        tracking_uri=_text(options["tracking_uri"]),
        required=settings.required,
        pytest_args=pytest_args,
    )
    outcome = run_model_tests(run)
    word = {"fail": "FAILED", "warn": "passed with warnings", "pass": "passed"}
    status = word.get(outcome.check.status.value, outcome.check.status.value)
    click.echo(f"mlgate: model tests {status}: {outcome.check.summary} → {run.results}")
    ctx.exit(outcome.exit_code)


def _text(value: str | Path | None) -> str | None:
    return str(value) if value else None
