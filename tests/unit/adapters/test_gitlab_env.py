"""What a GitLab CI job tells mlgate through its predefined variables (GitLab.com and
self-managed instances, under a path too), and which CI a command runs in."""

from __future__ import annotations

import pytest

from mlgate.adapters.ci import platform_from_environment
from mlgate.adapters.gitlab_env import from_environment
from mlgate.errors import UsageError

MR_HEAD, MERGED = "d" * 40, "e" * 40


def pipeline(**extra: str) -> dict[str, str]:
    return {
        "CI_API_V4_URL": "https://gitlab.example.com/api/v4",
        "CI_PROJECT_ID": "42",
        "CI_PROJECT_URL": "https://gitlab.example.com/acme/churn",
        "CI_PIPELINE_URL": "https://gitlab.example.com/acme/churn/-/pipelines/9",
        "CI_COMMIT_SHA": MERGED,
        **extra,
    }


def test_a_merge_request_pipeline() -> None:
    context = from_environment(
        pipeline(
            CI_MERGE_REQUEST_IID="3",
            CI_MERGE_REQUEST_SOURCE_BRANCH_SHA=MR_HEAD,
            GITLAB_TOKEN="glpat-secret",
        )
    )
    assert context.url == "https://gitlab.example.com"
    assert context.project == "42"
    assert context.iid == 3
    assert context.mr_url == "https://gitlab.example.com/acme/churn/-/merge_requests/3"
    assert context.head_sha == MR_HEAD, "merged results pipelines evaluate the MR's head"
    assert context.pipeline_url.endswith("/pipelines/9")
    assert context.token == "glpat-secret"
    assert "glpat-secret" not in repr(context)


def test_a_self_managed_instance_under_a_path_keeps_its_path() -> None:
    context = from_environment(pipeline(CI_API_V4_URL="https://example.com/gitlab/api/v4/"))
    assert context.url == "https://example.com/gitlab"


def test_the_mr_link_is_the_source_projects_for_a_fork() -> None:
    context = from_environment(
        pipeline(
            CI_MERGE_REQUEST_IID="5",
            CI_MERGE_REQUEST_PROJECT_URL="https://gitlab.example.com/upstream/churn",
        )
    )
    assert context.mr_url == "https://gitlab.example.com/upstream/churn/-/merge_requests/5"


def test_outside_a_merge_request_there_is_no_mr() -> None:
    context = from_environment(pipeline())
    assert (context.iid, context.mr_url, context.head_sha) == (None, "", MERGED)


@pytest.mark.parametrize("iid", ["", "3; echo", "-1", "3.0", "٣"])
def test_an_iid_that_is_not_a_plain_number_is_no_mr(iid: str) -> None:
    assert from_environment(pipeline(CI_MERGE_REQUEST_IID=iid)).iid is None


def test_an_explicit_iid_wins() -> None:
    assert from_environment(pipeline(CI_MERGE_REQUEST_IID="3"), iid=8).iid == 8


def test_the_project_path_serves_when_there_is_no_id() -> None:
    env = pipeline(CI_PROJECT_PATH="acme/churn")
    del env["CI_PROJECT_ID"]
    assert from_environment(env).project == "acme/churn"


def test_the_job_token_alone_is_noticed_so_the_error_can_say_what_to_do() -> None:
    context = from_environment(pipeline(CI_JOB_TOKEN="job-secret"))
    assert context.token is None and context.job_token_only
    context = from_environment(pipeline(CI_JOB_TOKEN="job-secret", GITLAB_TOKEN="glpat"))
    assert context.token == "glpat" and not context.job_token_only


def test_mlgate_gitlab_token_wins() -> None:
    context = from_environment(pipeline(GITLAB_TOKEN="a", MLGATE_GITLAB_TOKEN="b"))
    assert context.token == "b"


@pytest.mark.parametrize("missing", ["CI_API_V4_URL", "CI_PROJECT_ID"])
def test_outside_gitlab_ci_it_says_so(missing: str) -> None:
    env = pipeline()
    del env[missing]
    with pytest.raises(UsageError, match="are we in GitLab CI"):
        from_environment(env)


@pytest.mark.parametrize(
    ("explicit", "env", "platform"),
    [
        (None, {}, "local"),
        (None, {"GITHUB_ACTIONS": "true"}, "github"),
        (None, {"GITLAB_CI": "true"}, "gitlab"),
        (None, {"GITHUB_ACTIONS": "1"}, "local"),
        ("local", {"GITHUB_ACTIONS": "true"}, "local"),
        ("gitlab", {}, "gitlab"),
    ],
)
def test_the_platform_is_the_option_else_the_ci_environment(
    explicit: str | None, env: dict[str, str], platform: str
) -> None:
    assert platform_from_environment(explicit, env) == platform
