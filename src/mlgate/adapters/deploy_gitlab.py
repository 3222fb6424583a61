"""The deployment repository on GitLab, through python-gitlab: files read raw, one commit
written with the commits API's actions (on the base branch, the branch forced to it), and
the merge request found, opened, edited or closed."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from mlgate.adapters.gitlab import GitLab, GitLabTarget
from mlgate.core.deploy import Proposal
from mlgate.errors import InputError, ServiceError

PUSH_PERMISSIONS = (
    "a project or group access token with the api scope and at least the Developer role "
    "on {project} (CI_JOB_TOKEN cannot push or open merge requests)"
)


class GitLabDeployRepository:
    def __init__(self, target: GitLabTarget) -> None:
        self._gitlab = GitLab(target)
        self._project: Any = self._gitlab._project
        self.name = f"GitLab {target.project}"
        self.repository = target.project

    def base_head(self, branch: str) -> str:
        import gitlab

        with self._guard(f"reading branch {branch}"):
            try:
                return str(self._project.branches.get(branch).commit["id"])
            except gitlab.exceptions.GitlabGetError as exc:
                if exc.response_code != 404:
                    raise
                self._gitlab_project()  # 404 when the project is not there
        raise InputError(
            f"deploy.branch {branch!r}: no such branch in {self.repository}; fix deploy.branch"
        )

    def _gitlab_project(self) -> None:
        self._project.manager.get(self._project.get_id())

    def read(self, path: str, ref: str) -> str | None:
        import gitlab

        with self._guard(f"reading {path} at {ref}"):
            try:
                raw = self._project.files.raw(file_path=path, ref=ref)
            except gitlab.exceptions.GitlabGetError as exc:
                if exc.response_code == 404:
                    return None
                raise
        return bytes(raw).decode("utf-8")

    def find(self, *, branch: str, base: str) -> Proposal | None:
        with self._guard(f"listing merge requests from {branch}"):
            for mr in self._project.mergerequests.list(
                source_branch=branch, target_branch=base, state="opened", get_all=False
            ):
                return _proposal(mr)
        return None

    def push(self, *, branch: str, base_sha: str, files: Mapping[str, str], message: str) -> str:
        """One commit on the base branch's head ``base_sha`` changing ``files``; the branch
        is forced to it (a newer promotion replaces the older proposal's commit)."""
        data = {
            "branch": branch,
            "start_sha": base_sha,
            "commit_message": message,
            "force": True,
            "actions": [
                {"action": "update", "file_path": path, "content": text}
                for path, text in sorted(files.items())
            ],
        }
        with self._guard(f"pushing {branch}", write=True):
            commit = self._project.commits.create(data)
        return str(commit.id)

    def open(self, *, branch: str, base: str, title: str, body: str) -> Proposal:
        data = {
            "source_branch": branch,
            "target_branch": base,
            "title": title,
            "description": body,
            "remove_source_branch": True,
        }
        with self._guard(f"opening a merge request from {branch}", write=True):
            return _proposal(self._project.mergerequests.create(data))

    def update(self, proposal: Proposal, *, title: str, body: str) -> Proposal:
        with self._guard(f"updating merge request !{proposal.number}", write=True):
            mr = self._project.mergerequests.get(proposal.number, lazy=True)
            mr.title = title
            mr.description = body
            mr.save()
            return Proposal(number=proposal.number, url=proposal.url, title=title, body=body)

    def close(self, proposal: Proposal, *, comment: str) -> None:
        with self._guard(f"closing merge request !{proposal.number}", write=True):
            mr = self._project.mergerequests.get(proposal.number, lazy=True)
            mr.notes.create({"body": comment})
            mr.state_event = "close"
            mr.save()

    def auto_merge(self, proposal: Proposal, *, head: str) -> None:
        """Merge when the pipeline succeeds, and only ``head`` (sha)."""
        with self._guard(f"setting merge request !{proposal.number} to merge", write=True):
            mr = self._project.mergerequests.get(proposal.number, lazy=True)
            mr.merge(merge_when_pipeline_succeeds=True, sha=head)

    def comment(self, number: int, *, marker: str, body: str) -> str | None:
        """Our note marked ``marker`` on merge request !number, edited in place (or posted)."""
        from mlgate.core.comments import CommentMode

        with self._guard(f"reading merge request !{number}"):
            web_url = str(self._project.mergerequests.get(number).web_url)
        found = self._gitlab.publish_note(
            iid=number, marker=marker, body=body, mode=CommentMode.UPDATE, web_url=web_url
        )
        return found.url

    def state(self, number: int) -> str:
        with self._guard(f"reading merge request !{number}"):
            return str(self._project.mergerequests.get(number).state)

    @contextmanager
    def _guard(
        self, what: str, *, write: bool = False, missing: str | None = None
    ) -> Iterator[None]:
        import gitlab

        try:
            yield
        except gitlab.exceptions.GitlabError as exc:
            code = getattr(exc, "response_code", None)
            if code == 404:
                raise InputError(
                    f"deploy.repository {self.repository!r}: not found on GitLab (or the token "
                    "cannot see it); fix deploy.repository or give MLGATE_DEPLOY_TOKEN"
                ) from None
            if code in (401, 403) and write:
                raise ServiceError(
                    f"GitLab: {what}: HTTP {code} — the token may not push: it needs "
                    + PUSH_PERMISSIONS.format(project=self.repository)
                ) from None
            with self._gitlab._guard(what):
                raise


def _proposal(mr: Any) -> Proposal:
    return Proposal(
        number=int(mr.iid),
        url=str(mr.web_url),
        title=str(mr.title or ""),
        body=str(mr.description or ""),
    )
