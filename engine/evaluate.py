"""Evaluating rules against facts: applicability, prerequisites, waivers, exclusions.

Rules run in dependency order over a graph of rules (not rule × subject).
A rule whose prerequisite did not pass is `blocked` for that subject and is
not evaluated, so a root cause is reported once. Exclusions recorded in the
Statement of Applicability and waivers recorded in the facts are applied
here, and both can only move a result away from `fail`, never towards it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .errors import did_you_mean
from .facts import Facts, register_names
from .located import FactMap, Location
from .resolve import Context, blank, resolve
from .rules import Rule, RuleSet
from .selection import not_a_collection, select
from .trace import Trace, at

STATUSES = ("pass", "fail", "blocked", "not_applicable", "waived")
NOT_PASSING = frozenset({"fail", "blocked", "waived"})


@dataclass(slots=True)
class Result:
    rule: Rule
    subject: str | None
    status: str
    reason: str
    trace: Trace
    root_cause: str | None = None  # for blocked results: the rule that failed first
    waiver: str | None = None
    subject_location: Location | None = None  # where the subject itself is recorded
    enforced: bool = True  # false for a fail of a rule not yet in force: a warning
    covered: bool = False  # blocked behind a waived gap: the waiver accepted the root cause

    @property
    def gating(self) -> bool:
        """Whether this result can fail a CI gate: an enforced fail, or a block whose root cause is not waived."""
        return self.status in ("fail", "blocked") and self.enforced and not self.covered

    def primary_location(self) -> Location | None:
        """The one place to point at: where a fail's cause is, else the subject's entry, else the first fact."""
        if self.status in ("fail", "waived", "blocked"):  # a waived result's own check is its second child
            for node in (self.trace, *self.trace.children):
                for leaf in node.failing_leaves():
                    if leaf.op == "waiver":
                        continue  # an expired waiver is not where the gap is
                    if leaf.op in ("count", "some", "every") and self.subject_location is not None:
                        return self.subject_location  # nothing matched this subject: point at the subject
                    if leaf.location is not None:
                        return leaf.location
        if self.trace.location is not None and self.status != "pass":
            return self.trace.location
        if self.subject_location is not None:
            return self.subject_location
        places = self.locations()
        return places[0] if places else None

    def locations(self) -> list[Location]:
        """Every place the result cites: the subject's own entry and each fact in its trace."""
        places = self.trace.locations()
        if self.subject_location is not None:
            places.add(self.subject_location)
        return sorted(places)


@dataclass(slots=True)
class WaiverNote:
    waiver: str
    location: Location
    note: str


@dataclass
class Evaluation:
    as_of: dt.date
    facts: Facts
    ruleset: RuleSet
    results: list[Result]
    waiver_notes: list[WaiverNote] = field(default_factory=list)


@dataclass(slots=True)
class _Waiver:
    item: FactMap
    location: Location
    used: bool = False


class _Exclusions:
    """Statement-of-Applicability decisions that exclude a control."""

    def __init__(self, facts: Facts):
        self.by_control: dict[str, tuple[FactMap, Location]] = {}
        register = facts.registers.get("soa")
        if register is not None:
            for index, item in enumerate(register):
                if item.get("applicable") is False:
                    self.by_control[item["control"]] = (item, register.item_location(index))

    def result_for(self, rule: Rule) -> Trace | None:
        """The not-applicable trace for a justified exclusion of the rule's control.

        An exclusion without a justification excludes nothing: the control's
        rules are judged as usual, and the rule for clause 6.1.3 in the
        built-in pack reports the missing justification once.
        """
        found = self.by_control.get(rule.control)
        if found is None:
            return None
        item, location = found
        if blank(item.get("justification")):  # `TBD` justifies nothing either
            return None
        justification = " ".join(str(item["justification"]).split())
        reason = f"{rule.control} is excluded in the Statement of Applicability: “{justification}”{at(location)}"
        return Trace("excluded", True, reason, "soa", justification, location)


class _Waivers:
    """Waivers recorded in the facts: they cover fails, never anything else."""

    def __init__(self, facts: Facts, as_of: dt.date):
        self.as_of = as_of
        self.items: list[_Waiver] = []
        register = facts.registers.get("waivers")
        if register is not None:
            self.items = [_Waiver(item, register.item_location(i)) for i, item in enumerate(register)]

    @staticmethod
    def _targets(item: FactMap, rule: Rule) -> bool:
        """A waiver names a rule, or else every rule of a control."""
        return item.get("rule") == rule.id if item.get("rule") else item.get("control") == rule.control

    def apply(self, result: Result) -> None:
        rule = result.rule
        matching = [
            w
            for w in self.items
            if self._targets(w.item, rule)
            and (w.item.get("subject") is None or w.item.get("subject") == result.subject)
            and (w.item.get("granted_on") is None or w.item["granted_on"] <= self.as_of)
        ]
        for waiver in matching:
            waiver.used = True
        if not matching:
            return
        valid = [w for w in matching if w.item["expires_on"] >= self.as_of]
        if valid:
            waiver = min(valid, key=lambda w: w.item["id"])
            item = waiver.item
            reason = (
                f"waived by `{item['id']}` until {item['expires_on'].isoformat()} (owner {item['owner']}, "
                f"approved by {item['approved_by']}): {item['justification']}{at(waiver.location)}"
            )
            note = Trace("waiver", True, reason, "waivers", item["id"], waiver.location)
            result.status, result.waiver = "waived", item["id"]
            result.reason = f"{reason}; the check fails: {result.reason}"
            result.trace = Trace("waived", True, reason, children=(note, result.trace))
            return
        waiver = max(matching, key=lambda w: (w.item["expires_on"], w.item["id"]))
        expired = (
            f"waiver `{waiver.item['id']}` expired on {waiver.item['expires_on'].isoformat()}{at(waiver.location)}"
        )
        result.reason = f"{expired}; {result.reason}"
        expected = f"expires on or after {self.as_of.isoformat()}"
        note = Trace("waiver", False, expired, "waivers", waiver.item["id"], waiver.location, expected)
        result.trace = Trace("expired_waiver", False, result.reason, children=(note, result.trace))

    def unknown_targets(self, ruleset: RuleSet) -> list[WaiverNote]:
        """Waivers naming a rule or control no loaded rule has: found without evaluating (`annexa validate`)."""
        notes = []
        for waiver in self.items:
            item = waiver.item
            target = item.get("rule") or item.get("control")
            if not any(self._targets(item, rule) for rule in ruleset.rules.values()):
                hint = did_you_mean(target, [*ruleset.rules, *{r.control for r in ruleset.rules.values()}])
                note = f"waiver `{item['id']}` names `{target}`, which matches no loaded rule"
                notes.append(WaiverNote(item["id"], waiver.location, f"{note} ({hint})" if hint else note))
        return notes

    def notes(self, ruleset: RuleSet, subjects: dict[str, set[str | None]]) -> list[WaiverNote]:
        """Waivers that match no rule, no subject, or no failing result: each a likely mistake."""
        unknown = {note.waiver: note for note in self.unknown_targets(ruleset)}
        notes = []
        for waiver in self.items:
            item = waiver.item
            target = item.get("rule") or item.get("control")
            rule_ids = [r for r, rule in ruleset.rules.items() if self._targets(item, rule)]
            subject = item.get("subject")
            if item["id"] in unknown:
                notes.append(unknown[item["id"]])
            elif subject is not None and not any(subject in subjects.get(r, ()) for r in rule_ids):
                known = [str(s) for r in rule_ids for s in subjects.get(r, ()) if s is not None]
                hint = did_you_mean(subject, known)
                note = f"waiver `{item['id']}` names subject `{subject}`, which no result of `{target}` has"
                notes.append(WaiverNote(item["id"], waiver.location, f"{note} ({hint})" if hint else note))
            elif item.get("granted_on") is not None and item["granted_on"] > self.as_of:
                granted = item["granted_on"].isoformat()
                note = f"waiver `{item['id']}` for `{target}` is granted on {granted}: it does not apply yet"
                notes.append(WaiverNote(item["id"], waiver.location, note))
            elif not waiver.used:
                note = f"waiver `{item['id']}` for `{target}` covers nothing: no result of it fails"
                notes.append(WaiverNote(item["id"], waiver.location, note))
        return notes


def _role_words(roles: frozenset[str]) -> str:
    return ", ".join(sorted(roles))


class Evaluator:
    def __init__(self, ruleset: RuleSet, facts: Facts, as_of: dt.date):
        self.ruleset = ruleset
        self.facts = facts
        self.as_of = as_of
        manifest = facts.manifest
        declared = manifest.get("registers") or FactMap("aims.yaml", 1)
        undeclared_at = manifest.key_location("registers") if "registers" in manifest else manifest.location()
        undeclared = {name: undeclared_at for name in register_names() if name not in declared}
        roots = facts.roots()
        roots["as_of"] = as_of  # rules compare dates with it: `date_order: {earlier: x.approved_on, later: as_of}`
        self.context = Context(roots, as_of, undeclared)
        self.exclusions = _Exclusions(facts)
        self.waivers = _Waivers(facts, as_of)
        self.by_rule: dict[str, dict[str | None, Result]] = {}
        self._worst: dict[str, Result] = {}  # per rule: the failing result an organization-wide dependent names

    # -- applicability ---------------------------------------------------------

    def _organization_not_applicable(self, rule: Rule) -> Trace | None:
        roles = self.facts.organization_roles
        if not rule.in_scope_only:  # the rule looks at systems outside the scope too, so their roles count
            roles = roles.union(*self.facts.system_roles.values())
        if rule.roles is None or not roles or rule.roles & roles:
            return None
        location = self.facts.manifest.key_location("roles")
        reason = f"applies to {_role_words(rule.roles)}; the organization is {_role_words(roles)}{at(location)}"
        return Trace("applies", False, reason, "roles", sorted(roles), location, sorted(rule.roles))

    def _subject_not_applicable(self, rule: Rule, subject: str, system: str) -> Trace | None:
        """Applicability of one subject, judged by the roles and scope of the AI system it belongs to."""
        roles_map: FactMap = self.facts.manifest["roles"]
        whose = "" if subject == system else f" (of `{subject}`)"
        if rule.in_scope_only and system not in self.facts.in_scope:
            scope = self.facts.manifest["scope"]
            location = scope.key_location("systems") if "systems" in scope else scope.location()
            reason = f"AI system `{system}`{whose} is outside the AIMS scope{at(location)}"
            return Trace("applies", False, reason, "scope.systems", system, location)
        roles = self.facts.system_roles.get(system, frozenset())
        if rule.roles is not None and not rule.roles & roles:
            location = roles_map.key_location(system)
            holds = _role_words(roles)
            reason = (
                f"applies to {_role_words(rule.roles)}; for `{system}`{whose} the organization is {holds}{at(location)}"
            )
            return Trace("applies", False, reason, f"roles.{system}", sorted(roles), location, sorted(rule.roles))
        return None

    def _system_of(self, item: object) -> str | None:
        """The AI system an entry belongs to (an incident's, an assessment's), if it names one."""
        system = item.get("system") if isinstance(item, dict) else None
        return system if isinstance(system, str) and system in self.facts.system_roles else None

    # -- prerequisites -----------------------------------------------------------

    def _blocking(self, rule: Rule, subject: str | None) -> Result | None:
        """The prerequisite result that keeps this rule (for this subject) from running, if any.

        Per subject, only the same subject's result counts: a prerequisite that
        filtered this subject out does not block it. An organization-wide rule
        is blocked by any failing subject of a per-subject prerequisite.
        """
        for required in rule.requires:
            results = self.by_rule.get(required, {})
            if subject is not None and subject in results:
                candidate = results[subject]
            elif None in results:
                candidate = results[None]
            elif subject is None:
                candidate = self._worst.get(required)
            else:
                candidate = None
            if candidate is not None and candidate.status in NOT_PASSING and candidate.enforced:
                return candidate  # a prerequisite not yet in force warns; it never shields its dependents
        return None

    def _blocked(self, rule: Rule, subject: str | None, prerequisite: Result) -> Result:
        root = prerequisite.root_cause or prerequisite.rule.id
        how = {"fail": "which fails", "waived": "which fails (waived)", "blocked": f"which is blocked by `{root}`"}[
            prerequisite.status
        ]
        whose = f" for `{prerequisite.subject}`" if prerequisite.subject is not None else ""
        reason = f"blocked: requires `{prerequisite.rule.id}`{whose}, {how}"
        location = prerequisite.primary_location()
        trace = Trace("requires", False, reason, prerequisite.rule.id, prerequisite.status, location, "pass")
        covered = prerequisite.status == "waived" or (prerequisite.status == "blocked" and prerequisite.covered)
        result = Result(rule, subject, "blocked", reason, trace, root_cause=root, enforced=rule.enforced_on(self.as_of))
        result.covered = covered
        return result

    # -- evaluation ----------------------------------------------------------------

    def _judge(self, rule: Rule, subject: str | None, ctx: Context) -> Result:
        trace = rule.check.evaluate(ctx)
        if trace.passed:
            return Result(rule, subject, "pass", trace.reason, trace)
        return self._failed(Result(rule, subject, "fail", trace.reason, trace))

    def _failed(self, result: Result) -> Result:
        """Every fail passes here: a waiver may cover it, and a rule not yet in force makes it a warning."""
        self.waivers.apply(result)
        rule = result.rule
        if result.status == "fail" and not rule.enforced_on(self.as_of):
            result.enforced = False
            result.reason = f"not enforced until {rule.effective_on.isoformat()}: {result.reason}"
        return result

    def _org_rule(self, rule: Rule) -> list[Result]:
        blocker = self._blocking(rule, None)
        if blocker is not None:
            return [self._blocked(rule, None, blocker)]
        return [self._judge(rule, None, self.context)]

    def _subject_rule(self, rule: Rule) -> list[Result]:
        each = rule.for_each
        found = resolve(each.path, self.context)
        is_list = isinstance(found.value, list)
        maybes: list = []
        selected = list(select(found, each.name, each.where, self.context, maybes=maybes)) if is_list else []
        if not selected and not maybes:
            which = "matching " if each.where is not None else ""
            empty = f"no {which}entries in `{found.path}`{at(found.location)}"
            if each.allow_empty and is_list:  # empty is not missing: a misspelt path never becomes "nothing to check"
                trace = Trace("for_each", True, f"nothing to check: {empty}", found.path, 0, found.location)
                return [Result(rule, None, "not_applicable", trace.reason, trace)]
            blocker = self._blocking(rule, None)
            if blocker is not None:
                return [self._blocked(rule, None, blocker)]
            trace = Trace(
                "for_each",
                False,
                not_a_collection(found) or f"nothing recorded: {empty}",
                found.path,
                0,
                found.location,
                "at least one entry",
            )
            return [self._failed(Result(rule, None, "fail", trace.reason, trace))]
        per_system = each.path.head == "ai_systems" and not each.path.rest
        results = []
        for bound, label, location, _ in selected:
            result = self._subject_result(rule, label, bound, per_system)
            result.subject_location = location
            results.append(result)
        for _, label, location, verdict in maybes:  # the filter could not be judged: never silently left out
            reason = f"cannot tell whether the rule applies to `{label}`: {verdict.reason}"
            trace = Trace("for_each", False, reason, each.path.text, label, location, children=(verdict,), unknown=True)
            result = self._failed(Result(rule, label, "fail", reason, trace))
            result.subject_location = location
            results.append(result)
        return results

    def _subject_result(self, rule: Rule, label: str, bound: Context, per_system: bool) -> Result:
        system = label if per_system else self._system_of(bound.bindings[rule.for_each.name].value)
        if system is not None:
            not_applicable = self._subject_not_applicable(rule, label, system)
            if not_applicable is not None:
                return Result(rule, label, "not_applicable", not_applicable.reason, not_applicable)
        blocker = self._blocking(rule, label)
        if blocker is not None:
            return self._blocked(rule, label, blocker)
        result = self._judge(rule, label, bound)
        result.trace.item = label
        return result

    def _evaluate_rule(self, rule: Rule) -> list[Result]:
        excluded = self.exclusions.result_for(rule)
        if excluded is not None:
            return [Result(rule, None, "not_applicable", excluded.reason, excluded)]
        not_applicable = self._organization_not_applicable(rule)
        if not_applicable is not None:
            return [Result(rule, None, "not_applicable", not_applicable.reason, not_applicable)]
        return self._subject_rule(rule) if rule.per_subject else self._org_rule(rule)

    def run(self) -> Evaluation:
        results: list[Result] = []
        for rule_id in self.ruleset.order:
            rule = self.ruleset.rules[rule_id]
            produced = self._evaluate_rule(rule)
            self.by_rule[rule_id] = {r.subject: r for r in produced}
            failing = [r for r in produced if r.status in NOT_PASSING]
            if failing:
                self._worst[rule_id] = min(failing, key=lambda r: (r.status != "fail", r.subject or ""))
            results.extend(produced)
        rank = {rule_id: i for i, rule_id in enumerate(self.ruleset.order)}
        results.sort(key=lambda r: (rank[r.rule.id], r.subject is not None, r.subject or ""))
        subjects = {rule_id: set(by_subject) for rule_id, by_subject in self.by_rule.items()}
        notes = self.waivers.notes(self.ruleset, subjects)
        return Evaluation(self.as_of, self.facts, self.ruleset, results, notes)


def waivers_naming_no_rule(ruleset: RuleSet, facts: Facts) -> list[WaiverNote]:
    """Waivers whose rule or control no loaded rule has, before any evaluation (`annexa validate`)."""
    return _Waivers(facts, dt.date.today()).unknown_targets(ruleset)


def evaluate(ruleset: RuleSet, facts: Facts, as_of: dt.date) -> Evaluation:
    """Judge every rule against the facts as of a date (pin it in tests and CI)."""
    return Evaluator(ruleset, facts, as_of).run()


__all__ = ["STATUSES", "Evaluation", "Result", "WaiverNote", "evaluate", "waivers_naming_no_rule"]
