"""The HTML report: one self-contained page to share with a client.

A header, the summary, an inline SVG bar chart of result status by control
group, the controls with their status, and a table of every result that can
be filtered by status and group, each row expanding to its full trace.

The page loads nothing: CSS and a few lines of JavaScript are inlined, and a
Content-Security-Policy of `default-src 'none'` admits only those two, by
hash, so even a fact that slipped through escaping could neither run script
nor fetch anything. Facts are escaped by jinja2's autoescaping, never by
string concatenation, and control characters in them are shown as `\\xNN`.
The page is a pure function of the report: the same report gives
byte-identical HTML.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import cache

import jinja2
from markupsafe import Markup

from .errors import safe_lines
from .report import rules_by_id

TEMPLATE = "report.html.j2"

# Chart geometry, in SVG user units.
_LABEL_WIDTH = 360
_BAR_WIDTH = 420
_COUNT_WIDTH = 40
_ROW = 22
_BAR_HEIGHT = 16

_LINE_BREAKS = re.compile(r"\r\n?")
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # what safe_lines escapes, carriage returns among them


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("annexa.engine", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_shown,
    )
    env.filters["words"] = _words
    env.filters["counts"] = lambda counts: ", ".join(f"{n} {_words(name)}" for name, n in counts.items())
    env.filters["location"] = lambda loc: f"{loc['file']}:{loc['line']}"
    env.filters["value"] = _value
    return env


def _asset(name: str) -> str:
    env = _environment()
    source, _, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
    return source


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return Markup(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")


def _words(name: str) -> str:
    return str(name).replace("_", " ")


def _value(value: object) -> str:
    """A found or expected value: strings as they are, anything else as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _shown(value: object) -> object:
    """Every interpolated string: line breaks normalized, control characters shown as `\\xNN`."""
    if isinstance(value, Markup) or not isinstance(value, str) or not _UNSAFE.search(value):
        return value
    return safe_lines(_LINE_BREAKS.sub("\n", value))


def _chart(report: dict) -> dict:
    groups = report["summary"]["groups"]
    widest = max((sum(g["results"].values()) for g in groups), default=0) or 1
    bar_x = _LABEL_WIDTH
    bars = []
    for i, g in enumerate(groups):
        y = i * _ROW + (_ROW - _BAR_HEIGHT) // 2
        x = float(bar_x)
        segments = []
        for status, count in g["results"].items():
            if count:
                width = _BAR_WIDTH * count / widest
                segments.append({"status": status, "count": count, "x": f"{x:.2f}", "width": f"{width:.2f}"})
                x += width
        bars.append(
            {
                "group": g["group"],
                "title": g["title"],
                "counts": g["results"],
                "total": sum(g["results"].values()),
                "segments": segments,
                "y": y,
                "text_y": i * _ROW + _ROW // 2 + 4,
                "end_x": f"{x + 6:.2f}",
            }
        )
    return {
        "width": _LABEL_WIDTH + _BAR_WIDTH + _COUNT_WIDTH,
        "height": max(len(groups), 1) * _ROW,
        "bar_x": bar_x,
        "bar_height": _BAR_HEIGHT,
        "bars": bars,
    }


def render_html(report: dict) -> str:
    """The report as one self-contained HTML page."""
    groups = {c["id"]: c["group"] for c in report["controls"]}
    rules = rules_by_id(report)
    rows = [{"result": r, "rule": rules[r["rule"]], "group": groups.get(r["control"], "")} for r in report["results"]]
    assessed = [c for c in report["controls"] if c["status"] != "not_assessed"]
    style, script = _asset("report.css"), _asset("report.js")
    return (
        _environment()
        .get_template(TEMPLATE)
        .render(
            report=report,
            baseline=report.get("baseline"),
            rows=rows,
            assessed=assessed,
            not_assessed=report["summary"]["controls"]["not_assessed"],
            catalog_size=sum(report["summary"]["controls"].values()),
            chart=_chart(report),
            style=Markup(style),
            script=Markup(script),
            style_hash=_csp_hash(style),
            script_hash=_csp_hash(script),
        )
    )
