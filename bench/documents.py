"""Markdown documents of the synthetic organization (front matter plus body).

The benchmark needs documents that look like the real thing, because the engine
parses their front matter and looks for headings; the texts are short and our own.
Each function returns (front matter, body) so generate.py decides where they go.
"""

from __future__ import annotations

import datetime as dt

import vocabulary as voc

Document = tuple[dict, str]

# The manifest's named documents: name -> (path, title, headings).
NAMED_DOCUMENTS = {
    "ai_policy": (
        "docs/ai-policy.md",
        "AI policy",
        ["Purpose", "Scope", "Commitments", "Roles and responsibilities", "Relationship to other policies"],
    ),
    "impact_assessment_process": (
        "docs/impact-assessment-process.md",
        "AI system impact assessment process",
        ["Purpose", "Scope", "When to assess", "Method", "Approval and records"],
    ),
    "ai_risk_procedure": (
        "docs/ai-risk-procedure.md",
        "AI risk assessment and treatment procedure",
        ["Purpose", "Risk criteria", "Assessment", "Treatment", "Review"],
    ),
    "ai_lifecycle_procedure": (
        "docs/ai-lifecycle-procedure.md",
        "Responsible AI development and use procedure",
        ["Purpose", "Stages and gates", "Verification and validation", "Deployment", "Operation"],
    ),
    "data_management_procedure": (
        "docs/data-management-procedure.md",
        "Data for AI systems procedure",
        ["Purpose", "Acquisition", "Quality", "Provenance", "Preparation"],
    ),
    "incident_procedure": (
        "docs/ai-incident-procedure.md",
        "AI incident handling and communication procedure",
        ["Purpose", "Detection", "Communication", "Closure"],
    ),
    "concern_reporting_procedure": (
        "docs/reporting-concerns.md",
        "Reporting concerns about AI",
        ["Purpose", "How to report", "Protection of reporters", "Handling"],
    ),
}

PARAGRAPHS = {
    "Purpose": "This document sets out how {org} governs the matter named in its title, "
    "so that decisions are consistent, recorded and open to review.",
    "Scope": "It applies to every AI system inside the AI management system scope, whether "
    "built in-house, bought, or operated for customers.",
    "Commitments": "We commit to assess the impact of each AI system before release and after "
    "every significant change, to keep people in control of consequential decisions, to "
    "meet applicable legal requirements, and to improve this management system continually.",
    "Roles and responsibilities": "Each AI system has a named owner. The Head of AI Governance "
    "maintains this policy; the executive committee approves it.",
    "Relationship to other policies": "Where this policy and the security or data protection "
    "policies overlap, the stricter requirement applies; the policy owners settle conflicts.",
    "When to assess": "Before a new system is released, after each significant change, and at "
    "least once a year for systems in operation.",
}
DEFAULT_PARAGRAPH = "Owners follow the steps below and record the outcome in the registers."


def body(title: str, headings: list[str], org: str) -> str:
    """Render a Markdown body: a title, then each heading with one paragraph."""
    parts = [f"# {title}\n"]
    for heading in headings:
        text = PARAGRAPHS.get(heading, DEFAULT_PARAGRAPH).format(org=org)
        parts.append(f"## {heading}\n\n{text}\n")
    return "\n".join(parts)


def approval(as_of: dt.date, age_days: int, interval: int, approver: int, role: str | None = None) -> dict:
    """Front-matter fields recording approval and review, `age_days` before `as_of`.

    `role` overrides the approver's job title with a role category that rules
    compare against, such as `top_management`.
    """
    name, title = voc.EXECUTIVES[approver]
    approved_on = as_of - dt.timedelta(days=age_days + 30)
    return {
        "approved_by": name,
        "approver_role": role or title,
        "approved_on": approved_on,
        "status": "approved",
        "review_interval_days": interval,
        "last_reviewed": as_of - dt.timedelta(days=age_days),
    }


def named_document(name: str, as_of: dt.date, owner: str) -> Document:
    """One of the manifest's named documents, approved and reviewed within the year."""
    _, title, headings = NAMED_DOCUMENTS[name]
    front = {"title": title, "id": name.replace("_", "-"), "owner": owner, "version": "2.1"}
    age = 40 + 25 * list(NAMED_DOCUMENTS).index(name)
    if name == "ai_policy":
        front |= approval(as_of, age, 365, 0, role="top_management")
    else:
        front |= approval(as_of, age, 365, 4)
    if name == "ai_policy":
        front["related_policies"] = [
            "Information security policy",
            "Data protection policy",
            "Code of conduct",
        ]
    front["classification"] = "internal"
    return front, body(title, headings, voc.ORGANIZATION["name"])


def platform_document(platform: str, stem_title: str, as_of: dt.date, owner: str) -> Document:
    """A per-platform document that the systems built on that platform point to."""
    title = f"{voc.PLATFORMS[platform]}: {stem_title}"
    front = {"title": title, "owner": owner, "version": 3}
    front |= approval(as_of, 60 + 7 * len(stem_title), 365, 3)
    headings = ["Overview", "Applicable systems", "Details", "Change history"]
    return front, body(title, headings, voc.ORGANIZATION["name"])


def assessment_document(assessment: dict, system_name: str) -> Document:
    """The full impact assessment of one system; the register entry summarizes it."""
    front = {
        "title": f"Impact assessment: {system_name}",
        "id": assessment["id"],
        "owner": assessment["assessor"],
        "status": "approved" if "approved_by" in assessment else "in_review",
        "applies_to": [assessment["system"]],
        "classification": "confidential",
    }
    for field in ("approved_by", "approved_on"):
        if field in assessment:
            front[field] = assessment[field]
    headings = ["System and context", "Affected people", "Consequences", "Mitigations", "Conclusion"]
    return front, body(front["title"], headings, voc.ORGANIZATION["name"])


def render(front: dict, text: str, dump) -> str:
    """Join YAML front matter and Markdown body the way editors and the engine expect."""
    return f"---\n{dump(front)}---\n\n{text}"
