"""GitHub issues for drift tracking, and the retraining workflow_dispatch.

Our issue is the open one that carries the model's marker *and* was opened by our own
identity: anyone may paste the marker into an issue, but only mlgate's token can be its
author, so nobody else's issue gets edited or closed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlgate.adapters.github import GitHub
from mlgate.adapters.posting import post_once
from mlgate.core.tracking import TrackedIssue


class GitHubTracker(GitHub):
    def find_issue(self, *, marker: str) -> TrackedIssue | None:
        """The oldest open issue of ours with ``marker``; pull requests are skipped."""
        login = self.own_login()
        with self._guard("listing the open issues"):
            for issue in self._repo.get_issues(state="open", sort="created", direction="asc"):
                if _ours(issue.raw_data, marker=marker, login=login):
                    return _tracked(issue.raw_data)
        return None

    def open_issue(
        self, *, title: str, body: str, labels: tuple[str, ...], marker: str
    ) -> TrackedIssue:
        from github import GithubException
        from requests.exceptions import RequestException

        def ambiguous(exc: Exception) -> bool:
            if isinstance(exc, GithubException):
                return exc.status >= 500
            return isinstance(exc, RequestException)

        repo = self._create_client.get_repo(self._target.repository)
        with self._guard("opening the drift issue"):
            return post_once(
                lambda: _tracked(
                    repo.create_issue(title=title, body=body, labels=list(labels)).raw_data
                ),
                landed=lambda: self.find_issue(marker=marker),
                ambiguous=ambiguous,
                retries=self._retries,
            )

    def update_issue(self, number: int, *, title: str, body: str) -> None:
        with self._guard(f"updating issue #{number}"):
            self._repo.get_issue(number).edit(title=title, body=body)

    def comment_issue(self, number: int, *, body: str) -> None:
        with self._guard(f"commenting on issue #{number}"):
            self._repo.get_issue(number).create_comment(body)

    def close_issue(self, number: int) -> None:
        with self._guard(f"closing issue #{number}"):
            self._repo.get_issue(number).edit(state="closed", state_reason="completed")

    def dispatch_workflow(
        self, workflow: str, *, ref: str | None, inputs: Mapping[str, str]
    ) -> str:
        """workflow_dispatch on ``ref`` (default: the repository's default branch)."""
        with self._guard(f"dispatching workflow {workflow}"):
            branch = ref or self._repo.default_branch
            self._repo.get_workflow(workflow).create_dispatch(branch, dict(inputs), throw=True)
        return f"workflow {workflow} dispatched on {branch}"


def _ours(data: Mapping[str, Any], *, marker: str, login: str) -> bool:
    user = data.get("user") or {}
    return (
        "pull_request" not in data
        and user.get("login") == login
        and marker in (data.get("body") or "")
    )


def _tracked(data: Mapping[str, Any]) -> TrackedIssue:
    return TrackedIssue(
        number=int(data["number"]), body=str(data.get("body") or ""), url=data.get("html_url")
    )
