"""GitLab issues for drift tracking, and the retraining pipeline.

As on GitHub, our issue is the open one with the model's marker whose author is the
token's own user."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlgate.adapters.gitlab import GitLab
from mlgate.adapters.posting import post_once
from mlgate.core.tracking import TrackedIssue


class GitLabTracker(GitLab):
    def find_issue(self, *, marker: str) -> TrackedIssue | None:
        author = self.own_username()
        with self._guard("listing the open issues"):
            for issue in self._project.issues.list(
                state="opened", order_by="created_at", sort="asc", iterator=True, per_page=100
            ):
                data = issue.attributes
                if (data.get("author") or {}).get("username") == author and marker in (
                    data.get("description") or ""
                ):
                    return _tracked(data)
        return None

    def open_issue(
        self, *, title: str, body: str, labels: tuple[str, ...], marker: str
    ) -> TrackedIssue:
        import gitlab
        from requests.exceptions import RequestException

        issues = self._poster.projects.get(self._target.project, lazy=True).issues

        def ambiguous(exc: Exception) -> bool:
            if isinstance(exc, gitlab.exceptions.GitlabError):
                return (getattr(exc, "response_code", None) or 0) >= 500
            return isinstance(exc, RequestException)

        payload = {"title": title, "description": body, "labels": ",".join(labels)}
        with self._guard("opening the drift issue"):
            return post_once(
                lambda: _tracked(issues.create(payload).attributes),
                landed=lambda: self.find_issue(marker=marker),
                ambiguous=ambiguous,
                retries=self._retries,
            )

    def update_issue(self, number: int, *, title: str, body: str) -> None:
        with self._guard(f"updating issue #{number}"):
            issue = self._project.issues.get(number, lazy=True)
            issue.title = title
            issue.description = body
            issue.save()

    def comment_issue(self, number: int, *, body: str) -> None:
        with self._guard(f"commenting on issue #{number}"):
            self._project.issues.get(number, lazy=True).notes.create({"body": body})

    def close_issue(self, number: int) -> None:
        with self._guard(f"closing issue #{number}"):
            issue = self._project.issues.get(number, lazy=True)
            issue.state_event = "close"
            issue.save()

    def dispatch_workflow(
        self, workflow: str, *, ref: str | None, inputs: Mapping[str, str]
    ) -> str:
        """A new pipeline on ``ref`` with ``inputs`` as variables (``workflow`` names it in
        MLGATE_RETRAIN, so the retraining job's rules can match it)."""
        with self._guard("starting the retraining pipeline"):
            branch = ref or str(self._gl.projects.get(self._target.project).default_branch)
            variables = [{"key": "MLGATE_RETRAIN", "value": workflow}] + [
                {"key": key, "value": value} for key, value in inputs.items()
            ]
            pipeline = self._project.pipelines.create({"ref": branch, "variables": variables})
        return f"pipeline {pipeline.get_id()} started on {branch}"


def _tracked(data: Mapping[str, Any]) -> TrackedIssue:
    return TrackedIssue(
        number=int(data["iid"]), body=str(data.get("description") or ""), url=data.get("web_url")
    )
