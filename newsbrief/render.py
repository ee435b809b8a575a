"""A brief as text for the terminal, JSON, Markdown or one self-contained HTML page."""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from functools import cache
from typing import Literal

import jinja2

from .records import Brief

Format = Literal["text", "json", "markdown", "html"]
FORMATS: tuple[Format, ...] = ("text", "json", "markdown", "html")
EXTENSIONS: dict[Format, str] = {"text": "txt", "json": "json", "markdown": "md", "html": "html"}


def render(brief: Brief, fmt: Format, *, indent: int | None = 2) -> str:
    """`brief` in format `fmt`; JSON is `Brief.to_dict()`, the same dict everywhere."""
    if fmt == "json":
        return json.dumps(brief.to_dict(), ensure_ascii=False, indent=indent)
    if fmt == "html":
        return _template("brief.html").render(brief=brief, data=brief.to_dict())
    if fmt == "markdown":
        return _markdown(brief)
    return _text(brief)


@cache
def _template(name: str) -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("newsbrief", "templates"),
        autoescape=True,  # article text is untrusted: everything is escaped
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template(name)


def _dateline(brief: Brief) -> str:
    a = brief.article
    parts = [a.dateline or (a.published.isoformat(timespec="minutes") if a.published else "")]
    parts += [a.source.author or "", a.source.outlet or ""]
    return " · ".join(p for p in parts if p)


def _text(brief: Brief) -> str:
    width = min(shutil.get_terminal_size((88, 24)).columns, 88)
    wrap = textwrap.TextWrapper(width=width)
    lines: list[str] = [brief.headline or "(no headline)"]
    if dateline := _dateline(brief):
        lines.append(dateline)
    lines += [f"Related: {r}" for r in brief.article.related]
    if brief.lede:
        lines += ["", brief.lede.label.upper(), *wrap.wrap(brief.lede.text)]
    for section in brief.sections:
        lines.append("")
        if section.label:
            lines.append(section.label.text.upper())
        if section.takeaway:
            lines.append(f"» {section.takeaway.text}")
        for para in section.text.split("\n\n"):
            lines += wrap.wrap(para) + [""]
        lines.pop()
    if brief.summary.bullets:
        lines += ["", "SUMMARY"]
        lines += [f"• {line}" for b in brief.summary.bullets
                  for line in [wrap.fill(b.text).replace("\n", "\n  ")]]
    for title, rows in _facts(brief):
        lines += ["", title, *(wrap.fill(f"• {row}").replace("\n", "\n  ") for row in rows)]
    return "\n".join(lines)


def _facts(brief: Brief) -> list[tuple[str, list[str]]]:
    """People, quotes and the timeline as plain lines, for the text and Markdown views."""
    people = [", ".join(x for x in (p.name, p.role, p.affiliation) if x) for p in brief.people]
    quotes = [f"“{q.text}” — {q.speaker or 'unattributed'}" for q in brief.quotes
              if q.kind == "full"]
    timeline = [f"{t.date or 'upcoming'}: {t.event} ({t.as_written})" for t in brief.timeline]
    return [(title, rows) for title, rows in
            (("PEOPLE", people), ("QUOTES", quotes), ("TIMELINE", timeline)) if rows]


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def _markdown(brief: Brief) -> str:
    out = [f"# {_md(brief.headline or '(no headline)')}", ""]
    if dateline := _dateline(brief):
        out += [f"*{_md(dateline)}*", ""]
    if brief.article.related:
        out += ["Related: " + "; ".join(_md(r) for r in brief.article.related), ""]
    if brief.lede:
        out += [f"## {_md(brief.lede.label)}", "", _md(brief.lede.text), ""]
    for section in brief.sections:
        if section.label:
            out += [f"## {_md(section.label.text)}", ""]
        if section.takeaway:
            out += [f"**{_md(section.takeaway.text)}**", ""]
        out += [_md(section.text), ""]
    if brief.summary.bullets:
        out += ["## Summary", ""] + [f"- {_md(b.text)}" for b in brief.summary.bullets] + [""]
    for title, rows in _facts(brief):
        out += [f"## {title.capitalize()}", ""] + [f"- {_md(row)}" for row in rows] + [""]
    return "\n".join(out)
