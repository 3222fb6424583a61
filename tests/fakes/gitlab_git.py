"""The fake GitLab's projects with content: branches, raw files, the commits API with
actions (``start_sha``, ``force``), merge requests (list by source branch, open, edit,
close, merge when the pipeline succeeds) — what ``mlgate deploy`` calls, in GitLab's v4
shapes and with its refusals (a second open MR for a branch is a 409, an existing branch
without ``force`` a 400, a token without the Developer role a 403)."""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote


@dataclass
class Project:
    branches: dict[str, str] = field(default_factory=dict)  # name → commit id
    commits: dict[str, dict[str, Any]] = field(
        default_factory=dict
    )  # id → {files, parents, message}
    mrs: list[dict[str, Any]] = field(default_factory=list)
    merges: list[dict[str, Any]] = field(default_factory=list)


class GitProjects:
    def __init__(self, url: str) -> None:
        self.projects: dict[str, Project] = {}
        self.reporters: set[str] = set()  # users who may read but not push
        self.url = url

    def seed(self, project: str, files: dict[str, str], *, branch: str = "main") -> str:
        state = self.projects.setdefault(project, Project())
        parent = state.branches.get(branch)
        merged = {**(state.commits[parent]["files"] if parent else {}), **files}
        sha = self._commit(state, merged, [parent] if parent else [], "seed")
        state.branches[branch] = sha
        return sha

    def files(self, project: str, ref: str) -> dict[str, str]:
        state = self.projects[project]
        return dict(state.commits[state.branches.get(ref, ref)]["files"])

    def merge(self, project: str, iid: int) -> None:
        state = self.projects[project]
        mr = next(m for m in state.mrs if m["iid"] == iid)
        merged = {
            **self.files(project, mr["target_branch"]),
            **self.files(project, mr["source_branch"]),
        }
        base = state.branches[mr["target_branch"]]
        state.branches[mr["target_branch"]] = self._commit(
            state, merged, [base, state.branches[mr["source_branch"]]], f"Merge !{iid}"
        )
        mr.update(state="merged", merged_at=_now())

    def _commit(
        self, state: Project, files: dict[str, str], parents: list[str], message: str
    ) -> str:
        sha = hashlib.sha1(
            repr((sorted(files.items()), parents, message, time.time_ns())).encode()
        ).hexdigest()
        state.commits[sha] = {"files": dict(files), "parents": parents, "message": message}
        return sha

    def route(
        self,
        handler: Any,
        method: str,
        path: str,
        query: dict[str, list[str]],
        payload: Any,
        user: str,
    ) -> bool:
        match = re.fullmatch(r"/projects/([^/]+)(/.*)?", path)
        if match is None or unquote(match.group(1)) not in self.projects:
            return False
        project, rest = unquote(match.group(1)), match.group(2) or ""
        state = self.projects[project]
        if method != "GET" and user in self.reporters:
            handler._send(403, {"message": "403 Forbidden"})
            return True
        for pattern, action in (
            (r"", self._project),
            (r"/repository/branches/([^/]+)", self._branch),
            (r"/repository/files/([^/]+)/raw", self._raw),
            (r"/repository/commits", self._new_commit),
            (r"/merge_requests", self._mrs),
            (r"/merge_requests/(\d+)", self._mr),
            (r"/merge_requests/(\d+)/merge", self._merge),
        ):
            if found := re.fullmatch(pattern, rest):
                action(handler, method, project, state, found.groups(), query, payload, user)
                return True
        return False

    def _project(self, h: Any, method: str, project: str, state: Project, *_: Any) -> None:
        h._send(
            200,
            {
                "id": 77,
                "path_with_namespace": project,
                "default_branch": "main",
                "web_url": f"{self.url}/{project}",
            },
        )

    def _commit_body(self, project: str, state: Project, sha: str) -> dict[str, Any]:
        commit = state.commits[sha]
        return {
            "id": sha,
            "short_id": sha[:8],
            "title": commit["message"].splitlines()[0] if commit["message"] else "",
            "message": commit["message"],
            "parent_ids": commit["parents"],
            "author_name": "mlgate",
            "created_at": _now(),
            "web_url": f"{self.url}/{project}/-/commit/{sha}",
        }

    def _branch(
        self, h: Any, method: str, project: str, state: Project, groups: tuple[str, ...], *_: Any
    ) -> None:
        name = unquote(groups[0])
        if name not in state.branches:
            return h._send(404, {"message": "404 Branch Not Found"})
        return h._send(
            200,
            {
                "name": name,
                "merged": False,
                "protected": name == "main",
                "default": name == "main",
                "commit": self._commit_body(project, state, state.branches[name]),
                "web_url": f"{self.url}/{project}/-/tree/{name}",
            },
        )

    def _raw(
        self,
        h: Any,
        method: str,
        project: str,
        state: Project,
        groups: tuple[str, ...],
        query: dict[str, list[str]],
        *_: Any,
    ) -> None:
        ref = query.get("ref", ["main"])[0]
        sha = state.branches.get(ref, ref)
        text = state.commits[sha]["files"].get(unquote(groups[0])) if sha in state.commits else None
        if text is None:
            return h._send(404, {"message": "404 File Not Found"})
        data = text.encode()
        h.send_response(200)
        h.send_header("Content-Type", "text/plain; charset=utf-8")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)
        return None

    def _new_commit(
        self,
        h: Any,
        method: str,
        project: str,
        state: Project,
        groups: Any,
        query: Any,
        payload: Any,
        user: str,
    ) -> None:
        branch = payload.get("branch")
        start = payload.get("start_sha") or state.branches.get(
            payload.get("start_branch") or branch or ""
        )
        if method != "POST" or not branch or start not in state.commits:
            return h._send(
                400, {"message": "You can only create or edit files when you are on a branch"}
            )
        if (
            branch in state.branches
            and (payload.get("start_sha") or payload.get("start_branch"))
            and not payload.get("force")
        ):
            return h._send(
                400,
                {
                    "message": f"A branch called '{branch}' already exists. Switch to that branch in order to make changes"
                },
            )
        files = dict(state.commits[start]["files"])
        for action in payload.get("actions", []):
            path = action.get("file_path")
            if action.get("action") == "update" and path not in files:
                return h._send(400, {"message": f"A file with this name doesn't exist: {path}"})
            if action.get("action") not in ("update", "create"):
                return h._send(400, {"message": "Unsupported action"})
            files[path] = action.get("content", "")
        sha = self._commit(state, files, [start], str(payload.get("commit_message", "")))
        state.branches[branch] = sha
        return h._send(201, self._commit_body(project, state, sha))

    def _mr_body(self, project: str, state: Project, mr: dict[str, Any]) -> dict[str, Any]:
        return {
            **mr,
            "sha": state.branches.get(mr["source_branch"]),
            "web_url": f"{self.url}/{project}/-/merge_requests/{mr['iid']}",
        }

    def _mrs(
        self,
        h: Any,
        method: str,
        project: str,
        state: Project,
        groups: Any,
        query: dict[str, list[str]],
        payload: Any,
        user: str,
    ) -> None:
        if method == "GET":
            wanted = query.get("state", ["all"])[0]
            found = [
                self._mr_body(project, state, m)
                for m in state.mrs
                if wanted in ("all", m["state"])
                and m["source_branch"] == query.get("source_branch", [m["source_branch"]])[0]
                and m["target_branch"] == query.get("target_branch", [m["target_branch"]])[0]
            ]
            return h._page(f"/projects/{project}/merge_requests", found, query)
        source, target = payload.get("source_branch"), payload.get("target_branch")
        if source not in state.branches or target not in state.branches:
            return h._send(400, {"message": ["Source branch does not exist"]})
        for mr in state.mrs:
            if (
                mr["state"] == "opened"
                and mr["source_branch"] == source
                and mr["target_branch"] == target
            ):
                return h._send(
                    409,
                    {
                        "message": [
                            f"Another open merge request already exists for this source branch: !{mr['iid']}"
                        ]
                    },
                )
        iid = len(state.mrs) + 1
        mr = {
            "id": 70000 + iid,
            "iid": iid,
            "project_id": 77,
            "title": payload.get("title", ""),
            "description": payload.get("description"),
            "state": "opened",
            "source_branch": source,
            "target_branch": target,
            "author": {"id": 9, "username": user, "name": user},
            "merge_when_pipeline_succeeds": False,
            "force_remove_source_branch": bool(payload.get("remove_source_branch")),
            "created_at": _now(),
            "updated_at": _now(),
        }
        state.mrs.append(mr)
        return h._send(201, self._mr_body(project, state, mr))

    def _mr(
        self,
        h: Any,
        method: str,
        project: str,
        state: Project,
        groups: tuple[str, ...],
        query: Any,
        payload: Any,
        user: str,
    ) -> None:
        mr = next((m for m in state.mrs if m["iid"] == int(groups[0])), None)
        if mr is None:
            return h._send(404, {"message": "404 Not found"})
        if method == "PUT":
            for key in ("title", "description"):
                if key in payload:
                    mr[key] = payload[key]
            if payload.get("state_event") == "close":
                mr["state"] = "closed"
            mr["updated_at"] = _now()
        return h._send(200, self._mr_body(project, state, mr))

    def _merge(
        self,
        h: Any,
        method: str,
        project: str,
        state: Project,
        groups: tuple[str, ...],
        query: Any,
        payload: Any,
        user: str,
    ) -> None:
        mr = next((m for m in state.mrs if m["iid"] == int(groups[0])), None)
        if mr is None or method != "PUT":
            return h._send(404, {"message": "404 Not found"})
        # GitLab reads parameters from the query string or the body alike.
        payload = {**{k: v[0] for k, v in query.items()}, **payload}
        if str(payload.get("merge_when_pipeline_succeeds")).lower() == "true":
            payload["merge_when_pipeline_succeeds"] = True
        if payload.get("sha") and payload["sha"] != state.branches.get(mr["source_branch"]):
            return h._send(409, {"message": "SHA does not match HEAD of source branch"})
        state.merges.append({"iid": mr["iid"], **payload})
        mr["merge_when_pipeline_succeeds"] = bool(payload.get("merge_when_pipeline_succeeds"))
        return h._send(200, self._mr_body(project, state, mr))


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
