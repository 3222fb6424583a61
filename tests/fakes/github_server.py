"""A stateful fake of the GitHub REST endpoints mlgate calls, served over real HTTP on
loopback, answering with GitHub's documented shapes: objects, `Link` pagination,
rate-limit headers and error bodies. PyGithub talks to it exactly as to github.com or a
GitHub Enterprise Server (`/api/v3`)."""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from github_git import GitRepos

NOT_FOUND = {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}
READ_ONLY = {
    "message": "Resource not accessible by integration",
    "documentation_url": "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
    "status": "403",
}


@dataclass
class Fault:
    """Answer the next request matching ``method`` and ``path_part`` with this, once."""

    method: str
    path_part: str
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    apply: bool = False  # do the work, then answer with the fault anyway (a lost reply)
    delay: float = 0.0  # seconds to wait before answering (a slow or hung server)


@dataclass
class State:
    users: dict[str, str | None] = field(default_factory=dict)  # token → login (None: app token)
    read_only: set[str] = field(default_factory=set)
    comments: dict[tuple[str, int], list[dict[str, Any]]] = field(default_factory=dict)
    statuses: list[dict[str, Any]] = field(default_factory=list)
    pulls: dict[int, str] = field(default_factory=dict)  # number → head sha
    pull_authors: dict[int, str] = field(default_factory=dict)
    head_moves: dict[int, list[str]] = field(
        default_factory=dict
    )  # heads served after the first read
    reviews: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    permissions: dict[str, str] = field(default_factory=dict)  # login → admin/write/read/none
    issues: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # repo → issues
    dispatches: list[dict[str, Any]] = field(default_factory=list)
    repository_dispatches: list[dict[str, Any]] = field(default_factory=list)
    run_approvals: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # run id →
    workflows: set[str] = field(default_factory=lambda: {"retrain.yml"})
    absent_repos: set[str] = field(default_factory=set)  # GET /repos/{repo} answers 404
    faults: list[Fault] = field(default_factory=list)
    log: list[tuple[str, str]] = field(default_factory=list)
    next_id: int = 1000


class FakeGitHub:
    def __init__(self, *, prefix: str = "/api/v3") -> None:
        self.state = State()
        self.prefix = prefix
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.host = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.api_url = self.host + prefix
        self.git = GitRepos(self.api_url, self.host)  # repositories with files (deploy)
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- seeding -----------------------------------------------------------------------

    def add_comment(self, repo: str, number: int, *, login: str, body: str) -> dict[str, Any]:
        with self.lock:
            return self._new_comment(repo, number, login, body)

    def add_review(
        self, number: int, *, login: str, state: str, commit_id: str, bot: bool = False
    ) -> None:
        with self.lock:
            self.state.next_id += 1
            user = _user(login, self.api_url)
            if bot:
                user["type"] = "Bot"
            self.state.reviews.setdefault(number, []).append(
                {
                    "id": self.state.next_id,
                    "node_id": f"PRR_{self.state.next_id}",
                    "user": user,
                    "body": "",
                    "state": state,
                    "commit_id": commit_id,
                    "author_association": "MEMBER",
                    "submitted_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "html_url": f"{self.host}/pull/{number}#pullrequestreview-{self.state.next_id}",
                    "pull_request_url": f"{self.api_url}/pulls/{number}",
                }
            )

    def add_issue(self, repo: str, *, login: str, title: str, body: str) -> dict[str, Any]:
        with self.lock:
            return self._new_issue(repo, login, {"title": title, "body": body})

    def add_run_approval(
        self,
        run_id: int,
        *,
        login: str,
        environment: str,
        state: str = "approved",
        comment: str = "",
        bot: bool = False,
    ) -> None:
        """A review of a run's pending deployment, as GET …/runs/{id}/approvals lists it."""
        with self.lock:
            user = _user(login, self.api_url)
            if bot:
                user["type"] = "Bot"
            self.state.next_id += 1
            self.state.run_approvals.setdefault(run_id, []).append(
                {
                    "environments": [
                        {
                            "id": self.state.next_id,
                            "node_id": f"EN_{self.state.next_id}",
                            "name": environment,
                            "url": f"{self.api_url}/repos/environments/{environment}",
                            "html_url": f"{self.host}/deployments/{environment}",
                            "created_at": "2026-01-01T00:00:00Z",
                            "updated_at": "2026-01-01T00:00:00Z",
                        }
                    ],
                    "state": state,
                    "user": user,
                    "comment": comment,
                }
            )

    def issues(self, repo: str) -> list[dict[str, Any]]:
        return list(self.state.issues.get(repo, []))

    def comments(self, repo: str, number: int) -> list[dict[str, Any]]:
        return list(self.state.comments.get((repo, number), []))

    def requests(self) -> list[tuple[str, str]]:
        return list(self.state.log)

    # -- model -------------------------------------------------------------------------

    def _new_issue(self, repo: str, login: str, payload: dict[str, Any]) -> dict[str, Any]:
        issues = self.state.issues.setdefault(repo, [])
        number = len(issues) + 1 + len({n for (r, n) in self.state.comments if r == repo})
        self.state.next_id += 1
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        issue = {
            "id": self.state.next_id,
            "node_id": f"I_{self.state.next_id}",
            "number": number,
            "title": payload["title"],
            "body": payload.get("body"),
            "state": "open",
            "state_reason": None,
            "locked": False,
            "labels": [
                {"id": i, "name": name, "color": "ededed", "default": False}
                for i, name in enumerate(payload.get("labels", []))
            ],
            "user": _user(login, self.api_url),
            "comments": 0,
            "url": f"{self.api_url}/repos/{repo}/issues/{number}",
            "html_url": f"{self.host}/{repo}/issues/{number}",
            "created_at": now,
            "updated_at": now,
            "closed_at": None,
            "author_association": "NONE" if login.endswith("[bot]") else "MEMBER",
        }
        issues.append(issue)
        return issue

    def _new_comment(self, repo: str, number: int, login: str, body: str) -> dict[str, Any]:
        self.state.next_id += 1
        cid = self.state.next_id
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        comment = {
            "id": cid,
            "node_id": f"IC_{cid}",
            "url": f"{self.api_url}/repos/{repo}/issues/comments/{cid}",
            "html_url": f"{self.host}/{repo}/pull/{number}#issuecomment-{cid}",
            "issue_url": f"{self.api_url}/repos/{repo}/issues/{number}",
            "body": body,
            "user": _user(login, self.api_url),
            "created_at": now,
            "updated_at": now,
            "author_association": "NONE" if login.endswith("[bot]") else "MEMBER",
        }
        self.state.comments.setdefault((repo, number), []).append(comment)
        return comment


def _user(login: str, api: str) -> dict[str, Any]:
    return {
        "login": login,
        "id": abs(hash(login)) % 10**8,
        "node_id": f"U_{login}",
        "type": "Bot" if login.endswith("[bot]") else "User",
        "url": f"{api}/users/{login}",
        "html_url": f"https://github.com/{login}",
        "site_admin": False,
    }


def _handler(fake: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self._route()

        def do_POST(self) -> None:
            self._route()

        def do_PATCH(self) -> None:
            self._route()

        def do_DELETE(self) -> None:
            self._route()

        def _route(self) -> None:
            url = urlparse(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            payload = json.loads(self.rfile.read(length) or b"{}") if length else {}
            with fake.lock:
                fake.state.log.append((self.command, url.path))
                for fault in fake.state.faults:
                    if fault.method == self.command and fault.path_part in url.path:
                        fake.state.faults.remove(fault)
                        if fault.delay:
                            fake.lock.release()
                            try:
                                time.sleep(fault.delay)
                            finally:
                                fake.lock.acquire()
                        if fault.apply:
                            token = (self.headers.get("Authorization") or "").split(" ")[-1]
                            path = url.path.removeprefix(fake.prefix)
                            self._dispatch(path, parse_qs(url.query), payload, token, reply=False)
                        return self._send(fault.status, fault.body, fault.headers)
                token = (self.headers.get("Authorization") or "").split(" ")[-1]
                if token not in fake.state.users:
                    return self._send(
                        401,
                        {
                            "message": "Bad credentials",
                            "documentation_url": "https://docs.github.com/rest",
                        },
                    )
                path = url.path.removeprefix(fake.prefix)
                return self._dispatch(path, parse_qs(url.query), payload, token)

        def _dispatch(
            self,
            path: str,
            query: dict[str, list[str]],
            payload: dict[str, Any],
            token: str,
            *,
            reply: bool = True,
        ) -> None:
            if not reply:  # apply the change, swallow the answer
                send, self._send = self._send, lambda *args, **kwargs: None  # type: ignore[method-assign]
                try:
                    return self._dispatch(path, query, payload, token)
                finally:
                    self._send = send  # type: ignore[method-assign]
            login = fake.state.users[token]
            if self.command == "GET" and path == "/user":
                if login is None or login.endswith("[bot]"):
                    return self._send(403, READ_ONLY)
                return self._send(200, _user(login, fake.api_url))
            if self._git_route(path, query, payload, token):
                return None
            if self.command == "GET" and self._read_only_route(path, query):
                return None
            writing = self.command != "GET"
            if writing and token in fake.state.read_only:
                return self._send(403, READ_ONLY)
            if match := re.fullmatch(r"/repos/([^/]+/[^/]+)/issues/(\d+)/comments", path):
                repo, number = match.group(1), int(match.group(2))
                if not writing:
                    return self._page(path, fake.comments(repo, number), query)
                author = login or "github-actions[bot]"
                return self._send(201, fake._new_comment(repo, number, author, payload["body"]))
            if self._issue_route(path, query, payload, login):
                return None
            if match := re.fullmatch(r"/repos/([^/]+/[^/]+)/issues/comments/(\d+)", path):
                return self._comment(int(match.group(2)), payload)
            if match := re.fullmatch(r"/repos/([^/]+/[^/]+)/statuses/([0-9a-f]{7,40})", path):
                return self._status(match.group(2), payload, login)
            return self._send(404, NOT_FOUND)

        def _git_route(
            self, path: str, query: dict[str, list[str]], payload: dict[str, Any], token: str
        ) -> bool:
            """A repository with files (github_git.py), or the GraphQL endpoint."""
            repo = "/".join(path.split("/")[2:4]) if path.startswith("/repos/") else None
            if path != "/api/graphql" and repo not in fake.git.repos:
                return False
            if self.command != "GET" and token in fake.state.read_only:
                self._send(403, READ_ONLY)
                return True
            return bool(
                fake.git.route(self, self.command, path, query, payload, fake.state.users[token])
            )

        def _issue_route(
            self, path: str, query: dict[str, list[str]], payload: dict[str, Any], login: str | None
        ) -> bool:
            """Issues (list, open, read, edit) and workflow dispatches."""
            writing = self.command != "GET"
            if match := re.fullmatch(r"/repos/([^/]+/[^/]+)/issues", path):
                repo = match.group(1)
                if not writing:
                    state = query.get("state", ["open"])[0]
                    found = [i for i in fake.issues(repo) if state in ("all", i["state"])]
                    self._page(path, found, query)
                else:
                    self._send(201, fake._new_issue(repo, login or "github-actions[bot]", payload))
            elif match := re.fullmatch(r"/repos/([^/]+/[^/]+)/issues/(\d+)", path):
                self._issue(match.group(1), int(match.group(2)), payload)
            elif match := re.fullmatch(r"/repos/([^/]+/[^/]+)/dispatches", path):
                self._repository_dispatch(match.group(1), payload)
            elif match := re.fullmatch(
                r"/repos/([^/]+/[^/]+)/actions/workflows/([^/]+)/dispatches", path
            ):
                if match.group(2) not in fake.state.workflows:
                    self._send(404, NOT_FOUND)
                elif "ref" not in payload:
                    self._send(422, {"message": "Invalid request: ref is required"})
                else:
                    fake.state.dispatches.append({"workflow": match.group(2), **payload})
                    self._send(204, None)
            else:
                return False
            return True

        def _repository_dispatch(self, repo: str, payload: dict[str, Any]) -> None:
            event_type = payload.get("event_type")
            client_payload = payload.get("client_payload", {})
            if not isinstance(event_type, str) or not 1 <= len(event_type) <= 100:
                self._send(422, {"message": "Invalid request: event_type is invalid"})
            elif not isinstance(client_payload, dict) or len(client_payload) > 10:
                self._send(422, {"message": "client_payload: no more than 10 properties"})
            else:
                fake.state.repository_dispatches.append({"repo": repo, **payload})
                self._send(204, None)

        def _read_only_route(self, path: str, query: dict[str, list[str]]) -> bool:
            """Repositories, pull requests, their reviews and collaborator permissions."""
            if match := re.fullmatch(r"/repos/([^/]+/[^/]+)", path):
                repo = match.group(1)
                if repo in fake.state.absent_repos:
                    self._send(404, NOT_FOUND)
                    return True
                self._send(
                    200,
                    {
                        "id": 77,
                        "name": repo.split("/")[1],
                        "full_name": repo,
                        "default_branch": "main",
                        "url": f"{fake.api_url}/repos/{repo}",
                        "html_url": f"{fake.host}/{repo}",
                        "private": False,
                    },
                )
            elif match := re.fullmatch(r"/repos/([^/]+/[^/]+)/pulls/(\d+)", path):
                self._pull(match.group(1), int(match.group(2)))
            elif match := re.fullmatch(r"/repos/([^/]+/[^/]+)/actions/runs/(\d+)/approvals", path):
                self._send(200, fake.state.run_approvals.get(int(match.group(2)), []))
            elif match := re.fullmatch(r"/repos/([^/]+/[^/]+)/pulls/(\d+)/reviews", path):
                self._page(path, fake.state.reviews.get(int(match.group(2)), []), query)
            elif match := re.fullmatch(
                r"/repos/([^/]+/[^/]+)/collaborators/([^/]+)/permission", path
            ):
                user = match.group(2)
                permission = fake.state.permissions.get(user)
                if permission is None:
                    self._send(404, NOT_FOUND)
                else:
                    self._send(
                        200,
                        {
                            "permission": permission,
                            "role_name": permission,
                            "user": _user(user, fake.api_url),
                        },
                    )
            else:
                return False
            return True

        def _pull(self, repo: str, number: int) -> None:
            sha = fake.state.pulls.get(number)
            if sha is None:
                return self._send(404, NOT_FOUND)
            moves = fake.state.head_moves.get(number)
            if moves:  # the next read sees the pushed commit
                fake.state.pulls[number] = moves.pop(0)
            owner = repo.split("/", maxsplit=1)[0]
            author = fake.state.pull_authors.get(number, owner)
            ref = {
                "sha": sha,
                "ref": "feature",
                "label": f"{owner}:feature",
                "user": _user(owner, fake.api_url),
            }
            return self._send(
                200,
                {
                    "id": number * 7,
                    "number": number,
                    "state": "open",
                    "title": "a PR",
                    "url": f"{fake.api_url}/repos/{repo}/pulls/{number}",
                    "html_url": f"{fake.host}/{repo}/pull/{number}",
                    "head": ref,
                    "base": {**ref, "sha": "b" * 40, "ref": "main"},
                    "user": _user(author, fake.api_url),
                },
            )

        def _issue(self, repo: str, number: int, payload: dict[str, Any]) -> None:
            for issue in fake.issues(repo):
                if issue["number"] != number:
                    continue
                if self.command == "PATCH":
                    for key in ("title", "body", "state", "state_reason"):
                        if key in payload:
                            issue[key] = payload[key]
                    if payload.get("state") == "closed":
                        issue["closed_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
                    issue["updated_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
                return self._send(200, issue)
            pulls = fake.git.repos[repo].pulls if repo in fake.git.repos else []
            pull = next((p for p in pulls if p["number"] == number), None)
            if pull is not None and self.command == "GET":  # a pull request is an issue too
                api = f"{fake.api_url}/repos/{repo}"
                return self._send(
                    200,
                    {
                        **{k: pull[k] for k in ("id", "number", "state", "title", "body", "user")},
                        "url": f"{api}/issues/{number}",
                        "html_url": f"https://github.com/{repo}/pull/{number}",
                        "comments_url": f"{api}/issues/{number}/comments",
                        "pull_request": {"url": f"{api}/pulls/{number}"},
                    },
                )
            return self._send(404, NOT_FOUND)

        def _comment(self, cid: int, payload: dict[str, Any]) -> None:
            for comments in fake.state.comments.values():
                for comment in comments:
                    if comment["id"] != cid:
                        continue
                    if self.command == "PATCH":
                        comment["body"] = payload["body"]
                        comment["updated_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
                        return self._send(200, comment)
                    if self.command == "DELETE":
                        comments.remove(comment)
                        return self._send(204, None)
            return self._send(404, NOT_FOUND)

        def _status(self, sha: str, payload: dict[str, Any], login: str | None) -> None:
            status = {
                "id": len(fake.state.statuses) + 1,
                "sha": sha,
                "state": payload["state"],
                "context": payload.get("context", "default"),
                "description": payload.get("description"),
                "target_url": payload.get("target_url"),
                "creator": _user(login or "github-actions[bot]", fake.api_url),
            }
            fake.state.statuses.append(status)
            return self._send(201, status)

        def _page(
            self, path: str, items: list[dict[str, Any]], query: dict[str, list[str]]
        ) -> None:
            per_page = min(int(query.get("per_page", ["30"])[0]), 100)
            page = int(query.get("page", ["1"])[0])
            last = max(1, -(-len(items) // per_page))
            chunk = items[(page - 1) * per_page : page * per_page]
            kept = "".join(
                f"{key}={values[0]}&"
                for key, values in query.items()
                if key not in ("page", "per_page")
            )
            base = f"{fake.api_url}{path}?{kept}per_page={per_page}&page="
            links = []
            if page < last:
                links += [f'<{base}{page + 1}>; rel="next"', f'<{base}{last}>; rel="last"']
            if page > 1:
                links += [f'<{base}1>; rel="first"', f'<{base}{page - 1}>; rel="prev"']
            self._send(200, chunk, {"Link": ", ".join(links)} if links else {})

        def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            data = b"" if body is None else json.dumps(body).encode()
            reply = {
                "Content-Type": "application/json; charset=utf-8",
                "X-RateLimit-Limit": "5000",
                "X-RateLimit-Remaining": "4999",
                "X-RateLimit-Reset": str(int(time.time()) + 3600),
                "X-RateLimit-Used": "1",
                "X-RateLimit-Resource": "core",
            }
            for key, value in (headers or {}).items():  # a fault's headers replace the defaults
                for existing in [k for k in reply if k.lower() == key.lower()]:
                    del reply[existing]
                reply[key] = value
            self.send_response(status)
            for key, value in reply.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler
