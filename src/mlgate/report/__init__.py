"""Rendering a Verdict: Markdown for PRs/MRs, plain text for terminals."""
