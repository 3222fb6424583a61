"""What a GitLab CI job tells mlgate through its predefined variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from mlgate.errors import UsageError


@dataclass(frozen=True, kw_only=True)
class GitLabContext:
    url: str  # the instance, without /api/v4
    project: str
    token: str | None = field(repr=False)
    job_token_only: bool
    iid: int | None
    mr_url: str
    head_sha: str | None
    pipeline_url: str | None


def from_environment(
    env: Mapping[str, str] | None = None, *, iid: int | None = None
) -> GitLabContext:
    env = os.environ if env is None else env
    api = env.get("CI_API_V4_URL", "").rstrip("/")
    project = env.get("CI_PROJECT_ID") or env.get("CI_PROJECT_PATH") or ""
    if not api or not project:
        raise UsageError("CI_API_V4_URL and CI_PROJECT_ID are not set; are we in GitLab CI?")
    url = api[: -len("/api/v4")] if api.endswith("/api/v4") else api
    token = env.get("MLGATE_GITLAB_TOKEN") or env.get("GITLAB_TOKEN") or None
    found = env.get("CI_MERGE_REQUEST_IID")
    plain = found is not None and found.isascii() and found.isdigit()
    number = iid if iid is not None else (int(found) if plain and found else None)
    project_url = env.get("CI_MERGE_REQUEST_PROJECT_URL") or env.get("CI_PROJECT_URL") or ""
    return GitLabContext(
        url=url,
        project=project,
        token=token,
        job_token_only=token is None and bool(env.get("CI_JOB_TOKEN")),
        iid=number,
        mr_url=f"{project_url}/-/merge_requests/{number}" if project_url and number else "",
        head_sha=head_sha(env),
        pipeline_url=env.get("CI_PIPELINE_URL") or None,
    )


def head_sha(env: Mapping[str, str]) -> str | None:
    """The merge request's head commit: the source branch's, also in merged-results
    pipelines (where CI_COMMIT_SHA is the merge commit)."""
    return env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA") or env.get("CI_COMMIT_SHA") or None
