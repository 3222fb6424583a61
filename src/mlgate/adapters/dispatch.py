"""Starting CI for a model version: GitHub's ``repository_dispatch`` (PyGithub) and GitLab's
pipeline trigger (python-gitlab), one attempt each — ``relay/`` owns the retries, because a
dispatch is not idempotent and the relay decides what may be tried again.

Each failure says whether trying again can help (429, 5xx, a network error) or not (a bad
token, a repository or project that does not exist).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mlgate.core.refs import first_line
from mlgate.errors import ServiceError

GITHUB_EVENT_TYPE = "mlgate-model-version"


class DispatchFailed(ServiceError):
    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True, kw_only=True)
class GitHubDispatch:
    api_url: str
    repository: str  # owner/name
    token: str = field(repr=False)
    timeout: int = 10
    event_type: str = GITHUB_EVENT_TYPE

    @property
    def name(self) -> str:
        return f"github:{self.repository}"

    def send(self, payload: Mapping[str, str]) -> str:
        from github import Auth, Github, GithubException
        from requests.exceptions import RequestException

        logging.getLogger("github").setLevel(logging.WARNING)
        client = Github(
            auth=Auth.Token(self.token),
            base_url=self.api_url.rstrip("/"),
            timeout=self.timeout,
            retry=None,
            lazy=True,
        )
        body = {"event_type": self.event_type, "client_payload": dict(payload)}
        try:
            client.requester.requestJsonAndCheck(
                "POST", f"/repos/{self.repository}/dispatches", input=body
            )
        except GithubException as exc:
            data = exc.data if isinstance(exc.data, dict) else {}
            message = str(data.get("message", "")).splitlines()[0][:200] if data else ""
            raise DispatchFailed(
                f"GitHub {self.api_url}: repository_dispatch to {self.repository}: "
                f"HTTP {exc.status} {message}".rstrip(),
                transient=exc.status == 429 or exc.status >= 500,
            ) from None
        except RequestException as exc:
            raise DispatchFailed(
                f"GitHub {self.api_url}: repository_dispatch: {first_line(exc, limit=200)}",
                transient=True,
            ) from None
        return f"repository_dispatch {self.event_type} to {self.repository}"


@dataclass(frozen=True, kw_only=True)
class GitLabTrigger:
    url: str  # the instance, not …/api/v4
    project: str
    token: str = field(repr=False)  # a pipeline trigger token
    ref: str = "main"
    timeout: int = 10

    @property
    def name(self) -> str:
        return f"gitlab:{self.project}"

    def send(self, payload: Mapping[str, str]) -> str:
        import gitlab
        from requests.exceptions import RequestException

        client = gitlab.Gitlab(self.url, timeout=self.timeout, retry_transient_errors=False)
        # model, version, event, delivery (the relay) or uri, environment (deploy).
        variables = {f"MLGATE_{key.upper()}": value for key, value in payload.items()}
        project: Any = client.projects.get(self.project, lazy=True)
        try:
            pipeline = project.trigger_pipeline(self.ref, self.token, variables=variables)
        except gitlab.exceptions.GitlabError as exc:
            code = getattr(exc, "response_code", None) or 0
            message = str(getattr(exc, "error_message", "") or exc).splitlines()[0][:200]
            raise DispatchFailed(
                f"GitLab {self.url}: triggering a pipeline of project {self.project}: "
                f"HTTP {code} {message}",
                transient=code == 429 or code >= 500,
            ) from None
        except RequestException as exc:
            raise DispatchFailed(
                f"GitLab {self.url}: triggering a pipeline: {first_line(exc, limit=200)}",
                transient=True,
            ) from None
        return f"pipeline {pipeline.get_id()} of project {self.project} on {self.ref}"
