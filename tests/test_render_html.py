"""The HTML report: one self-contained page, every fact escaped, one row per result with its whole trace."""

from __future__ import annotations

import base64
import copy
import hashlib
import importlib.resources
import json
import re
import shutil
import subprocess
import tomllib
from html.parser import HTMLParser

import pytest

from annexa.engine import api
from annexa.engine.render_html import render_html

from conftest import FIXTURES, PENDING_POLICY_RULE, REPO_ROOT, hostile_owner_report, report_of

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
HOSTILE = f"{SCRIPT} \"><img src=x onerror=alert(2)> ' onmouseover='alert(3)' a | b\nc"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
URL_ATTRIBUTES = {"src", "href", "srcset", "action", "formaction", "poster", "background", "xlink:href", "data"}

OWNER_RULE = """\
- id: t.owner
  control: A.3.2
  title: Every AI system's owner is Alice
  severity: major
  for_each: {in: ai_systems, as: system}
  check: {all: [{exists: system.owner}, {equals: {path: system.owner, value: Alice}}]}
  remediation: Name Alice the owner.
"""


class Page(HTMLParser):
    """A strict reading: every element closed in order, and what a test needs collected on the way."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.rows: list[dict] = []
        self.raw: dict[str, list[str]] = {"script": [], "style": []}
        self.text: list[str] = []
        self.feed(html)
        self.close()
        if self.stack:
            self.errors.append(f"unclosed: {self.stack}")

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "tr" and attributes.get("class") == "result":
            self.rows.append({"attrs": attributes, "trace_nodes": 0, "start": len(self.stack)})
        if tag == "li" and (attributes.get("class") or "").startswith("outcome-") and self.rows:
            self.rows[-1]["trace_nodes"] += 1
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] in self.raw:
            self.raw[self.stack[-1]].append(data)
        else:
            self.text.append(data)

    def elements(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def trace_size(node: dict) -> int:
    return 1 + sum(trace_size(child) for child in node.get("children", []))


def hostile_everywhere(value):
    """Every string in the report replaced by the payload (keys and numbers kept)."""
    if isinstance(value, str):
        return HOSTILE
    if isinstance(value, dict):
        return {k: hostile_everywhere(v) for k, v in value.items()}
    if isinstance(value, list):
        return [hostile_everywhere(v) for v in value]
    return value


@pytest.fixture
def hostile_report(make_repo, make_pack) -> dict:
    return hostile_owner_report(make_repo, make_pack, HOSTILE, OWNER_RULE)


def assert_inert(html: str) -> Page:
    """The payload is text: no script but ours, no element or handler a fact brought in."""
    assert SCRIPT not in html
    assert ESCAPED in html
    page = Page(html)
    assert page.errors == []
    assert len(page.elements("script")) == 1 and page.elements("script")[0] == {}
    assert page.elements("img") == []
    for tag, attributes in page.tags:
        assert not any(name.startswith("on") for name in attributes), (tag, attributes)
    assert any(SCRIPT in text for text in page.text)  # shown to the reader as written
    return page


@pytest.mark.parametrize("fixture", ["harbor-logistics", "northwind-ai"])
def test_the_page_parses_and_has_one_row_per_result_in_order(fixture):
    report = report_of(FIXTURES / fixture)
    page = Page(render_html(report))
    assert page.errors == []
    groups = {c["id"]: c["group"] for c in report["controls"]}
    assert [(row["attrs"]["data-status"], row["attrs"]["data-group"]) for row in page.rows] == [
        (r["status"], groups[r["control"]]) for r in report["results"]
    ]


def test_the_header_names_the_organization_the_date_and_the_version():
    report = report_of(FIXTURES / "harbor-logistics")
    html = render_html(report)
    assert "<h1>Harbor Logistics</h1>" in html
    assert '<time datetime="2026-11-28">2026-11-28</time> · annexa 0.1.0' in html
    assert "<title>Harbor Logistics — ISO/IEC 42001 gap analysis as of 2026-11-28</title>" in html


def test_each_row_expands_to_its_whole_trace():
    report = report_of(FIXTURES / "northwind-ai")
    html = render_html(report)
    page = Page(html)
    assert [row["trace_nodes"] for row in page.rows] == [trace_size(r["trace"]) for r in report["results"]]
    assert html.count("<details>") == len(report["results"])
    nested = next(r for r in report["results"] if r["trace"].get("children"))
    for child in nested["trace"]["children"]:
        assert f'<span class="op">{child["op"]}</span>' in html


def test_trace_values_show_path_found_location_and_expected(hostile_report):
    html = render_html(hostile_report)
    assert '<dt>path</dt><dd class="mono">system.owner</dd>' in html
    assert '<dt>expected</dt><dd class="mono">Alice</dd>' in html
    assert '<dt>location</dt><dd class="mono">registers/ai-systems.yaml:9</dd>' in html
    assert '<dt>found</dt><dd class="mono">&lt;script&gt;alert(1)&lt;/script&gt; &#34;&gt;&lt;img' in html


def test_a_script_in_a_fact_renders_as_text(hostile_report):
    html = render_html(hostile_report)
    page = assert_inert(html)
    assert page.elements("h1") and f"<h1>{ESCAPED} &#34;&gt;&lt;img" in html


def test_every_string_of_the_report_hostile_still_renders_inert():
    report = hostile_everywhere(report_of(FIXTURES / "northwind-ai"))
    page = assert_inert(render_html(report))
    assert len(page.rows) == len(report["results"])
    assert all(row["attrs"]["data-status"] == HOSTILE for row in page.rows)


def test_the_page_fetches_nothing():
    html = render_html(report_of(FIXTURES / "northwind-ai"))
    page = Page(html)
    for tag, attributes in page.tags:
        assert not URL_ATTRIBUTES & set(attributes), (tag, attributes)
    assert not re.search(r"(?i)\b(src|href)\s*=\s*[\"']?\s*(https?:)?//", html)
    assert page.elements("link") == [] and page.elements("img") == [] and page.elements("iframe") == []
    style = "".join(page.raw["style"])
    assert "url(" not in style and "@import" not in style
    assert "fetch(" not in "".join(page.raw["script"]) and "XMLHttpRequest" not in html


def test_a_content_security_policy_admits_only_the_inline_style_and_script_by_hash():
    html = render_html(report_of(FIXTURES / "harbor-logistics"))
    page = Page(html)
    (policy,) = [m["content"] for m in page.elements("meta", **{"http-equiv": "Content-Security-Policy"})]
    assert policy.startswith("default-src 'none'; ")

    def sha(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    assert f"style-src {sha(''.join(page.raw['style']))};" in policy
    assert f"script-src {sha(''.join(page.raw['script']))};" in policy
    assert html.index("Content-Security-Policy") < html.index("<style>")


def test_the_results_can_be_filtered_by_status_and_group():
    report = report_of(FIXTURES / "harbor-logistics")
    page = Page(render_html(report))
    status_options = [o["value"] for o in page.elements("option")][: 2 + len(report["summary"]["results"])]
    assert status_options == ["", "gaps", *report["summary"]["results"]]
    group_options = [o["value"] for o in page.elements("option")][len(status_options) :]
    assert group_options == ["", *(g["group"] for g in report["summary"]["groups"])]
    assert {row["attrs"]["data-group"] for row in page.rows} <= set(group_options)
    assert page.elements("select", id="filter-status") and page.elements("select", id="filter-group")


def test_the_chart_has_a_bar_per_group_and_a_segment_per_status_present():
    report = report_of(FIXTURES / "harbor-logistics")
    html = render_html(report)
    page = Page(html)
    bars = page.elements("g", **{"class": "bar"})
    assert [b["data-group"] for b in bars] == [g["group"] for g in report["summary"]["groups"]]
    segments = [a for t, a in page.tags if t == "rect"]
    expected = [(s, n) for g in report["summary"]["groups"] for s, n in g["results"].items() if n]
    assert [a["class"] for a in segments] == [f"s-{s}" for s, _ in expected]
    widest = max(sum(g["results"].values()) for g in report["summary"]["groups"])
    widths = [float(a["width"]) for a in segments]
    for (_, n), width in zip(expected, widths, strict=True):
        assert width == pytest.approx(420 * n / widest, abs=0.01)
    assert "<svg " in html and "<img" not in html


def test_control_characters_are_shown_not_sent(make_repo):
    report = copy.deepcopy(report_of(make_repo()))
    report["organization"]["name"] = "Evil\x1b[2J\x07 Corp\r\nNext"
    html = render_html(report)
    assert "\x1b" not in html and "\x07" not in html and "\r" not in html
    assert "<h1>Evil\\x1b[2J\\x07 Corp\nNext</h1>" in html


def test_the_same_report_gives_the_same_bytes_even_after_a_json_round_trip():
    report = report_of(FIXTURES / "northwind-ai")
    html = render_html(report)
    assert render_html(report) == html
    assert render_html(json.loads(api.to_json(report))) == html
    assert render_html(report_of(FIXTURES / "northwind-ai")) == html


def test_the_templates_are_package_data():
    templates = importlib.resources.files("annexa.engine") / "templates"
    for name in ("report.html.j2", "report.css", "report.js"):
        assert (templates / name).is_file(), name
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "templates/*" in config["tool"]["setuptools"]["package-data"]["annexa.engine"]


FAKE_DOM = """
const rows = ROWS.map(([status, group, baseline]) => ({
  hidden: false, getAttribute: (n) => ({"data-status": status, "data-group": group, "data-baseline": baseline})[n],
}));
const listeners = {};
const control = (id) => ({value: "", addEventListener: (e, f) => { listeners[id] = f; }});
const elements = {"filter-status": control("status"), "filter-group": control("group"), shown: {textContent: ""},
                  results: {scrollIntoView: () => {}}};
globalThis.document = {
  getElementById: (id) => elements[id],
  querySelectorAll: (q) => q === "#results-table tbody tr" ? rows : [],
};
SCRIPT
const shown = () => rows.map((r, i) => r.hidden ? null : i).filter((i) => i !== null);
const out = {all: shown(), text: elements.shown.textContent};
elements["filter-status"].value = "gaps"; listeners.status(); out.gaps = shown();
elements["filter-group"].value = "A.5"; listeners.group(); out.gapsA5 = shown();
elements["filter-status"].value = "pass"; listeners.status(); out.passA5 = shown();
elements["filter-group"].value = ""; elements["filter-status"].value = "new"; listeners.status(); out.new = shown();
console.log(JSON.stringify(out));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the page's script")
def test_the_filter_script_hides_the_rows_that_do_not_match():
    report = report_of(FIXTURES / "harbor-logistics")
    earlier = copy.deepcopy(report)
    next(r for r in earlier["results"] if r["status"] == "blocked")["subject"] = "gone-since"
    report["baseline"] = api.compare(report, earlier, "main.json")
    page = Page(render_html(report))
    rows = [row["attrs"] for row in page.rows]
    triples = [(a["data-status"], a["data-group"], a.get("data-baseline")) for a in rows]
    program = FAKE_DOM.replace("ROWS", json.dumps(triples)).replace("SCRIPT", "".join(page.raw["script"]))
    done = subprocess.run(["node", "-e", program], capture_output=True, text=True, timeout=60, check=True)
    out = json.loads(done.stdout)
    pairs = [(status, group) for status, group, _ in triples]
    every = range(len(pairs))
    assert out["all"] == list(every) and out["text"] == f"{len(pairs)} of {len(pairs)} results shown"
    assert out["gaps"] == [i for i in every if pairs[i][0] in ("fail", "blocked", "waived")]
    assert out["gapsA5"] == [i for i in every if pairs[i][0] in ("fail", "blocked", "waived") and pairs[i][1] == "A.5"]
    assert out["passA5"] == [i for i in every if pairs[i] == ("pass", "A.5")]
    assert out["passA5"]
    assert out["new"] == [i for i in every if triples[i][2] == "new"] and len(out["new"]) == 1


def test_new_gaps_warnings_and_fixed_gaps_are_shown(make_repo, make_pack):
    report = report_of(FIXTURES / "harbor-logistics")
    earlier = copy.deepcopy(report)
    gaps = [r for r in earlier["results"] if r["status"] in ("fail", "blocked", "waived")]
    gaps[0]["subject"] = "gone-since"
    report["baseline"] = api.compare(report, earlier, "main.json")
    html = render_html(report)
    page = Page(html)
    assert page.errors == []
    assert [row["attrs"].get("data-baseline") for row in page.rows] == [
        r.get("baseline_state") for r in report["results"]
    ]
    assert '<option value="new">' in html and html.count('<span class="mark">new</span>') == 1
    assert f"fixed since the baseline: <code>{report['baseline']['fixed'][0]['rule']}</code>" in html
    assert "Against the baseline <code>main.json</code> of 2026-11-28: 1 new," in html
    assert '<option value="new">' not in render_html(report_of(FIXTURES / "harbor-logistics"))

    pending = make_pack(PENDING_POLICY_RULE)
    html = render_html(report_of(make_repo(), [pending], builtin=False))
    assert '<span class="mark">warning</span>' in html
    assert "<dt>in force from</dt><dd>2027-01-01</dd>" in html
