"""Generate a synthetic governance repository of N AI systems for the benchmark.

Usage:
    python bench/generate.py --systems 1000 --out bench/out/org-1000 [--seed 1]
    python bench/generate.py --check bench/out/org-1000

The organization is fictional but shaped like a real one: most records are in
order, some are stale or incomplete (an impact assessment older than the last
change, an overdue monitoring review, an expired waiver), so a check run
exercises both passing and failing paths. Each register is one YAML file
(ai_systems.yaml is about 16 MB at 10,000 systems, under the engine's 64 MiB
cap); the Markdown is seven named procedures, seven documents per platform
shared by its systems, and one impact-assessment document per assessed system. Every key exists in
engine/schemas/facts.schema.yaml; `--check` proves it with jsonschema.
The same seed gives byte-identical files; dates are relative to AS_OF.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import documents as docs
import vocabulary as voc

AS_OF = dt.date(2026, 11, 28)
ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "controls" / "catalog.yaml"
STAGES = ["concept", "design", "development", "verification", "deployment", "operation", "retired"]
STAGE_WEIGHTS = [3, 5, 10, 6, 4, 64, 8]
ROLE_SETS = [
    (["provider", "producer"], 35),
    (["producer"], 10),
    (["provider"], 12),
    (["customer"], 30),
    (["customer", "partner"], 5),
    (["provider", "producer", "partner"], 8),
]
LIKELIHOOD = ["rare", "unlikely", "possible", "likely", "almost_certain"]
CONSEQUENCE = ["negligible", "minor", "moderate", "major", "severe"]
LEVELS = ["low", "medium", "high", "critical"]


class Dumper(yaml.CSafeDumper):
    """C dumper that writes short scalar lists in flow style, as people write them."""

    def ignore_aliases(self, data: object) -> bool:
        """People do not write anchors; a shared date object must not become one."""
        return True


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    flow = 0 < len(data) <= 6 and all(isinstance(x, str | int | float | bool) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


Dumper.add_representer(list, _represent_list)


def dump(data: object) -> str:
    """Serialize in key order (insertion order is the order a reader expects)."""
    return yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100)


class Org:
    """Builds one organization; all randomness comes from one seeded generator."""

    def __init__(self, systems: int, seed: int) -> None:
        self.n = systems
        self.rng = random.Random(seed)
        self.width = max(5, len(str(systems)))
        self.people = self._people(min(max(systems // 20, 30), 600))
        self.suppliers = self._supplier_ids(min(max(systems // 40, 8), 300))
        self.customers = self._customer_ids(min(max(systems // 50, 5), 200))
        self.systems: list[dict] = []
        self.roles: dict[str, list[str]] = {}
        self.nonconformities: list[dict] = []
        self.assessments: list[dict] = []

    # ---- helpers -------------------------------------------------------------

    def ago(self, low: int, high: int) -> dt.date:
        """A date between `high` and `low` days before AS_OF."""
        return AS_OF - dt.timedelta(days=self.rng.randint(low, high))

    def after(self, day: dt.date, low: int, high: int) -> dt.date:
        """A date `low`..`high` days after `day`, never later than AS_OF."""
        return min(day + dt.timedelta(days=self.rng.randint(low, high)), AS_OF)

    def date(self, day: dt.date) -> dt.date | str:
        """Most dates stay unquoted; a few are quoted strings, as hand-edited files have."""
        return day.isoformat() if self.rng.random() < 0.03 else day

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def person(self) -> str:
        return self.rng.choice(self.people)[0]

    def executive(self) -> str:
        return self.rng.choice(voc.EXECUTIVES[1:])[0]

    def _people(self, count: int) -> list[tuple[str, str]]:
        names = [f"{f} {last}" for last in voc.LAST_NAMES for f in voc.FIRST_NAMES]
        self.rng.shuffle(names)
        return [(names[i], voc.JOB_TITLES[i % len(voc.JOB_TITLES)]) for i in range(count)]

    def _supplier_ids(self, count: int) -> list[str]:
        return [f"sup-{i + 1:03d}" for i in range(count)]

    def _customer_ids(self, count: int) -> list[str]:
        return [f"cust-{i + 1:03d}" for i in range(count)]

    # ---- AI systems ------------------------------------------------------------

    def build_systems(self) -> None:
        """The inventory, plus the manifest's role of the organization for each system."""
        for i in range(self.n):
            domain = voc.DOMAINS[i % len(voc.DOMAINS)]
            function = voc.FUNCTIONS[(i // len(voc.DOMAINS) + i) % len(voc.FUNCTIONS)]
            system = self.system(i, domain, function)
            self.systems.append(system)
            roles = self.rng.choices([r for r, _ in ROLE_SETS], [w for _, w in ROLE_SETS])[0]
            self.roles[system["id"]] = list(roles)
            if "customer" in roles and not system.get("suppliers"):
                system["suppliers"] = [self.rng.choice(self.suppliers)]

    def system(self, i: int, domain: tuple, function: tuple) -> dict:
        """One AI system record of about 25 fields; later stages carry more evidence."""
        dslug, dtitle, users, affected, _ = domain
        fslug, fname, platform, use, misuse, metrics = function
        stage = self.rng.choices(STAGES, STAGE_WEIGHTS)[0]
        rank = STAGES.index(stage)
        changed = self.ago(5, 900)
        sid = f"{dslug}-{fslug}-{i + 1:0{self.width}d}"
        record: dict = {
            "id": sid,
            "name": f"{dtitle} {fname} {i + 1}",
            "description": f"{fname.capitalize()} used by the {dtitle.lower()} unit.",
            "owner": self.person(),
            "lifecycle_stage": stage,
            "intended_use": use.format(domain=dtitle.lower(), user=users[0]),
            "foreseeable_misuse": misuse,
            "users": list(users),
            "affected_parties": list(affected),
            "risk_level": self.rng.choices(["low", "medium", "high"], [40, 45, 15])[0],
            "last_significant_change": self.date(changed),
        }
        if rank >= STAGES.index("deployment"):
            record["deployed_on"] = self.date(changed - dt.timedelta(self.rng.randint(0, 700)))
        record["data_sets"] = [f"ds-{i + 1:0{self.width}d}"]
        if suppliers := self.rng.sample(self.suppliers, self.rng.choice([0, 0, 1, 1, 2])):
            record["suppliers"] = suppliers
        if customers := self.rng.sample(self.customers, self.rng.choice([0, 0, 0, 1, 2])):
            record["customers"] = customers
        record |= self.platform_links(platform, rank)
        record |= self.lifecycle_blocks(platform, rank, changed, metrics)
        record["human_oversight"] = f"{users[0].capitalize()} review outputs before they affect a person."
        record["resources"] = self.resources(domain, changed)
        if stage == "retired":
            record["notes"] = "Decommissioned; records kept for the retention period."
        return record

    def platform_links(self, platform: str, rank: int) -> dict:
        """Document fields: systems on one platform share its documentation set."""
        links = {}
        built = rank >= STAGES.index("development")
        for field, stem, _ in voc.PLATFORM_DOCUMENTS[:4]:
            if built or field == "requirements":
                links[field] = f"docs/platforms/{platform}/{stem}.md"
        if built and self.chance(0.04):
            del links["technical_documentation"]  # a realistic gap
        return links

    def lifecycle_blocks(self, platform: str, rank: int, changed: dt.date, metrics) -> dict:
        """Verification, deployment, monitoring and logging, as far as the stage reached."""
        base = f"docs/platforms/{platform}/"
        blocks: dict = {}
        stale = self.chance(0.05)
        done = changed - dt.timedelta(40) if stale else self.after(changed, 1, 20)
        if rank >= STAGES.index("verification"):
            blocks["verification"] = {
                "report": base + "verification-report.md",
                "completed_on": self.date(done),
                "approved_by": self.executive(),
                "criteria_met": not self.chance(0.04),
            }
        if rank >= STAGES.index("deployment"):
            blocks["deployment"] = {
                "plan": base + "deployment-plan.md",
                "approved_by": self.executive(),
                "approved_on": self.date(self.after(done, 1, 14)),
            }
        if STAGES[rank] in ("deployment", "operation"):
            blocks["monitoring"] = {
                "plan": base + "monitoring-plan.md",
                "metrics": list(metrics),
                "last_reviewed": self.date(self.ago(1, 220)),  # > 180 days is overdue
            }
        if rank >= STAGES.index("development"):
            blocks["event_logging"] = {
                "enabled": not self.chance(0.06),
                "retention_days": self.rng.choice([90, 180, 365, 730, 2555]),
                "events": self.rng.sample(voc.LOG_EVENTS, 4),
            }
        return blocks

    def resources(self, domain: tuple, changed: dt.date) -> dict:
        """Resource documentation (A.4): data, tooling, computing and people."""
        block = {
            "data": self.rng.sample(domain[4], 2),
            "tooling": self.rng.sample(voc.TOOLING, 3),
            "computing": self.rng.sample(voc.COMPUTING, 2),
            "people": [f"{self.rng.randint(1, 4)} ML engineers", "product owner"],
        }
        if not self.chance(0.08):
            block["documented_on"] = self.date(self.after(changed, 0, 30))
        return block

    # ---- per-system evidence ---------------------------------------------------------

    def impact_assessment(self, system: dict) -> dict:
        """One assessment per system; about one in eight predates the last change."""
        changed = _as_date(system["last_significant_change"])
        stale = self.chance(0.12)
        on = changed - dt.timedelta(self.rng.randint(20, 400)) if stale else self.after(changed, 0, 45)
        record = {
            "id": f"ia-{_serial(system)}",
            "system": system["id"],
            "assessed_on": self.date(on),
            "assessor": self.person(),
            "individuals": "Possible unequal error rates; a reviewer can correct each outcome.",
            "society": "No material societal effect expected at the current scale of use.",
            "affected_groups": list(system["affected_parties"]),
        }
        if not self.chance(0.07):
            record["approved_by"] = self.executive()
            record["approved_on"] = self.date(self.after(on, 1, 14))
        record["next_review"] = self.date(on + dt.timedelta(365))
        if not self.chance(0.04):  # a few assessments live only in the register
            record["document"] = f"docs/impact-assessments/{system['id']}.md"
        return record

    def risk(self, system: dict, k: int) -> dict:
        """A risk with its treatment; level follows the likelihood x consequence grid."""
        title, text, sources, objectives, controls = self.rng.choice(voc.RISKS)
        li, co = self.rng.randint(0, 4), self.rng.randint(0, 4)
        assessed = self.after(_as_date(system["last_significant_change"]), 0, 30)
        record = {
            "id": f"risk-{_serial(system)}-{k}",
            "title": title,
            "description": text,
            "system": system["id"],
            "sources": list(sources),
            "objectives_affected": list(objectives),
            "likelihood": LIKELIHOOD[li],
            "consequence": CONSEQUENCE[co],
            "level": LEVELS[min((li + co) // 2, 3)],
            "owner": system["owner"],
            "assessed_on": self.date(assessed),
        }
        if self.chance(0.6):
            record["reviewed_on"] = self.date(self.after(assessed, 30, 300))
        record["treatment"] = self.treatment(controls, assessed)
        return record

    def treatment(self, controls: list[str], assessed: dt.date) -> dict:
        """Most treatments are done; some are in progress, a few overdue."""
        status = self.rng.choices(["done", "in_progress", "planned"], [70, 22, 8])[0]
        block = {
            "option": self.rng.choices(["modify", "retain", "share", "avoid"], [75, 15, 7, 3])[0],
            "controls": list(controls),
            "plan": "Apply the listed controls and confirm their effect at the next review.",
            "owner": self.person(),
            "due": self.date(assessed + dt.timedelta(self.rng.randint(30, 240))),
            "status": status,
            "residual_level": self.rng.choice(["low", "low", "medium"]),
        }
        if status == "done" and not self.chance(0.05):
            block["residual_accepted_by"] = self.executive()
        return block

    def data_set(self, system: dict, domain: tuple) -> dict:
        """The system's training data, with provenance, quality and preparation."""
        acquired = self.ago(200, 1400)
        record = {
            "id": system["data_sets"][0],
            "name": f"{system['name']} training data",
            "systems": [system["id"]],
            "purpose": self.rng.choices(["training", "validation", "production"], [80, 10, 10])[0],
            "categories": self.rng.sample(domain[4], 2),
            "provenance": self.provenance(acquired),
            "quality": {
                "requirements": "Completeness above 98%; labels double-checked on a sample.",
                "assessed_on": self.date(self.after(acquired, 10, 90)),
                "result": self.rng.choices(["meets", "partially_meets", "fails"], [85, 12, 3])[0],
            },
            "preparation": self.preparation(acquired),
        }
        return record

    def provenance(self, acquired: dt.date) -> dict:
        origin = self.rng.choices(list(voc.LICENCES), [60, 30, 10])[0]
        block = {"origin": origin, "acquired_on": self.date(acquired)}
        if origin == "acquired from a supplier":
            block["supplier"] = self.rng.choice(self.suppliers)
        block["licence"] = voc.LICENCES[origin]
        if not self.chance(0.06):
            block["recorded_by"] = self.person()
        return block

    def preparation(self, acquired: dt.date) -> list[dict]:
        steps = self.rng.sample(voc.PREPARATION_STEPS, self.rng.randint(2, 4))
        when = self.after(acquired, 1, 20)
        return [{"step": s, "performed_on": self.date(when), "by": self.person()} for s in steps]

    # ---- organization-wide registers ----------------------------------------------

    def incidents(self) -> list[dict]:
        """A few incidents on operating systems; serious ones raise a nonconformity."""
        operating = [s for s in self.systems if s["lifecycle_stage"] == "operation"]
        chosen = [s for s in operating if self.chance(0.04)]
        return [self.incident(k, system) for k, system in enumerate(chosen, 1)]

    def incident(self, k: int, system: dict) -> dict:
        occurred = self.ago(3, 600)
        severity = self.rng.choices(["low", "medium", "high", "critical"], [45, 35, 15, 5])[0]
        record = {
            "id": f"inc-{k:05d}",
            "system": system["id"],
            "occurred_on": self.date(occurred),
            "detected_on": self.date(self.after(occurred, 0, 5)),
            "summary": self.rng.choice(voc.INCIDENT_SUMMARIES),
            "severity": severity,
        }
        if severity in ("high", "critical") and not self.chance(0.15):
            to = self.rng.choice(["affected customers", "regulator", "system users"])
            on = self.date(self.after(occurred, 1, 10))
            record["communicated"] = [{"to": to, "on": on, "channel": "email"}]
        if severity != "low":
            record["nonconformity"] = self.nonconformity("incident", occurred)["id"]
        if occurred < AS_OF - dt.timedelta(30) and not self.chance(0.1):
            record["closed_on"] = self.date(self.after(occurred, 5, 60))
        return record

    def nonconformity(self, source: str, raised: dt.date) -> dict:
        """Record a nonconformity (kept on self so incidents and audits can point to it)."""
        due = raised + dt.timedelta(self.rng.randint(30, 120))
        action = {
            "description": "Correct the immediate cause and update the procedure.",
            "owner": self.person(),
            "due": self.date(due),
        }
        if due < AS_OF and not self.chance(0.2):
            action["closed_on"] = self.date(self.after(raised, 10, 120))
            action["effective"] = not self.chance(0.1)
        record = {
            "id": f"nc-{len(self.nonconformities) + 1:04d}",
            "raised_on": self.date(raised),
            "source": source,
            "description": self.rng.choice(voc.NONCONFORMITY_DESCRIPTIONS),
            "root_cause": "Procedure step not followed under time pressure.",
            "corrective_action": action,
        }
        self.nonconformities.append(record)
        return record

    def audits(self) -> list[dict]:
        """Internal audits: past ones held with findings, the next one only planned."""
        records = []
        count = min(3 + self.n // 2000, 12)
        for k in range(count):
            planned = AS_OF - dt.timedelta(days=700 - k * (840 // (count - 1)))
            record: dict = {"id": f"audit-{k + 1:02d}", "planned_on": self.date(planned)}
            if planned < AS_OF:
                held = self.after(planned, 0, 14)
                record |= {
                    "held_on": self.date(held),
                    "scope": "AI management system, clauses 4-10 and Annex A",
                    "criteria": "ISO/IEC 42001:2023 and internal procedures",
                    "auditor": voc.EXECUTIVES[6][0],
                    "independent": True,
                    "findings": [self.nonconformity("audit", held)["id"] for _ in range(2)],
                    "results_reported_to": "executive committee",
                }
            records.append(record)
        return records

    def management_reviews(self) -> list[dict]:
        """Two annual reviews; the older one missed some required inputs."""
        inputs = [
            "previous_actions", "context_changes", "interested_parties", "nonconformities",
            "monitoring_results", "audit_results", "objectives", "opportunities", "risks",
        ]  # fmt: skip
        return [
            {
                "id": f"mr-{year}",
                "held_on": self.date(dt.date(year, 3, 12)),
                "chaired_by": voc.EXECUTIVES[0][0],
                "attendees": [name for name, _ in voc.EXECUTIVES[1:6]],
                "inputs": inputs if year == 2026 else inputs[:6],
                "decisions": ["Fund a second model validator", "Extend monitoring to all systems"],
            }
            for year in (2025, 2026)
        ]

    def objectives(self) -> list[dict]:
        records = []
        for k, (kind, statement, annex_c, measure, target) in enumerate(voc.OBJECTIVES, 1):
            records.append(
                {
                    "id": f"obj-{k:02d}",
                    "statement": statement,
                    "kind": kind,
                    "annex_c": list(annex_c),
                    "measure": measure,
                    "target": target,
                    "owner": voc.EXECUTIVES[4][0],
                    "due": dt.date(2027, 6, 30),
                    "status": self.rng.choice(["on_track", "on_track", "at_risk", "achieved"]),
                    "last_measured": self.date(self.ago(10, 120)),
                }
            )
        return records

    def competence(self) -> list[dict]:
        """One record per person; some certificates have lapsed."""
        records = []
        for k, (name, title) in enumerate(self.people, 1):
            done = self.ago(30, 800)
            records.append(
                {
                    "id": f"comp-{k:04d}",
                    "person": name,
                    "role": title,
                    "required": "AI policy training and role-specific responsible-AI course",
                    "evidence": f"LMS certificate {100000 + k}",
                    "completed_on": self.date(done),
                    "expires_on": self.date(done + dt.timedelta(730)),
                }
            )
        return records

    def communications(self) -> list[dict]:
        """The AI policy announced inside and published outside, then routine messages."""
        records = [
            {"id": "comm-0001", "topic": "AI policy 2.1 published", "audience": "internal", "channel": "intranet",
             "date": AS_OF - dt.timedelta(60)},
            {"id": "comm-0002", "topic": "Our AI policy (summary)", "audience": "public", "channel": "website",
             "date": AS_OF - dt.timedelta(55)},
        ]  # fmt: skip
        for k in range(len(records), min(max(self.n // 25, 10), 500)):
            topic, audience, channel = self.rng.choice(voc.COMMUNICATION_TOPICS)
            record = {
                "id": f"comm-{k + 1:04d}",
                "topic": topic,
                "audience": audience,
                "channel": channel,
                "date": self.date(self.ago(1, 700)),
            }
            if audience in ("users", "customers"):
                record["system"] = self.rng.choice(self.systems)["id"]
            records.append(record)
        return records

    def attestations(self) -> list[dict]:
        """Signed confirmations; the last one is older than a year."""
        return [
            {
                "id": f"att-{k:02d}",
                "statement": statement,
                "text": text,
                "signer": voc.EXECUTIVES[signer][0],
                "role": role,
                "signed_on": self.date(self.ago(400, 500) if k == len(voc.ATTESTATIONS) else self.ago(10, 300)),
            }
            for k, (statement, text, signer, role) in enumerate(voc.ATTESTATIONS, 1)
        ]

    def soa(self) -> list[dict]:
        """One decision per Annex A control, read from the catalog so ids cannot drift."""
        catalog = yaml.load(CATALOG.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        records = []
        for control in catalog["controls"]:
            excluded = control["id"] == "A.8.3"
            record = {
                "control": control["id"],
                "applicable": not excluded,
                "justification": (
                    "No external reporting duty applies beyond incident communication."
                    if excluded
                    else "Needed to treat the AI risks in the risk register."
                ),
                "decided_by": voc.EXECUTIVES[4][0],
                "decided_on": dt.date(2026, 2, 2),
            }
            if not excluded:
                record["implementation"] = "See the procedures named in the manifest."
            records.append(record)
        return records

    def waivers(self) -> list[dict]:
        """Time-limited exceptions for single systems; a quarter have expired."""
        records = []
        for k in range(min(max(self.n // 200, 2), 60)):
            system = self.systems[(k * 37) % len(self.systems)]
            granted = self.ago(30, 500)
            records.append(
                {
                    "id": f"waiver-{k + 1:03d}",
                    "control": self.rng.choice(["A.6.2.8", "A.6.2.6", "A.4.2"]),
                    "subject": system["id"],
                    "owner": system["owner"],
                    "approved_by": voc.EXECUTIVES[1][0],
                    "justification": "Legacy platform; replacement scheduled in the roadmap.",
                    "granted_on": self.date(granted),
                    "expires_on": self.date(granted + dt.timedelta(self.rng.randint(60, 540))),
                }
            )
        return records

    def suppliers_register(self) -> list[dict]:
        records = []
        for k, sid in enumerate(self.suppliers):
            provides, name = voc.SUPPLIER_KINDS[k % len(voc.SUPPLIER_KINDS)]
            records.append(
                {
                    "id": sid,
                    "name": f"{name} {k // len(voc.SUPPLIER_KINDS) + 1}",
                    "provides": provides,
                    "agreement": self.agreement(f"MSA-{2000 + k}"),
                    "assessed_on": self.date(self.ago(20, 800)),
                }
            )
        return records

    def customers_register(self) -> list[dict]:
        records = []
        for k, cid in enumerate(self.customers):
            name = voc.CUSTOMER_NAMES[k % len(voc.CUSTOMER_NAMES)]
            records.append(
                {
                    "id": cid,
                    "name": f"{name} {k // len(voc.CUSTOMER_NAMES) + 1}",
                    "agreement": self.agreement(f"SLA-{5000 + k}"),
                }
            )
        return records

    def agreement(self, reference: str) -> dict:
        block = {"reference": reference, "signed_on": self.date(self.ago(60, 1500))}
        if not self.chance(0.1):
            block["responsibilities"] = "Allocation of AI responsibilities in schedule 4."
        return block

    # ---- assembly ----------------------------------------------------------------------

    def registers(self) -> dict[str, list[dict]]:
        """Every register, built in a fixed order so the seed fixes the output."""
        self.build_systems()
        per_system = self._per_system_registers()
        registers = {"ai_systems": self.systems, **per_system}
        registers["incidents"] = self.incidents()
        registers["audits"] = self.audits()
        registers["management_reviews"] = self.management_reviews()
        registers["objectives"] = self.objectives()
        registers["competence"] = self.competence()
        registers["communications"] = self.communications()
        registers["attestations"] = self.attestations()
        registers["soa"] = self.soa()
        registers["waivers"] = self.waivers()
        registers["suppliers"] = self.suppliers_register()
        registers["customers"] = self.customers_register()
        registers["nonconformities"] = self.nonconformities
        return registers

    def _per_system_registers(self) -> dict[str, list[dict]]:
        risks, data_sets = [], []
        for i, system in enumerate(self.systems):
            self.assessments.append(self.impact_assessment(system))
            risks += [self.risk(system, 1), self.risk(system, 2)]
            data_sets.append(self.data_set(system, voc.DOMAINS[i % len(voc.DOMAINS)]))
        return {"impact_assessments": self.assessments, "risks": risks, "data_sets": data_sets}

    def manifest(self, registers: dict[str, list[dict]]) -> dict:
        """aims.yaml: organization, scope, roles per system, registers and documents."""
        in_scope = [
            s["id"]
            for s in self.systems
            if s["lifecycle_stage"] != "concept" and not s["id"].startswith("marketing-search")
        ]
        return {
            "annexa": 1,
            "organization": dict(voc.ORGANIZATION),
            "scope": {
                "statement": "The AI systems that Halvard Mutual builds, buys or operates for "
                "underwriting, claims, customer service and its internal functions.",
                "boundaries": "Excludes concept-stage ideas and the marketing search pilot.",
                "sites": list(voc.SITES),
                "systems": in_scope,
                "approved_by": voc.EXECUTIVES[0][0],
                "approved_on": dt.date(2026, 1, 20),
            },
            "roles": self.roles,
            "registers": {name: register_path(name) for name in sorted(registers)},
            "documents": {name: spec[0] for name, spec in docs.NAMED_DOCUMENTS.items()},
        }

    def documents(self) -> Iterator[tuple[str, docs.Document]]:
        """Every Markdown document: the named ones, then each platform's set."""
        governance = voc.EXECUTIVES[4][0]
        for name, (path, _, _) in docs.NAMED_DOCUMENTS.items():
            yield path, docs.named_document(name, AS_OF, governance)
        for platform in voc.PLATFORMS:
            for _, stem, title in voc.PLATFORM_DOCUMENTS:
                owner = self.people[len(platform) % len(self.people)][0]
                document = docs.platform_document(platform, title, AS_OF, owner)
                yield f"docs/platforms/{platform}/{stem}.md", document
        names = {system["id"]: system["name"] for system in self.systems}
        for assessment in self.assessments:
            if "document" in assessment:
                yield assessment["document"], docs.assessment_document(assessment, names[assessment["system"]])


def _serial(system: dict) -> str:
    """The zero-padded number that ends a system id, reused in the ids of its evidence."""
    return system["id"].rsplit("-", 1)[1]


def _as_date(value: dt.date | str) -> dt.date:
    """Undo Org.date(): the generator itself compares dates, quoted or not."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def register_path(name: str) -> str:
    return f"registers/{name}.yaml"


def write(out: Path, relative: str, text: str) -> None:
    path = out / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def generate(systems: int, out: Path, seed: int = 1) -> None:
    """Write the organization into `out` (created if needed, our files overwritten)."""
    org = Org(systems, seed)
    registers = org.registers()
    write(out, "aims.yaml", dump(org.manifest(registers)))
    for name, items in registers.items():
        write(out, register_path(name), dump({name: items}))
    for path, (front, body) in org.documents():
        write(out, path, docs.render(front, body, dump))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--systems", type=int, help="number of AI systems")
    parser.add_argument("--out", type=Path, help="directory to write the repository into")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--check", type=Path, metavar="DIR", help="validate a generated repo")
    args = parser.parse_args(argv)
    if args.check is None and (args.systems is None or args.out is None):
        parser.error("give --systems and --out, or --check DIR")
    if args.systems is not None and args.systems < 1:
        parser.error("--systems must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.check is not None:
        import validate_org

        return validate_org.main(args.check)
    generate(args.systems, args.out, args.seed)
    print(f"wrote {args.systems} systems to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
