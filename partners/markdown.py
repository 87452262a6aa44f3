"""Markdown of forum posts and pages: markdown-it-py (raw HTML off), then nh3's allow-list."""

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(text: str) -> str:
    return nh3.clean(_md.render(text), link_rel="nofollow noopener noreferrer")
