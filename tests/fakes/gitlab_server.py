"""A stateful fake of the GitLab REST (v4) endpoints mlgate calls, over real HTTP on
loopback, answering with GitLab's documented shapes and pagination headers (X-Page,
X-Total-Pages, X-Next-Page, Link). python-gitlab talks to it as to gitlab.com or a
self-managed instance; ``prefix`` puts it under a sub-path like a relative-URL install."""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from gitlab_git import GitProjects

FORBIDDEN = {"message": "403 Forbidden"}
UNAUTHORIZED = {"message": "401 Unauthorized"}
NOT_FOUND = {"message": "404 Not Found"}


@dataclass
class Fault:
    method: str
    path_part: str
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    apply: bool = False  # do the work, then answer with the fault anyway (a lost reply)


@dataclass
class State:
    users: dict[str, str] = field(default_factory=dict)  # private token → username
    job_tokens: set[str] = field(default_factory=set)
    notes: dict[tuple[str, int], list[dict[str, Any]]] = field(default_factory=dict)
    statuses: list[dict[str, Any]] = field(default_factory=list)
    mrs: dict[int, dict[str, Any]] = field(default_factory=dict)  # iid → {sha, author}
    approvals: dict[int, dict[str, Any]] = field(default_factory=dict)  # iid → {left, by}
    protected_environments: set[str] = field(default_factory=set)
    issues: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # project → issues
    issue_notes: dict[tuple[str, int], list[dict[str, Any]]] = field(default_factory=dict)
    pipelines: list[dict[str, Any]] = field(default_factory=list)
    trigger_tokens: set[str] = field(default_factory=set)
    absent_projects: set[str] = field(default_factory=set)  # GET /projects/:id answers 404
    faults: list[Fault] = field(default_factory=list)
    log: list[tuple[str, str]] = field(default_factory=list)
    next_id: int = 5000


class FakeGitLab:
    def __init__(self, *, prefix: str = "") -> None:
        self.state = State()
        self.lock = threading.Lock()
        self.prefix = prefix
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{prefix}"
        self.api_url = f"{self.url}/api/v4"
        self.git = GitProjects(self.url)  # projects with files (deploy)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add_note(
        self, project: str, iid: int, *, username: str, body: str, system: bool = False
    ) -> dict[str, Any]:
        with self.lock:
            return self._new_note(project, iid, username, body, system=system)

    def add_issue(self, project: str, *, username: str, title: str, body: str) -> dict[str, Any]:
        with self.lock:
            return self._new_issue(project, username, {"title": title, "description": body})

    def issues(self, project: str) -> list[dict[str, Any]]:
        return list(self.state.issues.get(project, []))

    def _new_issue(self, project: str, username: str, payload: dict[str, Any]) -> dict[str, Any]:
        issues = self.state.issues.setdefault(project, [])
        self.state.next_id += 1
        iid = len(issues) + 1
        now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        labels = payload.get("labels") or ""
        issue = {
            "id": self.state.next_id,
            "iid": iid,
            "project_id": int(project) if project.isdigit() else 42,
            "title": payload["title"],
            "description": payload.get("description"),
            "state": "opened",
            "labels": labels.split(",") if isinstance(labels, str) and labels else list(labels),
            "author": _author(username, self.url),
            "created_at": now,
            "updated_at": now,
            "closed_at": None,
            "web_url": f"{self.url}/acme/churn/-/issues/{iid}",
        }
        issues.append(issue)
        return issue

    def notes(self, project: str, iid: int) -> list[dict[str, Any]]:
        return list(self.state.notes.get((project, iid), []))

    def _new_note(
        self, project: str, iid: int, username: str, body: str, *, system: bool = False
    ) -> dict[str, Any]:
        self.state.next_id += 1
        now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        note = {
            "id": self.state.next_id,
            "type": None,
            "body": body,
            "attachment": None,
            "author": _author(username, self.url),
            "created_at": now,
            "updated_at": now,
            "system": system,
            "noteable_id": iid * 10,
            "noteable_type": "MergeRequest",
            "noteable_iid": iid,
            "resolvable": False,
            "confidential": False,
            "internal": False,
            "project_id": int(project) if project.isdigit() else 1,
        }
        self.state.notes.setdefault((project, iid), []).append(note)
        return note


def _author(username: str, url: str) -> dict[str, Any]:
    return {
        "id": abs(hash(username)) % 10**6,
        "username": username,
        "name": username,
        "state": "active",
        "avatar_url": None,
        "web_url": f"{url}/{username}",
    }


def _handler(fake: FakeGitLab) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self._route()

        do_POST = do_PUT = do_DELETE = do_GET

        def _route(self) -> None:
            url = urlparse(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            payload = _payload(raw, self.headers.get("Content-Type", ""))
            with fake.lock:
                fake.state.log.append((self.command, url.path))
                for fault in fake.state.faults:
                    if fault.method == self.command and fault.path_part in url.path:
                        fake.state.faults.remove(fault)
                        if fault.apply:
                            user = fake.state.users.get(self.headers.get("PRIVATE-TOKEN", ""), "")
                            path = url.path.removeprefix(fake.prefix).removeprefix("/api/v4")
                            send, self._send = self._send, lambda *a, **k: None  # type: ignore[method-assign]
                            try:
                                self._dispatch(path, parse_qs(url.query), payload, user)
                            finally:
                                self._send = send  # type: ignore[method-assign]
                        return self._send(fault.status, fault.body, fault.headers)
                path = url.path.removeprefix(fake.prefix).removeprefix("/api/v4")
                trigger = re.fullmatch(r"/projects/([^/]+)/trigger/pipeline", path)
                if trigger and self.command == "POST":  # authenticated by the token in the body
                    return self._trigger(unquote(trigger.group(1)), payload)
                private = self.headers.get("PRIVATE-TOKEN")
                job = self.headers.get("JOB-TOKEN")
                if private in fake.state.users:
                    return self._dispatch(
                        path, parse_qs(url.query), payload, fake.state.users[private]
                    )
                if job in fake.state.job_tokens:
                    return self._send(403, FORBIDDEN)  # a job token may not touch notes or /user
                return self._send(401, UNAUTHORIZED)

        def _dispatch(
            self, path: str, query: dict[str, list[str]], payload: dict[str, Any], user: str
        ) -> None:
            if self.command == "GET" and path == "/user":
                return self._send(200, {"id": 1, "username": user, "name": user, "state": "active"})
            if fake.git.route(self, self.command, path, query, payload, user):
                return None
            if self._issue_route(path, query, payload, user):
                return None
            if match := re.fullmatch(r"/projects/([^/]+)/merge_requests/(\d+)/notes", path):
                project, iid = unquote(match.group(1)), int(match.group(2))
                if self.command == "GET":
                    return self._page(path, fake.notes(project, iid), query)
                return self._send(201, fake._new_note(project, iid, user, payload["body"]))
            if match := re.fullmatch(r"/projects/([^/]+)/merge_requests/(\d+)/notes/(\d+)", path):
                return self._note(
                    unquote(match.group(1)), int(match.group(2)), int(match.group(3)), payload
                )
            if match := re.fullmatch(r"/projects/([^/]+)/merge_requests/(\d+)", path):
                return self._mr(int(match.group(2)))
            if match := re.fullmatch(r"/projects/([^/]+)/merge_requests/(\d+)/approvals", path):
                iid = int(match.group(2))
                state = fake.state.approvals.get(iid, {"left": 1, "by": []})
                return self._send(
                    200,
                    {
                        "id": iid * 10,
                        "iid": iid,
                        "project_id": 42,
                        "approved": state["left"] == 0,
                        "approvals_required": state["left"] + len(state["by"]),
                        "approvals_left": state["left"],
                        "approved_by": [
                            {"user": {"id": i, "username": u, "name": u, "state": "active"}}
                            for i, u in enumerate(state["by"])
                        ],
                    },
                )
            if match := re.fullmatch(r"/projects/([^/]+)/protected_environments/([^/]+)", path):
                name = unquote(match.group(2))
                if name not in fake.state.protected_environments:
                    return self._send(404, NOT_FOUND)
                return self._send(
                    200, {"name": name, "deploy_access_levels": [{"access_level": 40}]}
                )
            if match := re.fullmatch(r"/projects/([^/]+)/statuses/([0-9a-f]{7,40})", path):
                status = {
                    "id": len(fake.state.statuses) + 1,
                    "sha": match.group(2),
                    **payload,
                    "author": {"username": user},
                }
                fake.state.statuses.append(status)
                return self._send(201, status)
            return self._send(404, NOT_FOUND)

        def _issue_route(
            self, path: str, query: dict[str, list[str]], payload: dict[str, Any], user: str
        ) -> bool:
            """The project, its issues and their notes, and new pipelines."""
            if match := re.fullmatch(r"/projects/([^/]+)", path):
                self._project(unquote(match.group(1)))
            elif match := re.fullmatch(r"/projects/([^/]+)/issues", path):
                project = unquote(match.group(1))
                if self.command == "GET":
                    state = query.get("state", ["all"])[0]
                    found = [i for i in fake.issues(project) if state in ("all", i["state"])]
                    self._page(path, found, query)
                else:
                    self._send(201, fake._new_issue(project, user, payload))
            elif match := re.fullmatch(r"/projects/([^/]+)/issues/(\d+)", path):
                self._issue(unquote(match.group(1)), int(match.group(2)), payload)
            elif match := re.fullmatch(r"/projects/([^/]+)/issues/(\d+)/notes", path):
                key = (unquote(match.group(1)), int(match.group(2)))
                notes = fake.state.issue_notes.setdefault(key, [])
                if self.command == "GET":
                    self._page(path, notes, query)
                else:
                    fake.state.next_id += 1
                    note = {
                        "id": fake.state.next_id,
                        "body": payload["body"],
                        "author": _author(user, fake.url),
                        "system": False,
                        "noteable_type": "Issue",
                        "noteable_iid": key[1],
                    }
                    notes.append(note)
                    self._send(201, note)
            elif match := re.fullmatch(r"/projects/([^/]+)/pipeline", path):
                if not payload.get("ref"):
                    self._send(400, {"message": {"ref": ["can't be blank"]}})
                else:
                    pipeline = {
                        "id": 900 + len(fake.state.pipelines),
                        "ref": payload["ref"],
                        "status": "created",
                        "source": "api",
                        "variables": payload.get("variables", []),
                        "web_url": f"{fake.url}/acme/churn/-/pipelines/{900 + len(fake.state.pipelines)}",
                    }
                    fake.state.pipelines.append(pipeline)
                    self._send(201, {k: v for k, v in pipeline.items() if k != "variables"})
            else:
                return False
            return True

        def _project(self, project: str) -> None:
            if project in fake.state.absent_projects:
                return self._send(404, {"message": "404 Project Not Found"})
            return self._send(
                200,
                {
                    "id": 42,
                    "path_with_namespace": project,
                    "default_branch": "main",
                    "web_url": f"{fake.url}/acme/churn",
                },
            )

        def _trigger(self, project: str, payload: dict[str, Any]) -> None:
            if payload.get("token") not in fake.state.trigger_tokens:
                return self._send(404, NOT_FOUND)
            if not payload.get("ref"):
                return self._send(400, {"message": {"ref": ["can't be blank"]}})
            variables = payload.get("variables") or {}
            # JSON gives {"variables": {KEY: value}}; a form, variables[KEY]=value.
            variables.update(
                {k[10:-1]: v for k, v in payload.items() if k.startswith("variables[")}
            )
            pipeline_id = 900 + len(fake.state.pipelines)
            pipeline = {
                "id": pipeline_id,
                "iid": len(fake.state.pipelines) + 1,
                "project_id": 42,
                "ref": payload["ref"],
                "sha": "c" * 40,
                "status": "created",
                "source": "trigger",
                "web_url": f"{fake.url}/acme/churn/-/pipelines/{pipeline_id}",
            }
            fake.state.pipelines.append({**pipeline, "project": project, "variables": variables})
            return self._send(201, pipeline)

        def _issue(self, project: str, iid: int, payload: dict[str, Any]) -> None:
            for issue in fake.issues(project):
                if issue["iid"] != iid:
                    continue
                if self.command == "PUT":
                    for key in ("title", "description"):
                        if key in payload:
                            issue[key] = payload[key]
                    event = payload.get("state_event")
                    if event in ("close", "reopen"):
                        issue["state"] = "closed" if event == "close" else "opened"
                    issue["updated_at"] = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
                return self._send(200, issue)
            return self._send(404, NOT_FOUND)

        def _mr(self, iid: int) -> None:
            mr = fake.state.mrs.get(iid)
            if mr is None:
                return self._send(404, NOT_FOUND)
            return self._send(
                200,
                {
                    "id": iid * 10,
                    "iid": iid,
                    "project_id": 42,
                    "state": "opened",
                    "title": "an MR",
                    "sha": mr["sha"],
                    "author": {"id": 7, "username": mr["author"], "name": mr["author"]},
                    "web_url": f"{fake.url}/acme/churn/-/merge_requests/{iid}",
                    "source_branch": "feature",
                    "target_branch": "main",
                },
            )

        def _note(self, project: str, iid: int, nid: int, payload: dict[str, Any]) -> None:
            notes = fake.state.notes.get((project, iid), [])
            for note in notes:
                if note["id"] == nid:
                    if self.command == "PUT":
                        note["body"] = payload["body"]
                        return self._send(200, note)
                    if self.command == "DELETE":
                        notes.remove(note)
                        return self._send(204, None)
                    return self._send(200, note)
            return self._send(404, NOT_FOUND)

        def _page(
            self, path: str, items: list[dict[str, Any]], query: dict[str, list[str]]
        ) -> None:
            per_page = min(int(query.get("per_page", ["20"])[0]), 100)
            page = int(query.get("page", ["1"])[0])
            pages = max(1, -(-len(items) // per_page))
            chunk = items[(page - 1) * per_page : page * per_page]
            kept = "".join(
                f"{key}={values[0]}&"
                for key, values in query.items()
                if key not in ("page", "per_page")
            )
            base = f"http://127.0.0.1:{fake.server.server_address[1]}{fake.prefix}/api/v4{path}?{kept}per_page={per_page}&page="
            links = [f'<{base}1>; rel="first"', f'<{base}{pages}>; rel="last"']
            headers = {
                "X-Page": str(page),
                "X-Per-Page": str(per_page),
                "X-Total": str(len(items)),
                "X-Total-Pages": str(pages),
                "X-Next-Page": str(page + 1) if page < pages else "",
                "X-Prev-Page": str(page - 1) if page > 1 else "",
            }
            if page < pages:
                links.insert(0, f'<{base}{page + 1}>; rel="next"')
            if page > 1:
                links.insert(0, f'<{base}{page - 1}>; rel="prev"')
            headers["Link"] = ", ".join(links)
            self._send(200, chunk, headers)

        def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("RateLimit-Limit", "2000")
            self.send_header("RateLimit-Remaining", "1999")
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _payload(raw: bytes, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    if "json" in content_type:
        return dict(json.loads(raw))
    return {k: v[0] for k, v in parse_qs(raw.decode()).items()}
