"""``mlgate plan``: which models a change touches, as a GitHub matrix, a GitLab child
pipeline or JSON."""

from __future__ import annotations

import json
from pathlib import Path

import click

EPILOG = """\b
Examples:
  mlgate plan --base origin/main                  # JSON: the models this branch touches
  mlgate plan --format github                     # {"include": [{model, config, …}]}
  mlgate plan --format gitlab --out child.yml     # a child pipeline, one job per model
  mlgate plan --all --format json                 # every model (a schedule, a release)
  mlgate plan --shared 'requirements*.txt' --shared 'libs/**'

\b
Every mlgate.yml in the repository (plan.configs in mlgate-plan.yml changes the glob) is one
model; its paths: (globs relative to its folder) say which files belong to it, else its
folder does. A change to a shared path (--shared, plan.shared) plans every model. The change
is git's diff from the merge base of --base to HEAD, read in full (no file limit); --base
defaults to the PR's target (GITHUB_BASE_REF, CI_MERGE_REQUEST_DIFF_BASE_SHA), else
origin/HEAD. A deleted model is listed as removed, not planned. An empty plan is valid
(exit 0). In GitHub Actions, --format github also sets the step outputs matrix, count and
removed.
"""


@click.command("plan", epilog=EPILOG)
@click.option(
    "--base",
    metavar="REF",
    envvar="MLGATE_BASE",
    show_envvar=True,
    help="Compare HEAD with the merge base of this ref (default: the PR/MR's target branch).",
)
@click.option(
    "--all",
    "everything",
    is_flag=True,
    envvar="MLGATE_PLAN_ALL",
    show_envvar=True,
    help="Plan every model, whatever changed (no git diff is read).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["github", "gitlab", "json"]),
    default="json",
    show_default=True,
    envvar="MLGATE_PLAN_FORMAT",
    show_envvar=True,
    help="github: a job matrix; gitlab: a child-pipeline YAML; json: the whole plan.",
)
@click.option(
    "--shared",
    metavar="GLOB",
    multiple=True,
    help="A path whose change plans every model (repeatable; added to plan.shared).",
)
@click.option(
    "--configs",
    metavar="GLOB",
    multiple=True,
    help="Where the models' configs are (repeatable; default plan.configs, else **/mlgate.yml).",
)
@click.option(
    "--shard",
    metavar="K/N",
    envvar="MLGATE_PLAN_SHARD",
    show_envvar=True,
    help="Only the K-th of N interleaved slices of the plan (for more models than one "
    "GitHub matrix may run).",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the plan here instead of standard output.",
)
@click.option(
    "--gitlab-include",
    metavar="JSON",
    envvar="MLGATE_GITLAB_INCLUDE",
    show_envvar=True,
    help='How the child pipeline includes the template (default {"project": '
    '"mlgate/mlgate", "ref": "v1", "file": "/ci_templates/mlgate.yml"}).',
)
@click.option(
    "--gitlab-candidate",
    metavar="TEMPLATE",
    envvar="MLGATE_GITLAB_CANDIDATE",
    show_envvar=True,
    help="Each child job's candidate; {model} is replaced by the model's name "
    "(e.g. models:/{model}@challenger).",
)
@click.option(
    "--gitlab-input",
    metavar="NAME=VALUE",
    multiple=True,
    help="An input of that include (repeatable): the template's inputs the child's jobs need.",
)
def plan_command(
    *,
    base: str | None,
    everything: bool,
    fmt: str,
    shared: tuple[str, ...],
    configs: tuple[str, ...],
    shard: str | None,
    out_path: Path | None,
    gitlab_include: str | None,
    gitlab_candidate: str | None,
    gitlab_input: tuple[str, ...],
) -> None:
    """Print the models a change touches: one entry per mlgate.yml whose paths changed."""
    from mlgate.core.plan import shard as slice_plan
    from mlgate.errors import InputError
    from mlgate.files.atomic import write_text_atomic
    from mlgate.files.plan import plan_json
    from mlgate.plan import plan_repository
    from mlgate.report.plan import MatrixTooLarge, github_matrix, gitlab_pipeline, plan_text

    include = _include(gitlab_include)
    inputs = dict(_pair(item) for item in gitlab_input)
    plan = plan_repository(
        Path.cwd(), base=base, everything=everything, shared=shared, configs=configs
    )
    if shard:
        k, n = _shard(shard)
        plan = slice_plan(plan, k, n)
    click.echo(plan_text(plan), err=True)
    if fmt == "github":
        try:
            text = github_matrix(plan)
        except MatrixTooLarge as exc:
            raise InputError(str(exc)) from None
        from mlgate.adapters.github_env import write_step_outputs

        write_step_outputs(
            {
                "matrix": text,
                "count": str(len(plan.planned)),
                "removed": json.dumps([r.model for r in plan.removed], ensure_ascii=False),
            }
        )
        text += "\n"
    elif fmt == "gitlab":
        text = gitlab_pipeline(
            plan,
            **({"include": include} if include else {}),
            inputs=inputs,
            candidate=gitlab_candidate,
        )
    else:
        text = plan_json(plan)
    if out_path is not None:
        write_text_atomic(out_path, text)
        click.echo(f"· wrote {out_path}", err=True)
    else:
        click.echo(text, nl=False)


def _shard(text: str) -> tuple[int, int]:
    try:
        k, n = (int(part) for part in text.split("/"))
    except ValueError:
        raise click.BadParameter(
            f"{text!r}: expected K/N, e.g. 1/2", param_hint="--shard"
        ) from None
    if n < 1 or not 1 <= k <= n:
        raise click.BadParameter(f"{text!r}: K must be between 1 and N", param_hint="--shard")
    return k, n


def _include(text: str | None) -> dict[str, object] | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise click.BadParameter(f"not JSON: {exc.msg}", param_hint="--gitlab-include") from None
    if not isinstance(value, dict) or not value:
        raise click.BadParameter(
            'expected an object such as {"project": "group/mlgate", "ref": "v1", '
            '"file": "/ci_templates/mlgate.yml"}',
            param_hint="--gitlab-include",
        )
    return value


def _pair(item: str) -> tuple[str, object]:
    """NAME=VALUE; true and false become booleans (the template's boolean inputs)."""
    name, sep, value = item.partition("=")
    if not sep or not name.strip():
        raise click.BadParameter(f"{item!r}: expected NAME=VALUE", param_hint="--gitlab-input")
    return name.strip(), {"true": True, "false": False}.get(value, value)
