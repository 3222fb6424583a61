"""The fake GitHub's repositories with content: the contents API (read), the Git data API
(refs, commits, trees), pull requests (list by head, open, edit, close) and the GraphQL
``enablePullRequestAutoMerge`` mutation — what ``mlgate deploy`` calls, in GitHub's
documented shapes and with its refusals (a second open PR for the same head is a 422, a
PATCH of a ref that does not exist a 422, a non-fast-forward without force a 422)."""

from __future__ import annotations

import base64
import hashlib
import re
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Repo:
    branches: dict[str, str] = field(default_factory=dict)  # name → commit sha
    commits: dict[str, dict[str, Any]] = field(
        default_factory=dict
    )  # sha → {tree, parents, message}
    trees: dict[str, dict[str, str]] = field(default_factory=dict)  # sha → {path: text}
    pulls: list[dict[str, Any]] = field(default_factory=list)
    auto_merge: list[dict[str, Any]] = field(default_factory=list)


def _sha(*parts: object) -> str:
    return hashlib.sha1(repr(parts).encode()).hexdigest()


class GitRepos:
    """Repositories the fake holds files of (seeded by the test)."""

    def __init__(self, api_url: str, host: str) -> None:
        self.repos: dict[str, Repo] = {}
        self.api_url = api_url
        self.host = host

    # -- seeding and reading -----------------------------------------------------------

    def seed(self, repo: str, files: dict[str, str], *, branch: str = "main") -> str:
        state = self.repos.setdefault(repo, Repo())
        parent = state.branches.get(branch)
        base = dict(state.trees[state.commits[parent]["tree"]]) if parent else {}
        base.update(files)
        tree = self._tree(state, base)
        sha = self._commit(state, tree=tree, parents=[parent] if parent else [], message="seed")
        state.branches[branch] = sha
        return sha

    def files(self, repo: str, ref: str) -> dict[str, str]:
        state = self.repos[repo]
        sha = state.branches.get(ref, ref)
        return dict(state.trees[state.commits[sha]["tree"]])

    def merge(self, repo: str, number: int) -> None:
        """Merge an open PR into its base (the test plays the reviewer)."""
        state = self.repos[repo]
        pull = next(p for p in state.pulls if p["number"] == number)
        head = state.branches[pull["head"]["ref"]]
        merged = {**self.files(repo, pull["base"]["ref"]), **self.files(repo, head)}
        tree = self._tree(state, merged)
        base = state.branches[pull["base"]["ref"]]
        state.branches[pull["base"]["ref"]] = self._commit(
            state, tree=tree, parents=[base, head], message=f"Merge #{number}"
        )
        pull.update(state="closed", merged=True, merged_at=_now())

    def _tree(self, state: Repo, files: dict[str, str]) -> str:
        sha = _sha("tree", sorted(files.items()))
        state.trees[sha] = dict(files)
        return sha

    def _commit(self, state: Repo, *, tree: str, parents: list[str], message: str) -> str:
        sha = _sha("commit", tree, parents, message, time.time_ns())
        state.commits[sha] = {"tree": tree, "parents": parents, "message": message}
        return sha

    # -- routes ------------------------------------------------------------------------

    def route(
        self,
        handler: Any,
        method: str,
        path: str,
        query: dict[str, list[str]],
        payload: Any,
        login: str | None,
    ) -> bool:
        """Answer ``path`` if it is one of these endpoints of a seeded repository."""
        if path == "/api/graphql":
            self._graphql(handler, payload, login)
            return True
        match = re.fullmatch(r"/repos/([^/]+/[^/]+)(/.*)", path)
        if match is None or match.group(1) not in self.repos:
            return False
        repo, rest = match.group(1), match.group(2)
        state = self.repos[repo]
        for pattern, action in (
            (r"/contents/(.+)", self._contents),
            (r"/git/ref/heads/(.+)", self._get_ref),
            (r"/git/refs/heads/(.+)", self._ref),
            (r"/git/refs", self._new_ref),
            (r"/git/commits/([0-9a-f]{40})", self._get_commit),
            (r"/git/commits", self._new_commit),
            (r"/git/trees", self._new_tree),
            (r"/pulls", self._pulls),
            (r"/pulls/(\d+)", self._pull),
        ):
            if found := re.fullmatch(pattern, rest):
                action(handler, method, repo, state, found.groups(), query, payload, login)
                return True
        return False

    def _contents(
        self,
        h: Any,
        method: str,
        repo: str,
        state: Repo,
        groups: tuple[str, ...],
        query: dict[str, list[str]],
        payload: Any,
        login: str | None,
    ) -> None:
        ref = query.get("ref", ["main"])[0]
        sha = state.branches.get(ref, ref)
        if method != "GET" or sha not in state.commits:
            return h._send(404, {"message": "No commit found for the ref " + ref})
        path = groups[0]
        text = state.trees[state.commits[sha]["tree"]].get(path)
        if text is None:
            return h._send(404, {"message": "Not Found", "status": "404"})
        data = text.encode()
        return h._send(
            200,
            {
                "type": "file",
                "encoding": "base64",
                "size": len(data),
                "name": path.rsplit("/", 1)[-1],
                "path": path,
                "content": base64.encodebytes(data).decode(),
                "sha": _sha("blob", text),
                "url": f"{self.api_url}/repos/{repo}/contents/{path}?ref={ref}",
                "html_url": f"{self.host}/{repo}/blob/{ref}/{path}",
            },
        )

    def _ref_body(self, repo: str, branch: str, sha: str) -> dict[str, Any]:
        return {
            "ref": f"refs/heads/{branch}",
            "node_id": f"REF_{_sha(repo, branch)[:10]}",
            "url": f"{self.api_url}/repos/{repo}/git/refs/heads/{branch}",
            "object": {
                "type": "commit",
                "sha": sha,
                "url": f"{self.api_url}/repos/{repo}/git/commits/{sha}",
            },
        }

    def _get_ref(
        self, h: Any, method: str, repo: str, state: Repo, groups: tuple[str, ...], *_: Any
    ) -> None:
        branch = groups[0]
        if method != "GET" or branch not in state.branches:
            return h._send(404, {"message": "Not Found", "status": "404"})
        return h._send(200, self._ref_body(repo, branch, state.branches[branch]))

    def _ref(
        self,
        h: Any,
        method: str,
        repo: str,
        state: Repo,
        groups: tuple[str, ...],
        query: Any,
        payload: Any,
        login: Any,
    ) -> None:
        branch = groups[0]
        if method == "GET":
            return self._get_ref(h, method, repo, state, groups)
        if method != "PATCH":
            return h._send(404, {"message": "Not Found"})
        if branch not in state.branches:
            return h._send(422, {"message": "Reference does not exist", "status": "422"})
        sha = payload.get("sha")
        if sha not in state.commits:
            return h._send(422, {"message": "Object does not exist", "status": "422"})
        if not payload.get("force") and state.branches[branch] not in _ancestors(state, sha):
            return h._send(422, {"message": "Update is not a fast forward", "status": "422"})
        state.branches[branch] = sha
        return h._send(200, self._ref_body(repo, branch, sha))

    def _new_ref(
        self,
        h: Any,
        method: str,
        repo: str,
        state: Repo,
        groups: Any,
        query: Any,
        payload: Any,
        login: Any,
    ) -> None:
        if method != "POST":
            return h._send(404, {"message": "Not Found"})
        ref, sha = str(payload.get("ref", "")), payload.get("sha")
        if not ref.startswith("refs/heads/") or sha not in state.commits:
            return h._send(422, {"message": "Reference update failed", "status": "422"})
        branch = ref.removeprefix("refs/heads/")
        if branch in state.branches:
            return h._send(422, {"message": "Reference already exists", "status": "422"})
        state.branches[branch] = sha
        return h._send(201, self._ref_body(repo, branch, sha))

    def _commit_body(self, repo: str, state: Repo, sha: str) -> dict[str, Any]:
        commit = state.commits[sha]
        person = {"name": "mlgate", "email": "mlgate@example.com", "date": _now()}
        return {
            "sha": sha,
            "node_id": f"C_{sha[:10]}",
            "url": f"{self.api_url}/repos/{repo}/git/commits/{sha}",
            "html_url": f"{self.host}/{repo}/commit/{sha}",
            "author": person,
            "committer": person,
            "message": commit["message"],
            "tree": {
                "sha": commit["tree"],
                "url": f"{self.api_url}/repos/{repo}/git/trees/{commit['tree']}",
            },
            "parents": [
                {
                    "sha": p,
                    "url": f"{self.api_url}/repos/{repo}/git/commits/{p}",
                    "html_url": f"{self.host}/{repo}/commit/{p}",
                }
                for p in commit["parents"]
            ],
            "verification": {
                "verified": False,
                "reason": "unsigned",
                "signature": None,
                "payload": None,
            },
        }

    def _get_commit(
        self, h: Any, method: str, repo: str, state: Repo, groups: tuple[str, ...], *_: Any
    ) -> None:
        if method != "GET" or groups[0] not in state.commits:
            return h._send(404, {"message": "Not Found", "status": "404"})
        return h._send(200, self._commit_body(repo, state, groups[0]))

    def _new_commit(
        self,
        h: Any,
        method: str,
        repo: str,
        state: Repo,
        groups: Any,
        query: Any,
        payload: Any,
        login: Any,
    ) -> None:
        tree, parents = payload.get("tree"), payload.get("parents", [])
        if (
            method != "POST"
            or tree not in state.trees
            or any(p not in state.commits for p in parents)
        ):
            return h._send(422, {"message": "Tree SHA does not exist", "status": "422"})
        sha = self._commit(
            state, tree=tree, parents=list(parents), message=str(payload.get("message", ""))
        )
        return h._send(201, self._commit_body(repo, state, sha))

    def _new_tree(
        self,
        h: Any,
        method: str,
        repo: str,
        state: Repo,
        groups: Any,
        query: Any,
        payload: Any,
        login: Any,
    ) -> None:
        base = payload.get("base_tree")
        if method != "POST" or (base is not None and base not in state.trees):
            return h._send(422, {"message": "base_tree is not a valid tree", "status": "422"})
        files = dict(state.trees[base]) if base else {}
        for entry in payload.get("tree", []):
            if (
                entry.get("type") != "blob"
                or "content" not in entry
                or entry.get("mode") != "100644"
            ):
                return h._send(422, {"message": "Invalid tree info", "status": "422"})
            files[entry["path"]] = entry["content"]
        sha = self._tree(state, files)
        return h._send(
            201,
            {
                "sha": sha,
                "url": f"{self.api_url}/repos/{repo}/git/trees/{sha}",
                "truncated": False,
                "tree": [
                    {
                        "path": p,
                        "mode": "100644",
                        "type": "blob",
                        "sha": _sha("blob", t),
                        "size": len(t),
                    }
                    for p, t in sorted(files.items())
                ],
            },
        )

    def _pull_body(self, repo: str, state: Repo, pull: dict[str, Any]) -> dict[str, Any]:
        owner = repo.split("/", maxsplit=1)[0]
        head_ref = pull["head"]["ref"]
        return {
            **pull,
            "url": f"{self.api_url}/repos/{repo}/pulls/{pull['number']}",
            "html_url": f"{self.host}/{repo}/pull/{pull['number']}",
            "issue_url": f"{self.api_url}/repos/{repo}/issues/{pull['number']}",
            "head": {
                "ref": head_ref,
                "label": f"{owner}:{head_ref}",
                "sha": state.branches.get(head_ref, pull["head"].get("sha")),
            },
            "base": {
                "ref": pull["base"]["ref"],
                "label": f"{owner}:{pull['base']['ref']}",
                "sha": state.branches[pull["base"]["ref"]],
            },
        }

    def _pulls(
        self,
        h: Any,
        method: str,
        repo: str,
        state: Repo,
        groups: Any,
        query: dict[str, list[str]],
        payload: Any,
        login: str | None,
    ) -> None:
        owner = repo.split("/", maxsplit=1)[0]
        if method == "GET":
            wanted = query.get("state", ["open"])[0]
            head = query.get("head", [None])[0]
            base = query.get("base", [None])[0]
            found = [
                self._pull_body(repo, state, p)
                for p in state.pulls
                if wanted in ("all", p["state"])
                and (head is None or f"{owner}:{p['head']['ref']}" == head)
                and (base is None or p["base"]["ref"] == base)
            ]
            return h._page(f"/repos/{repo}/pulls", found, query)
        head, base = payload.get("head"), payload.get("base")
        if head not in state.branches or base not in state.branches:
            return h._send(
                422,
                {
                    "message": "Validation Failed",
                    "errors": [{"resource": "PullRequest", "field": "head", "code": "invalid"}],
                },
            )
        if any(
            p["state"] == "open" and p["head"]["ref"] == head and p["base"]["ref"] == base
            for p in state.pulls
        ):
            return h._send(
                422,
                {
                    "message": "Validation Failed",
                    "errors": [
                        {
                            "resource": "PullRequest",
                            "code": "custom",
                            "message": f"A pull request already exists for {owner}:{head}.",
                        }
                    ],
                },
            )
        number = len(state.pulls) + 1
        pull = {
            "id": 90000 + number,
            "node_id": f"PR_{repo}_{number}",
            "number": number,
            "state": "open",
            "title": payload.get("title", ""),
            "body": payload.get("body"),
            "user": {"login": login or "github-actions[bot]", "id": 1, "type": "User"},
            "head": {"ref": head},
            "base": {"ref": base},
            "merged": False,
            "merged_at": None,
            "draft": False,
            "auto_merge": None,
            "created_at": _now(),
            "updated_at": _now(),
        }
        state.pulls.append(pull)
        return h._send(201, self._pull_body(repo, state, pull))

    def _pull(
        self,
        h: Any,
        method: str,
        repo: str,
        state: Repo,
        groups: tuple[str, ...],
        query: Any,
        payload: Any,
        login: Any,
    ) -> None:
        pull = next((p for p in state.pulls if p["number"] == int(groups[0])), None)
        if pull is None:
            return h._send(404, {"message": "Not Found", "status": "404"})
        if method == "PATCH":
            for key in ("title", "body", "state"):
                if key in payload:
                    pull[key] = payload[key]
            pull["updated_at"] = _now()
        return h._send(200, self._pull_body(repo, state, pull))

    def _graphql(self, h: Any, payload: Any, login: str | None) -> None:
        variables = (payload.get("variables") or {}).get("input") or {}
        query = str(payload.get("query", ""))
        node = variables.get("pullRequestId")
        for _repo, state in self.repos.items():
            for pull in state.pulls:
                if pull["node_id"] == node and "enablePullRequestAutoMerge" in query:
                    head = state.branches.get(pull["head"]["ref"])
                    if variables.get("expectedHeadOid") not in (None, head):
                        return h._send(
                            200,
                            {
                                "data": None,
                                "errors": [
                                    {
                                        "type": "UNPROCESSABLE",
                                        "message": "Head sha didn't match expected head sha",
                                    }
                                ],
                            },
                        )
                    state.auto_merge.append({"number": pull["number"], **variables})
                    pull["auto_merge"] = {
                        "merge_method": variables.get("mergeMethod", "MERGE").lower()
                    }
                    actor = {
                        "avatarUrl": "",
                        "login": login or "github-actions[bot]",
                        "resourcePath": "",
                        "url": "",
                    }
                    return h._send(
                        200,
                        {
                            "data": {
                                "enablePullRequestAutoMerge": {
                                    "actor": actor,
                                    "clientMutationId": None,
                                }
                            }
                        },
                    )
        return h._send(
            200,
            {
                "data": None,
                "errors": [
                    {
                        "type": "NOT_FOUND",
                        "message": f"Could not resolve to a node with the global id of '{node}'",
                    }
                ],
            },
        )


def _ancestors(state: Repo, sha: str) -> set[str]:
    seen, todo = set(), [sha]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo += state.commits[current]["parents"]
    return seen


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
