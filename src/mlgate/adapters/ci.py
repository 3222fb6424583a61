"""Which CI a command runs in, and the commit it evaluates, from the job's environment."""

from __future__ import annotations

from collections.abc import Mapping


def platform_from_environment(explicit: str | None, env: Mapping[str, str]) -> str:
    if explicit:
        return explicit
    if env.get("GITHUB_ACTIONS") == "true":
        return "github"
    if env.get("GITLAB_CI") == "true":
        return "gitlab"
    return "local"


def head_commit_from_environment(env: Mapping[str, str]) -> str | None:
    """The commit a CI job evaluates for its pull/merge request: the PR's head, never a
    merge commit — promotion later compares the recorded commit with the PR's head."""
    where = platform_from_environment(None, env)
    if where == "github":
        from mlgate.adapters import github_env

        return github_env.head_sha(github_env.read_event(env), env)
    if where == "gitlab":
        from mlgate.adapters import gitlab_env

        return gitlab_env.head_sha(env)
    return None


def ci_run_from_environment(env: Mapping[str, str]) -> str | None:
    """The CI run a command runs in, as recorded with a verdict (``github/RUN_ID``,
    ``gitlab/PIPELINE_ID``): a promotion approved in a run without a PR is bound to it."""
    where = platform_from_environment(None, env)
    if where == "github" and env.get("GITHUB_RUN_ID", "").isdigit():
        return f"github/{env['GITHUB_RUN_ID']}"
    if where == "gitlab" and env.get("CI_PIPELINE_ID", "").isdigit():
        return f"gitlab/{env['CI_PIPELINE_ID']}"
    return None
