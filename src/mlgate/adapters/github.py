"""GitHub through PyGithub: the sticky report comment and the commit status.

The only module that imports ``github``. Objects are lazy, so finding and updating the
report on a PR with 250 comments costs five requests: who am I, three pages, one edit.
PyGithub's GithubRetry retries 5xx, 429 and secondary rate limits (honouring retry-after
and x-ratelimit-reset) within the bounds set here; what still fails becomes a ServiceError,
and a read-only token (a fork's PR) a ReadOnlyToken the caller can explain.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from mlgate.adapters.posting import post_once
from mlgate.core.approval import Review, RunApproval
from mlgate.core.comments import (
    Action,
    CommentMode,
    ExistingComment,
    find_ours,
    plan_comment,
    with_block,
)
from mlgate.errors import MlgateError, ServiceError

ACTIONS_BOT = "github-actions[bot]"
MAX_COMMENT_CHARS = 65_536
_READ_ONLY = "Resource not accessible by integration"


class ReadOnlyToken(MlgateError):
    """The token may read but not write (a fork's pull_request run)."""

    exit_code = ServiceError.exit_code


@dataclass(frozen=True, kw_only=True)
class Published:
    action: Action
    url: str | None
    author: str | None = None  # the login the comment is written by


@dataclass(frozen=True, kw_only=True)
class ReportThread:
    updated_at: str | None  # ISO 8601: when the report comment last changed; None: no report
    first_lines: tuple[str, ...]  # of every comment mlgate wrote on the thread


@dataclass(frozen=True, kw_only=True)
class PullRequest:
    number: int
    head_sha: str
    author: str
    url: str


@dataclass(frozen=True, kw_only=True)
class GitHubTarget:
    api_url: str
    repository: str  # owner/name
    token: str


class GitHub:
    def __init__(
        self,
        target: GitHubTarget,
        *,
        retries: int = 4,
        secondary_rate_wait: float = 60,
        min_interval: float | None = None,
        timeout: int = 30,
    ) -> None:
        from github import Auth, Github, GithubRetry

        # PyGithub logs each refused request ("GET /user failed with 403" for a
        # GITHUB_TOKEN, which is expected); mlgate reports what matters itself.
        logging.getLogger("github").setLevel(logging.WARNING)
        self._target = target
        kwargs: dict[str, Any] = {}
        if min_interval is not None:
            kwargs = {
                "seconds_between_requests": min_interval,
                "seconds_between_writes": min_interval,
            }
        self._gh = Github(
            auth=Auth.Token(target.token),
            base_url=target.api_url.rstrip("/"),
            per_page=100,
            timeout=timeout,
            lazy=True,
            retry=GithubRetry(
                total=retries, backoff_factor=1, secondary_rate_wait=secondary_rate_wait
            ),
            **kwargs,
        )
        self._repo = self._gh.get_repo(target.repository)
        # Creating a comment is not idempotent: a 5xx or a timeout may come after GitHub
        # stored it. This client retries only answers that certainly stored nothing (rate
        # limits); the ambiguous cases are resolved in _create by looking before retrying.
        self._retries = retries
        self._create_client = Github(
            auth=Auth.Token(target.token),
            base_url=target.api_url.rstrip("/"),
            timeout=timeout,
            lazy=True,
            retry=GithubRetry(
                total=retries,
                connect=0,
                read=0,
                status_forcelist=[429],
                allowed_methods=frozenset({"POST"}),
                secondary_rate_wait=secondary_rate_wait,
            ),
            **kwargs,
        )

    def own_login(self) -> str:
        """Who our comments are written by. A GITHUB_TOKEN cannot read /user: it is the
        Actions bot."""
        from github import GithubException

        with self._guard("reading the token's user"):  # other failures: ServiceError
            try:
                return str(self._gh.get_user().login)
            except GithubException as exc:
                if exc.status in (401, 403):
                    return ACTIONS_BOT
                raise

    def publish_comment(
        self, *, number: int, marker: str, body: str, mode: CommentMode, author: str | None = None
    ) -> Published:
        if mode is CommentMode.OFF:
            return Published(action=Action.SKIP, url=None)
        login = author or self.own_login()
        existing = None
        raw: dict[int, Any] = {}
        if mode is not CommentMode.NEW:
            raw, listed = self._comments(number)
            existing = find_ours(listed, marker=marker, author=login)
        plan = plan_comment(existing, body=body, mode=mode)
        target = raw.get(plan.target.id) if plan.target is not None else None
        if plan.action is Action.UNCHANGED:
            url = plan.target.url if plan.target else None
            return Published(action=plan.action, url=url, author=login)
        with self._guard(f"writing the report on #{number}"):
            if plan.action is Action.UPDATE and target is not None:
                target.edit(body)
                return Published(action=plan.action, url=str(target.html_url), author=login)
            if plan.action is Action.RECREATE and target is not None:
                target.delete()
            url = self._create(number, marker=marker, login=login, body=body)
            return Published(action=plan.action, url=url, author=login)

    def _create(self, number: int, *, marker: str, login: str, body: str) -> str:
        """Post once; after an ambiguous failure, post again only if nothing landed."""
        from github import GithubException
        from requests.exceptions import RequestException

        def ambiguous(exc: Exception) -> bool:
            if isinstance(exc, GithubException):
                return exc.status >= 500
            return isinstance(exc, RequestException)

        issue = self._create_client.get_repo(self._target.repository).get_issue(number)
        return post_once(
            lambda: str(issue.create_comment(body).html_url),
            landed=lambda: self._landed(number, marker=marker, login=login, body=body),
            ambiguous=ambiguous,
            retries=self._retries,
        )

    def _landed(self, number: int, *, marker: str, login: str, body: str) -> str | None:
        _, comments = self._comments(number)
        ours = find_ours(comments, marker=marker, author=login)
        return ours.url if ours is not None and ours.body.strip() == body.strip() else None

    def pull_head_sha(self, number: int) -> str:
        return self.pull(number).head_sha

    def pull(self, number: int) -> PullRequest:
        """Fetched fresh every time: the head can move while mlgate runs."""
        with self._guard(f"reading pull request #{number}"):
            pr = self._repo.get_pull(number)
            return PullRequest(
                number=number,
                head_sha=str(pr.head.sha),
                author=str(pr.user.login),
                url=str(pr.html_url),
            )

    def reviews(self, number: int) -> list[Review]:
        with self._guard(f"listing the reviews of #{number}"):
            return [
                Review(
                    user=r.user.login if r.user else "",
                    state=str(r.state),
                    commit_id=r.commit_id,
                    is_bot=bool(r.user and r.user.type == "Bot"),
                )
                for r in self._repo.get_pull(number).get_reviews()
            ]

    def run_approvals(self, run_id: int) -> list[RunApproval]:
        """Who approved or rejected this workflow run's deployments, and for which
        environments (GET /repos/{repo}/actions/runs/{run_id}/approvals)."""
        with self._guard(f"listing the approvals of run {run_id}"):
            _, data = self._gh.requester.requestJsonAndCheck(
                "GET", f"/repos/{self._target.repository}/actions/runs/{run_id}/approvals"
            )
        if not isinstance(data, list):
            raise ServiceError(f"GitHub: the approvals of run {run_id}: not a list")
        found = []
        for item in data:
            user = item.get("user") if isinstance(item, dict) else None
            if not isinstance(user, dict) or not isinstance(user.get("login"), str):
                continue
            environments = item.get("environments") or []
            found.append(
                RunApproval(
                    user=user["login"],
                    state=str(item.get("state", "")),
                    environments=tuple(
                        str(e.get("name")) for e in environments if isinstance(e, dict)
                    ),
                    comment=str(item.get("comment") or ""),
                    is_bot=user.get("type") == "Bot",
                )
            )
        return found

    def report_thread(self, number: int, *, marker: str) -> ReportThread:
        """One listing of #number's comments: when mlgate's report for ``marker`` last
        changed, and the first lines of every comment mlgate wrote (the other models'
        markers among them)."""
        raw, listed = self._comments(number)
        login = self.own_login()
        ours = find_ours(listed, marker=marker, author=login)
        updated_at = None
        if ours is not None:
            comment = raw[ours.id]
            moment = comment.updated_at or comment.created_at
            updated_at = moment.isoformat() if moment is not None else None
        first_lines = tuple(
            c.body.split("\n", 1)[0].strip() for c in listed if c.author.lower() == login.lower()
        )
        return ReportThread(updated_at=updated_at, first_lines=first_lines)

    def permission(self, user: str) -> str:
        """``admin``, ``write``, ``read`` or ``none`` — from the collaborator API, which (unlike
        author_association) is right for private organisation members."""
        from github import GithubException

        try:
            return str(self._repo.get_collaborator_permission(user))
        except GithubException as exc:
            if exc.status == 404:
                return "none"
            raise ServiceError(self._describe(f"reading {user}'s permission", exc)) from None

    def append_to_report(
        self, *, number: int, marker: str, block: str, author: str | None = None
    ) -> str | None:
        """Put ``block`` (the promotion outcome) at the end of mlgate's report comment,
        replacing an earlier outcome; None when there is no report to update."""
        raw, listed = self._comments(number)
        ours = find_ours(listed, marker=marker, author=author or self.own_login())
        if ours is None:
            return None
        body = with_block(ours.body, block, limit=MAX_COMMENT_CHARS)
        with self._guard(f"updating the report on #{number}"):
            raw[ours.id].edit(body)
        return ours.url

    def _comments(self, number: int) -> tuple[dict[int, Any], list[ExistingComment]]:
        """Every comment on #number (all pages): by id, and as core/comments.py reads them."""
        with self._guard(f"listing the comments of #{number}"):
            raw = {c.id: c for c in self._repo.get_issue(number).get_comments()}
        listed = [
            ExistingComment(
                id=c.id, author=c.user.login if c.user else "", body=c.body or "", url=c.html_url
            )
            for c in raw.values()
        ]
        return raw, listed

    def set_status(
        self, *, sha: str, state: str, context: str, description: str, target_url: str | None
    ) -> None:
        commit = self._repo.get_commit(sha)
        with self._guard(f"setting the commit status {context} on {sha[:12]}"):
            commit.create_status(
                state=state,
                context=context,
                description=description[:140],
                **({"target_url": target_url} if target_url else {}),
            )

    @contextmanager
    def _guard(self, what: str) -> Iterator[None]:
        from github import GithubException
        from requests.exceptions import RequestException

        try:
            yield
        except GithubException as exc:
            message = str((exc.data or {}).get("message", "")) if isinstance(exc.data, dict) else ""
            if exc.status == 403 and _READ_ONLY in message:
                raise ReadOnlyToken(
                    f"GitHub: {what}: the token is read-only ({_READ_ONLY})"
                ) from None
            raise ServiceError(self._describe(what, exc)) from None
        except RequestException as exc:
            detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            raise ServiceError(
                f"GitHub {self._target.api_url}: {what} failed after retries: {detail}"
            ) from None

    def _describe(self, what: str, exc: Any) -> str:
        data = exc.data if isinstance(exc.data, dict) else {}
        message = str(data.get("message", "")).splitlines()[0][:200] if data else ""
        where = f"GitHub {self._target.api_url}"
        return f"{where}: {what} failed after retries: HTTP {exc.status} {message}".rstrip()
