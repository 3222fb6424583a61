"""Many models: `mlgate plan` on a repository of 200 models with a 5,000-file diff (target
≤ 1 s, start-up included), beside the git commands it runs, so the ratio shows what mlgate
adds to reading git; and the summary over 200 models: its size (≤ 65,536 characters) and
the API requests one update makes against the fake GitHub (target ≤ 5).

Each plan row runs REPEAT times, interleaved; the table shows the median and the best.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "fakes"))
REPEAT = 7
MODELS = 200
FILES_PER_MODEL = 25  # 200 × 25 = 5,000 changed files
PLAN_TARGET_S = 1.0


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=b@example.com", "-c", "user.name=bench", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def build(repo: Path) -> None:
    git(repo, "init", "-q", "-b", "main")
    for i in range(MODELS):
        folder = repo / "models" / f"m{i:03d}"
        (folder / "src").mkdir(parents=True)
        extra = f"paths: ['.', '../../data/m{i:03d}/**']\n" if i % 10 == 0 else ""
        (folder / "mlgate.yml").write_text(f"model: model-{i:03d}\n{extra}")
        for j in range(FILES_PER_MODEL):
            (folder / "src" / f"f{j:02d}.py").write_text("x = 1\n")
    (repo / "mlgate-plan.yml").write_text("plan:\n  shared: ['libs/**']\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "main")
    git(repo, "checkout", "-qb", "feature")
    for i in range(MODELS):
        for j in range(FILES_PER_MODEL):
            (repo / "models" / f"m{i:03d}" / "src" / f"f{j:02d}.py").write_text("x = 2\n")
    git(repo, "commit", "-qam", "change 5,000 files")


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def plan_rows(repo: Path) -> list[tuple[str, float, float]]:
    mlgate = str(Path(sys.executable).parent / "mlgate")
    rows = {
        "git diff --name-status -z (reference)": [
            "git",
            "diff",
            "--name-status",
            "-z",
            "-M",
            "main",
            "HEAD",
        ],
        "git ls-files (reference)": ["git", "ls-files", "-z", "--cached", "--others"],
        "mlgate plan --format json": [mlgate, "plan", "--base", "main"],
        "mlgate plan --format github": [mlgate, "plan", "--base", "main", "--format", "github"],
        "mlgate plan --format gitlab": [mlgate, "plan", "--base", "main", "--format", "gitlab"],
    }
    times: dict[str, list[float]] = {name: [] for name in rows}
    for _ in range(REPEAT):
        for name, command in rows.items():
            times[name].append(timed(command, repo))
    return [(name, statistics.median(t), min(t)) for name, t in times.items()]


def summary_figures() -> tuple[int, int, list[str]]:
    """(characters, API requests, the requests) for one summary update of 200 models on a
    thread that already holds their 200 reports and the summary."""
    from github_server import FakeGitHub

    from mlgate.core.comments import CommentMode
    from mlgate.core.summary import ModelVerdict, Summary, summarize
    from mlgate.publish.summary import publish_summary
    from mlgate.report.summary import render_summary

    bot = "github-actions[bot]"
    fake = FakeGitHub()
    fake.state.users["bench-token"] = bot
    fake.state.pulls[7] = "a" * 40
    verdicts = {}
    for i in range(MODELS):
        name = f"model-{i:03d}-{'x' * 40}"
        comment = fake.add_comment(
            "acme/ml", 7, login=bot, body=f"<!-- mlgate:report model={name} -->\n"
        )
        verdicts[name] = ModelVerdict(
            model=name,
            passed=i % 9 != 0,
            status="pass" if i % 9 else "fail",
            headline="passed" if i % 9 else "failed: accuracy, f1",
            comment_url=comment["html_url"],
            version=str(i + 2),
        )
    summary = summarize(sorted(verdicts), verdicts)
    body = render_summary(summary, max_chars=65_536, run_url="https://github.example.com/r/1")
    with tempfile.TemporaryDirectory() as out:
        event = Path(out) / "event.json"
        event.write_text('{"pull_request": {"number": 7, "head": {"sha": "' + "a" * 40 + '"}}}')
        env = {
            "GITHUB_ACTIONS": "true",
            "GITHUB_TOKEN": "bench-token",
            "GITHUB_API_URL": fake.api_url,
            "GITHUB_REPOSITORY": "acme/ml",
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_EVENT_NAME": "pull_request",
        }
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)

        def update(rolled_up: Summary) -> None:
            publish_summary(
                rolled_up,
                platform="github",
                mode=CommentMode.UPDATE,
                status=True,
                out_dir=Path(out),
                number=7,
                author=bot,
            )

        try:
            update(summary)  # the first: creates it
            # The rerun: one model's verdict changed, so the comment is edited.
            flipped = sorted(verdicts)[1]
            verdicts[flipped] = ModelVerdict(
                model=flipped, passed=False, status="fail", headline="failed: auc"
            )
            before = len(fake.requests())
            update(summarize(sorted(verdicts), verdicts))
            made = fake.requests()[before:]
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
            fake.close()
    return len(body), len(made), [f"{m} {p.split('?')[0]}" for m, p in made]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        repo = Path(folder)
        build(repo)
        rows = plan_rows(repo)
    reference = rows[0][1]
    print(
        f"mlgate plan: {MODELS} models, {MODELS * FILES_PER_MODEL:,}-file diff, {REPEAT} runs each"
    )
    print(f"{'command':<40} {'median s':>9} {'best s':>8} {'× git diff':>10}")
    for name, median, best in rows:
        print(f"{name:<40} {median:>9.3f} {best:>8.3f} {median / reference:>10.1f}")
    worst = max(m for name, m, _ in rows if name.startswith("mlgate"))
    verdict = "met" if worst <= PLAN_TARGET_S else "MISSED"
    print(f"target: ≤ {PLAN_TARGET_S:.1f} s — {verdict} ({worst:.3f} s)")
    chars, requests, made = summary_figures()
    print()
    print(f"mlgate summary: {MODELS} models")
    fits = "met" if chars <= 65_536 else "MISSED"
    print(f"{'comment characters':<40} {chars:>9,} (limit 65,536: {fits})")
    few = "met" if requests <= 5 else "MISSED"
    print(f"{'API requests for one update':<40} {requests:>9} (target ≤ 5: {few})")
    for line in made:
        print(f"  {line}")


if __name__ == "__main__":
    main()
