"""The deployment repository on GitHub, through PyGithub: files read with the contents API,
one commit written with the Git data API (a tree on the base branch's, a commit, the
branch moved to it), and the pull request found, opened, edited or closed.

A token that may read but not push is named with the permissions it lacks (exit 3); a
repository or base branch that does not exist is the configuration's mistake (exit 2).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from mlgate.adapters.github import GitHub, GitHubTarget
from mlgate.core.deploy import Proposal
from mlgate.errors import InputError, ServiceError

PUSH_PERMISSIONS = (
    "contents: write and pull-requests: write on {repo} (a workflow's GITHUB_TOKEN reaches "
    "only its own repository: give another one as MLGATE_DEPLOY_TOKEN)"
)


class GitHubDeployRepository:
    def __init__(self, target: GitHubTarget, *, min_interval: float | None = None) -> None:
        self._github = GitHub(target, min_interval=min_interval)
        self._repo: Any = self._github._repo
        self.name = f"GitHub {target.repository}"
        self.repository = target.repository

    def base_head(self, branch: str) -> str:
        """The base branch's head commit; InputError when there is no such branch."""
        from github import GithubException

        with self._guard(f"reading branch {branch}"):
            try:
                return str(self._repo.get_git_ref(f"heads/{branch}").object.sha)
            except GithubException as exc:
                if exc.status != 404:
                    raise
                self._github._gh.get_repo(self.repository, lazy=False)  # 404: no repository
        raise InputError(
            f"deploy.branch {branch!r}: no such branch in {self.repository}; fix deploy.branch"
        )

    def read(self, path: str, ref: str) -> str | None:
        from github import GithubException

        with self._guard(f"reading {path} at {ref}"):
            try:
                found = self._repo.get_contents(path, ref=ref)
            except GithubException as exc:
                if exc.status == 404:
                    return None
                raise
        if isinstance(found, list):
            raise InputError(f"{self.name}: {path} is a folder, not a manifest")
        return bytes(found.decoded_content).decode("utf-8")

    def find(self, *, branch: str, base: str) -> Proposal | None:
        owner = self.repository.split("/")[0]
        with self._guard(f"listing pull requests from {branch}"):
            for pull in self._repo.get_pulls(state="open", head=f"{owner}:{branch}", base=base):
                return _proposal(pull)
        return None

    def push(self, *, branch: str, base_sha: str, files: Mapping[str, str], message: str) -> str:
        """One commit on ``base_sha`` changing ``files``, on ``branch`` (moved there)."""
        from github import GithubException, InputGitTreeElement

        with self._guard(f"pushing {branch}", write=True):
            parent = self._repo.get_git_commit(base_sha)
            tree = self._repo.create_git_tree(
                [
                    InputGitTreeElement(path, "100644", "blob", content=text)
                    for path, text in sorted(files.items())
                ],
                base_tree=parent.tree,
            )
            commit = self._repo.create_git_commit(message, tree, [parent])
            ref = self._repo.get_git_ref(f"heads/{branch}")
            try:
                ref.object  # noqa: B018 - read it: a lazy ref's URL is not the one to PATCH
            except GithubException as exc:
                if exc.status != 404:
                    raise
                self._repo.create_git_ref(f"refs/heads/{branch}", commit.sha)
            else:
                ref.edit(commit.sha, force=True)
        return str(commit.sha)

    def open(self, *, branch: str, base: str, title: str, body: str) -> Proposal:
        with self._guard(f"opening a pull request from {branch}", write=True):
            return _proposal(self._repo.create_pull(base=base, head=branch, title=title, body=body))

    def update(self, proposal: Proposal, *, title: str, body: str) -> Proposal:
        with self._guard(f"updating pull request #{proposal.number}", write=True):
            pull = self._repo.get_pull(proposal.number)
            pull.edit(title=title, body=body)
            return _proposal(pull)

    def close(self, proposal: Proposal, *, comment: str) -> None:
        with self._guard(f"closing pull request #{proposal.number}", write=True):
            pull = self._repo.get_pull(proposal.number)
            pull.create_issue_comment(comment)
            pull.edit(state="closed")

    def auto_merge(self, proposal: Proposal, *, head: str) -> None:
        """GitHub merges once the required checks pass — exactly ``head``, nothing pushed
        after it (expectedHeadOid)."""
        with self._guard(f"enabling auto-merge on pull request #{proposal.number}", write=True):
            pull = self._repo.get_pull(proposal.number)
            pull.enable_automerge(merge_method="SQUASH", expected_head_oid=head)

    def comment(self, number: int, *, marker: str, body: str) -> str | None:
        """Our comment marked ``marker`` on pull request #number, edited in place (or posted);
        its URL."""
        from mlgate.core.comments import CommentMode

        found = self._github.publish_comment(
            number=number, marker=marker, body=body, mode=CommentMode.UPDATE
        )
        return found.url

    def state(self, number: int) -> str:
        with self._guard(f"reading pull request #{number}"):
            pull = self._repo.get_pull(number)
            return "merged" if pull.merged else str(pull.state)

    @contextmanager
    def _guard(
        self, what: str, *, write: bool = False, missing: str | None = None
    ) -> Iterator[None]:
        from github import GithubException

        try:
            yield
        except GithubException as exc:
            if exc.status == 404:
                raise InputError(
                    f"deploy.repository {self.repository!r}: not found on GitHub (or the token "
                    "cannot see it); fix deploy.repository or give MLGATE_DEPLOY_TOKEN"
                ) from None
            if exc.status == 403 and write:
                raise ServiceError(
                    f"GitHub: {what}: HTTP 403 — the token may not push: it needs "
                    + PUSH_PERMISSIONS.format(repo=self.repository)
                ) from None
            with self._github._guard(what):
                raise


def _proposal(pull: Any) -> Proposal:
    return Proposal(
        number=int(pull.number),
        url=str(pull.html_url),
        title=str(pull.title or ""),
        body=str(pull.body or ""),
    )
