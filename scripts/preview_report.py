"""Render a report as GitHub would show it, to look at before calling a change done.

    python scripts/preview_report.py report.md out.html --mermaid-js PATH/mermaid.min.js \
        --css PATH/github-markdown-light.css
    chromium --headless --no-sandbox --screenshot=out.png --window-size=1000,2400 out.html

Markdown goes through cmark-gfm (GitHub's renderer); ```mermaid blocks are drawn by the
npm `mermaid` package and styled with `github-markdown-css`, both from a local install.
"""

from __future__ import annotations

import argparse
import html
import re
from pathlib import Path

import cmarkgfm
from cmarkgfm.cmark import Options

PAGE = """<!doctype html><html><head><meta charset="utf-8">
<style>{css}</style><style>body{{margin:0}}
.markdown-body{{max-width:880px;margin:24px auto;padding:24px;
border:1px solid #d0d7de;border-radius:6px}}</style></head>
<body><article class="markdown-body">{body}</article>
<script>{mermaid}</script>
<script>mermaid.initialize({{startOnLoad:false}}); mermaid.run({{querySelector:'pre.mermaid'}})
.then(()=>document.title='rendered');</script></body></html>"""


def to_html(markdown: str) -> str:
    body = cmarkgfm.github_flavored_markdown_to_html(
        markdown, options=Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_GITHUB_PRE_LANG
    )
    return re.sub(
        r'<pre lang="mermaid"><code>(.*?)</code></pre>',
        lambda m: f'<pre class="mermaid">{html.escape(html.unescape(m.group(1)))}</pre>',
        body,
        flags=re.S,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--mermaid-js", type=Path, required=True)
    parser.add_argument("--css", type=Path, required=True)
    args = parser.parse_args()
    page = PAGE.format(
        css=args.css.read_text(encoding="utf-8"),
        body=to_html(args.report.read_text(encoding="utf-8")),
        mermaid=args.mermaid_js.read_text(encoding="utf-8"),
    )
    args.out.write_text(page, encoding="utf-8")


if __name__ == "__main__":
    main()
