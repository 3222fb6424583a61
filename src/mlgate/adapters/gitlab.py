"""GitLab through python-gitlab: the sticky report note on a merge request and the
commit status. The only module that imports ``gitlab``.

429 and 5xx answers are retried a bounded number of times (honouring ``Retry-After``);
what still fails becomes a ServiceError, and a token that may not write a CannotPost.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from mlgate.adapters.posting import post_once
from mlgate.core.approval import GitLabApprovals
from mlgate.core.comments import (
    Action,
    CommentMode,
    ExistingComment,
    find_ours,
    plan_comment,
    with_block,
)
from mlgate.errors import MlgateError, ServiceError

MAX_NOTE_CHARS = 1_000_000
JOB_TOKEN_HELP = (
    "CI_JOB_TOKEN cannot post merge request notes or commit statuses: create a project (or "
    "group) access token with the api scope and at least the Reporter role, and store it as a "
    "masked CI/CD variable GITLAB_TOKEN (or MLGATE_GITLAB_TOKEN)"
)


class CannotPost(MlgateError):
    exit_code = ServiceError.exit_code


@dataclass(frozen=True, kw_only=True)
class GitLabTarget:
    url: str  # the instance, e.g. https://gitlab.example.com (not …/api/v4)
    project: str  # id or full path
    token: str = field(repr=False)


@dataclass(frozen=True, kw_only=True)
class Posted:
    action: Action
    url: str | None


class GitLab:
    def __init__(self, target: GitLabTarget, *, retries: int = 4, timeout: int = 30) -> None:
        import gitlab
        import requests
        from requests.adapters import HTTPAdapter
        from urllib3.util.retry import Retry

        self._target = target

        # Bounded retries on the session (python-gitlab's own allow ten per request, with
        # waits growing to minutes): 429 and 5xx, honouring Retry-After, 1 + 2 + 4 + 8 s.
        def client(retry: Retry) -> Any:
            session = requests.Session()
            session.mount("http://", HTTPAdapter(max_retries=retry))
            session.mount("https://", HTTPAdapter(max_retries=retry))
            return gitlab.Gitlab(
                target.url,
                private_token=target.token,
                per_page=100,
                timeout=timeout,
                session=session,
            )

        common: dict[str, Any] = {
            "backoff_factor": 1,
            "respect_retry_after_header": True,
            "raise_on_status": False,
        }
        # Everything but POST may be retried on 429 and 5xx. A POST (a new note) is retried
        # by the session only on 429, which certainly stored nothing; after a 5xx or a
        # timeout _create looks before it posts again.
        self._gl = client(
            Retry(
                total=retries,
                status_forcelist=(429, 500, 502, 503, 504),
                allowed_methods=frozenset({"GET", "PUT", "DELETE", "HEAD"}),
                **common,
            )
        )
        self._poster = client(
            Retry(
                total=retries,
                connect=0,
                read=0,
                status_forcelist=(429,),
                allowed_methods=frozenset({"POST"}),
                **common,
            )
        )
        self._retries = retries
        self._project = self._gl.projects.get(target.project, lazy=True)

    def own_username(self) -> str:
        with self._guard("reading the token's user"):
            self._gl.auth()
        user = self._gl.user
        return str(user.username) if user is not None else ""

    def publish_note(
        self, *, iid: int, marker: str, body: str, mode: CommentMode, web_url: str = ""
    ) -> Posted:
        if mode is CommentMode.OFF:
            return Posted(action=Action.SKIP, url=None)
        author = self.own_username()
        mr = self._project.mergerequests.get(iid, lazy=True)
        raw: dict[int, Any] = {}
        existing = None
        if mode is not CommentMode.NEW:
            with self._guard(f"listing the notes of !{iid}"):
                for note in mr.notes.list(iterator=True, per_page=100):
                    raw[note.id] = note
            listed = [
                ExistingComment(
                    id=n.id, author=(n.author or {}).get("username", ""), body=n.body or ""
                )
                for n in raw.values()
                if not getattr(n, "system", False)
            ]
            existing = find_ours(listed, marker=marker, author=author)
        plan = plan_comment(existing, body=body, mode=mode)
        target = raw.get(plan.target.id) if plan.target is not None else None
        if plan.action is Action.UNCHANGED:
            return Posted(
                action=plan.action, url=_note_url(web_url, plan.target.id if plan.target else None)
            )
        with self._guard(f"writing the report on !{iid}"):
            if plan.action is Action.UPDATE and target is not None:
                target.body = body
                target.save()
                return Posted(action=plan.action, url=_note_url(web_url, target.id))
            if plan.action is Action.RECREATE and target is not None:
                target.delete()
            note_id = self._create(iid, marker=marker, author=author, body=body)
            return Posted(action=plan.action, url=_note_url(web_url, note_id))

    def _create(self, iid: int, *, marker: str, author: str, body: str) -> int:
        """Post once; after an ambiguous failure, post again only if nothing landed."""
        import gitlab
        from requests.exceptions import RequestException

        notes = (
            self._poster.projects.get(self._target.project, lazy=True)
            .mergerequests.get(iid, lazy=True)
            .notes
        )

        def ambiguous(exc: Exception) -> bool:
            if isinstance(exc, gitlab.exceptions.GitlabError):
                return (getattr(exc, "response_code", None) or 0) >= 500
            return isinstance(exc, RequestException)

        return post_once(
            lambda: int(notes.create({"body": body}).id),
            landed=lambda: self._landed(iid, marker=marker, author=author, body=body),
            ambiguous=ambiguous,
            retries=self._retries,
        )

    def _landed(self, iid: int, *, marker: str, author: str, body: str) -> int | None:
        mr = self._project.mergerequests.get(iid, lazy=True)
        listed = [
            ExistingComment(id=n.id, author=(n.author or {}).get("username", ""), body=n.body or "")
            for n in mr.notes.list(iterator=True, per_page=100)
        ]
        ours = find_ours(listed, marker=marker, author=author)
        return ours.id if ours is not None and ours.body.strip() == body.strip() else None

    def approvals(self, iid: int) -> GitLabApprovals:
        """The MR's approval state and its current head, both fetched fresh."""
        with self._guard(f"reading merge request !{iid}"):
            mr = self._project.mergerequests.get(iid)
            state = mr.approvals.get()
        approved_by = tuple(
            str((entry.get("user") or {}).get("username", ""))
            for entry in (state.approved_by or ())
        )
        return GitLabApprovals(
            approvals_left=int(state.approvals_left or 0),
            approved_by=approved_by,
            head_sha=str(mr.sha) if mr.sha else None,
            author=str((mr.author or {}).get("username", "")),
        )

    def protected_environment(self, name: str) -> bool:
        """Whether deployments to ``name`` are restricted (GitLab then decides who may run
        the manual job, and that user is the approver)."""
        import gitlab

        try:
            with self._guard(f"reading protected environment {name}"):
                self._project.protected_environments.get(name)
        except (gitlab.exceptions.GitlabGetError, CannotPost):
            return False
        except ServiceError as exc:
            if "HTTP 404" in str(exc):
                return False
            raise
        return True

    def head_sha(self, iid: int) -> str | None:
        with self._guard(f"reading merge request !{iid}"):
            sha = self._project.mergerequests.get(iid).sha
        return str(sha) if sha else None

    def append_to_report(self, *, iid: int, marker: str, block: str) -> bool:
        """Put ``block`` at the end of mlgate's report note; False when there is none."""
        author = self.own_username()
        mr = self._project.mergerequests.get(iid, lazy=True)
        with self._guard(f"listing the notes of !{iid}"):
            raw = {n.id: n for n in mr.notes.list(iterator=True, per_page=100)}
        listed = [
            ExistingComment(id=n.id, author=(n.author or {}).get("username", ""), body=n.body or "")
            for n in raw.values()
        ]
        ours = find_ours(listed, marker=marker, author=author)
        if ours is None:
            return False
        note = raw[ours.id]
        note.body = with_block(ours.body, block, limit=MAX_NOTE_CHARS)
        with self._guard(f"updating the report on !{iid}"):
            note.save()
        return True

    def set_status(
        self, *, sha: str, state: str, name: str, description: str, target_url: str | None
    ) -> None:
        data = {"state": state, "name": name, "description": description[:255]}
        if target_url:
            data["target_url"] = target_url
        with self._guard(f"setting the commit status {name} on {sha[:12]}"):
            self._project.commits.get(sha, lazy=True).statuses.create(data)

    @contextmanager
    def _guard(self, what: str) -> Iterator[None]:
        import gitlab
        from requests.exceptions import RequestException

        where = f"GitLab {self._target.url}"
        try:
            yield
        except gitlab.exceptions.GitlabError as exc:
            code = getattr(exc, "response_code", None)
            message = str(getattr(exc, "error_message", "") or exc).splitlines()[0][:200]
            if code in (401, 403):
                raise CannotPost(
                    f"{where}: {what}: HTTP {code} {message} — the token may not write "
                    "here; it needs the api scope and at least the Reporter role"
                ) from None
            raise ServiceError(
                f"{where}: {what} failed after retries: HTTP {code} {message}"
            ) from None
        except RequestException as exc:
            detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            raise ServiceError(f"{where}: {what} failed after retries: {detail}") from None


def _note_url(mr_url: str, note_id: int | None) -> str | None:
    if not mr_url or note_id is None:
        return None
    return f"{mr_url}#note_{note_id}"
