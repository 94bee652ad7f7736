"""The operators of the rule language: one function each, in one explicit table.

Each operator declares its signature (argument names and kinds); the rule
loader checks every use against it, so a misspelt argument or a wrong type is
a load error with file:line, never a check that silently does nothing.
Operators only judge what they are given; resolve.py supplies values and
where they were found. Nothing here executes code from a rule.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .documents import Document, find_heading, normalize_heading
from .resolve import MISSING, CompiledPath, Context, Found, blank, items_of, placeholder, resolve
from .selection import (
    collection,
    counted_entry,
    labelled,
    select,
    turned_away,
    undecided_entries,
    unjoinable,
    unmatched,
)
from .trace import Trace, at, show


@dataclass(frozen=True, slots=True)
class Predicate:
    """A compiled use of an operator: checked arguments, ready to evaluate."""

    operator: Operator
    args: dict
    source: str
    line: int

    def evaluate(self, ctx: Context) -> Trace:
        return self.operator.function(self.args, ctx)


@dataclass(frozen=True)
class Operator:
    """An operator's contract: argument kinds, which are required, and its function.

    Kinds: path, pred, preds, item_pred (sees the name bound by `as`), name,
    int, days (0 to MAX_DAYS), bool, str, strs, regex, literal, literals.
    """

    name: str
    function: Callable[[dict, Context], Trace]
    signature: dict[str, str]
    required: frozenset[str] = frozenset()
    shorthand: str | None = None  # a bare value stands for this argument
    one_of: tuple[frozenset[str], ...] = ()  # groups where exactly one argument must be given
    at_least_one: tuple[frozenset[str], ...] = ()


def _fail_missing(op: str, found: Found, expected: object = None) -> Trace:
    """A fail for want of data: `unknown`, so that `not` cannot turn it into a pass."""
    note = found.note or f"`{found.path}` is not recorded"
    return Trace(op, False, f"{note}{at(found.location)}", found.path, None, found.location, expected, unknown=True)


# ---- logic -------------------------------------------------------------------


_UNJUDGED = "cannot be judged: "


def distinct(reasons: Iterable[str]) -> list[str]:
    """Reasons once each, in order: two checks failing on the same missing fact say it once.

    `cannot be judged: X` adds nothing beside `X` (a `not` over the same gap).
    """
    kept: list[str] = []
    for reason in reasons:
        core = reason.removeprefix(_UNJUDGED)
        if reason in kept or core in kept:
            continue
        if _UNJUDGED + reason in kept:  # the plain statement replaces its "cannot be judged" echo
            kept[kept.index(_UNJUDGED + reason)] = reason
            continue
        kept.append(reason)
    return kept


def op_all(args: dict, ctx: Context) -> Trace:
    children = tuple(p.evaluate(ctx) for p in args["of"])
    failed = [c for c in children if not c.passed]
    if failed:
        unknown = all(c.unknown for c in failed)
        return Trace("all", False, "; ".join(distinct(c.reason for c in failed)), children=children, unknown=unknown)
    return Trace("all", True, "; ".join(distinct(c.reason for c in children)), children=children)


def op_any(args: dict, ctx: Context) -> Trace:
    children = tuple(p.evaluate(ctx) for p in args["of"])
    passed = [c for c in children if c.passed]
    if passed:
        return Trace("any", True, passed[0].reason, children=children)
    reasons = "; or ".join(distinct(c.reason for c in children))
    unknown = any(c.unknown for c in children)
    reason = f"none of {len(children)} alternatives holds: {reasons}"
    return Trace("any", False, reason, children=children, unknown=unknown)


def op_not(args: dict, ctx: Context) -> Trace:
    child = args["of"].evaluate(ctx)
    if child.unknown:  # missing data is not evidence that something is absent or false
        return Trace("not", False, f"cannot be judged: {child.reason}", children=(child,), unknown=True)
    verdict = "does not hold, as required" if not child.passed else "holds, but must not"
    return Trace("not", not child.passed, f"{verdict}: {child.reason}", children=(child,))


# ---- values ------------------------------------------------------------------


def _written(value: object) -> bool:
    """Text that was written but says nothing (`TBD`): worth naming, unlike a blank."""
    return isinstance(value, str) and bool(value.strip()) and placeholder(value)


def op_exists(args: dict, ctx: Context) -> Trace:
    found = resolve(args["path"], ctx)
    if isinstance(found.value, Document) and not found.value.exists:
        document = found.value
        reason = f"{document.absence()}{at(document.referenced_at)}"
        return Trace("exists", False, reason, found.path, document.path, document.referenced_at, "a recorded value")
    if found.is_empty():
        if found.missing or found.note:  # absence is exactly what `exists` judges: a definite fail, not unknown
            note = found.note or f"`{found.path}` is not recorded"
            # ... unless the register or document was never declared: then nothing says it is absent
            return Trace(
                "exists",
                False,
                f"{note}{at(found.location)}",
                found.path,
                None,
                found.location,
                "a recorded value",
                unknown=found.undeclared,
            )
        empty = f"holds only the placeholder {show(found.value)}" if _written(found.value) else "is empty"
        return Trace(
            "exists",
            False,
            f"`{found.path}` {empty}{at(found.location)}",
            found.path,
            found.value,
            found.location,
            "a recorded value",
        )
    return Trace(
        "exists",
        True,
        f"`{found.path}` is recorded as {show(found.value)}{at(found.location)}",
        found.path,
        found.value,
        found.location,
        "a recorded value",
    )


def _same(a: object, b: object) -> bool:
    """Equality without silent coercion: `1` is not `"1"` and `true` is not `1`."""
    return (
        type(a) is type(b) and a == b
        if isinstance(a, bool) or isinstance(b, bool)
        else (a == b and (isinstance(a, (int, float)) == isinstance(b, (int, float))))
    )


def op_equals(args: dict, ctx: Context) -> Trace:
    found = resolve(args["path"], ctx)
    if "same_as" in args:
        other = resolve(args["same_as"], ctx)
        if other.missing or other.value is None:  # two unrecorded values are not evidence of agreement
            return _fail_missing("equals", other)
        expected, described = other.value, f"`{other.path}` = {show(other.value)}{at(other.location)}"
    else:
        expected, described = args["value"], show(args["value"])
    if found.missing or (found.value is None and expected is not None):
        return _fail_missing("equals", found, expected)
    passed = _same(found.value, expected)
    verb = "equals" if passed else "is not"
    reason = f"`{found.path}` {verb} {described}: found {show(found.value)}{at(found.location)}"
    return Trace("equals", passed, reason, found.path, found.value, found.location, expected)


def op_one_of(args: dict, ctx: Context) -> Trace:
    found = resolve(args["path"], ctx)
    values = args["values"]
    if found.missing or (found.value is None and None not in values):
        return _fail_missing("one_of", found, values)
    passed = any(_same(found.value, v) for v in values)
    listed = ", ".join(show(v) for v in values)
    verb = "is one of" if passed else "is none of"
    return Trace(
        "one_of",
        passed,
        f"`{found.path}` {show(found.value)} {verb} {listed}{at(found.location)}",
        found.path,
        found.value,
        found.location,
        values,
    )


def op_matches(args: dict, ctx: Context) -> Trace:
    found = resolve(args["path"], ctx)
    pattern = args["pattern"]
    if found.missing or found.value is None:
        return _fail_missing("matches", found, pattern.pattern)
    if not isinstance(found.value, str):
        return Trace(
            "matches",
            False,
            f"`{found.path}` is {show(found.value)}, not text{at(found.location)}",
            found.path,
            found.value,
            found.location,
            pattern.pattern,
        )
    passed = pattern.search(found.value) is not None
    if "means" in args:  # the rule's plain words for what the pattern looks for
        verb = args["means"] if passed else f"not {args['means']}"
        return Trace(
            "matches",
            passed,
            f"`{found.path}` {show(found.value)} is {verb}{at(found.location)}",
            found.path,
            found.value,
            found.location,
            args["means"],
        )
    verb = "matches" if passed else "does not match"
    return Trace(
        "matches",
        passed,
        f"`{found.path}` {show(found.value)} {verb} `{pattern.pattern}`{at(found.location)}",
        found.path,
        found.value,
        found.location,
        pattern.pattern,
    )


# ---- quantifiers -----------------------------------------------------------


def op_count(args: dict, ctx: Context) -> Trace:
    found, problem = collection("count", args, ctx)
    problem = problem or unjoinable("count", found, args["as"], args.get("where"), ctx)
    low, high = args.get("min"), args.get("max")
    expected = {"min": low, "max": high}
    if problem is not None:
        problem.expected = expected
        return problem
    rejected: list[Trace] = []
    maybes: list = []
    entries = [
        (label, location)
        for _, label, location, _ in select(found, args["as"], args.get("where"), ctx, rejected, maybes)
    ]
    matched = [label for label, _ in entries]
    total, open_ = len(matched), len(maybes)
    passed = (low is None or total >= low) and (high is None or total + open_ <= high)
    could_pass = (low is None or total + open_ >= low) and (high is None or total <= high)
    bounds = " and ".join(
        part
        for part in (f"at least {low}" if low is not None else "", f"at most {high}" if high is not None else "")
        if part
    )
    which = " matching" if args.get("where") is not None else ""
    shown_items = f" ({', '.join(matched[:10])}{', …' if total > 10 else ''})" if matched else ""
    undecided = f", and {open_} that cannot be judged" if open_ else ""
    reason = f"{total}{which} in `{found.path}`{shown_items}{undecided}, expected {bounds}{at(found.location)}"
    if passed:  # the entries counted, each where it is recorded
        children = tuple(counted_entry(label, location) for label, location in entries[:50])
    else:
        children = (*undecided_entries(maybes), *turned_away(rejected))
    unknown = not passed and could_pass
    return Trace(
        "count", passed, reason, found.path, total, found.location, expected, children=children, unknown=unknown
    )


def op_every(args: dict, ctx: Context) -> Trace:
    found, problem = collection("every", args, ctx)
    problem = problem or unjoinable("every", found, args["as"], args.get("where"), ctx)
    if problem is not None:
        return problem
    children = []
    rejected: list[Trace] = []
    maybes: list = []
    for bound, label, _, _ in select(found, args["as"], args.get("where"), ctx, rejected, maybes):
        children.append(labelled(args["check"].evaluate(bound), label))
    children.extend(undecided_entries(maybes))  # an entry that may be covered must not be skipped
    if not children:
        which = "matching " if args.get("where") is not None else ""
        reason = f"no {which}entries in `{found.path}`{at(found.location)}"
        if args.get("allow_empty"):
            return Trace("every", True, f"nothing to check: {reason}", found.path, 0, found.location)
        if args.get("where") is not None:
            reason = unmatched(found, args["where"], ctx)
        else:
            reason = f"nothing recorded: {reason}"
        return Trace("every", False, reason, found.path, 0, found.location, children=turned_away(rejected))
    failed = [c for c in children if not c.passed]
    if failed:
        detail = "; ".join(f"{c.item}: {c.reason}" for c in failed[:5])
        more = f" (and {len(failed) - 5} more)" if len(failed) > 5 else ""
        reason = f"{len(failed)} of {len(children)} in `{found.path}` fail: {detail}{more}"
        unknown = all(c.unknown for c in failed)
        return Trace(
            "every", False, reason, found.path, len(children), found.location, children=tuple(children), unknown=unknown
        )
    return Trace(
        "every",
        True,
        f"all {len(children)} in `{found.path}` pass{at(found.location)}",
        found.path,
        len(children),
        found.location,
        children=tuple(children),
    )


def _never(children: list[Trace]) -> str | None:
    """One sentence for "no entry equals X": the values found, not one clause per entry.

    `none of 6 entries in review.inputs qualifies: input is never audit_results:
    found context_changes, objectives, ...` reads better than six clauses that
    differ only in the value found. Only for plain failing comparisons of the
    same path against the same expectation; anything else is listed per entry.
    """
    first = children[0]
    if len(children) < 2 or first.op not in ("equals", "one_of"):
        return None
    same = all(
        not c.children
        and not c.passed
        and not c.unknown
        and (c.op, c.path, c.expected) == (first.op, first.path, first.expected)
        for c in children
    )
    if not same:
        return None
    wanted = show(first.expected) if first.op == "equals" else "one of " + ", ".join(show(v) for v in first.expected)
    one_place = len({c.location for c in children}) == 1

    def value(child: Trace) -> str:
        notes = [child.item] if child.item is not None and child.item != str(child.found) else []
        notes += [] if one_place or child.location is None else [str(child.location)]
        return show(child.found) + (f" ({', '.join(notes)})" if notes else "")

    values = ", ".join(value(c) for c in children[:10])
    more = f" and {len(children) - 10} more" if len(children) > 10 else ""
    where = at(first.location) if one_place else ""
    return f"`{first.path}` is never {wanted}: found {values}{more}{where}"


def op_some(args: dict, ctx: Context) -> Trace:
    found, problem = collection("some", args, ctx)
    problem = problem or unjoinable("some", found, args["as"], args.get("where"), ctx)
    if problem is not None:
        return problem
    check = args.get("check")
    children = []
    rejected: list[Trace] = []
    maybes: list = []
    for bound, label, location, verdict in select(found, args["as"], args.get("where"), ctx, rejected, maybes):
        trace = check.evaluate(bound) if check is not None else verdict
        if trace is None:
            trace = Trace("item", True, f"`{label}` is recorded{at(location)}", location=location)
        children.append(labelled(trace, label))
        if trace.passed:
            reason = f"`{label}` in `{found.path}` qualifies: {trace.reason}"
            children.append(counted_entry(label, location))
            return Trace("some", True, reason, found.path, label, trace.location or location, children=tuple(children))
    which = "matching " if args.get("where") is not None else ""
    filtered = (*undecided_entries(maybes), *turned_away(rejected))
    if not children:
        reason = f"nothing recorded: no {which}entry in `{found.path}`{at(found.location)}"
        if args.get("where") is not None:
            reason = unmatched(found, args["where"], ctx)
        return Trace("some", False, reason, found.path, 0, found.location, children=filtered, unknown=bool(maybes))
    detail = _never(children) or "; ".join(f"{c.item}: {c.reason}" for c in children[:5])
    more = f" (and {len(children) - 5} more)" if len(children) > 5 and not _never(children) else ""
    reason = f"none of {len(children)} {which}entries in `{found.path}` qualifies: {detail}{more}"
    unknown = bool(maybes) or any(c.unknown for c in children)
    return Trace(
        "some",
        False,
        reason,
        found.path,
        len(children),
        found.location,
        children=(*children, *filtered),
        unknown=unknown,
    )


# ---- dates -------------------------------------------------------------------


def _date(op: str, found: Found) -> tuple[dt.date | None, Trace | None]:
    if found.missing or found.value is None:
        return None, _fail_missing(op, found, "a date")
    value = found.value
    if type(value) is not dt.date:
        return None, Trace(
            op,
            False,
            f"`{found.path}` is {show(value)}, not a date{at(found.location)}",
            found.path,
            value,
            found.location,
            "a date",
        )
    return value, None


MAX_DAYS = 36_500  # a hundred years: any longer limit means "never", and date arithmetic would overflow


def _days_limit(args: dict, ctx: Context) -> tuple[int, Trace | None]:
    """The limit in days: from a fact (`days_from`, e.g. a document's review interval) or the fixed `days`."""
    if "days_from" not in args:
        return args["days"], None
    found = resolve(args["days_from"], ctx)
    value = found.value
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_DAYS:
        note = Trace(
            "days_from",
            True,
            f"`{found.path}` sets the limit: {value} days{at(found.location)}",
            found.path,
            value,
            found.location,
        )
        return value, note
    if "days" in args:
        why = found.note or f"`{found.path}` is {show(value)}, not a number of days"
        note = Trace(
            "days_from",
            True,
            f"{why}; using the default of {args['days']} days{at(found.location)}",
            found.path,
            None,
            found.location,
        )
        return args["days"], note
    return -1, _fail_missing("within_days", found, "a number of days")


def op_within_days(args: dict, ctx: Context) -> Trace:
    found = resolve(args["path"], ctx)
    days, limit_note = _days_limit(args, ctx)
    if days < 0:
        return limit_note
    children = (limit_note,) if limit_note is not None else ()
    expected = f"a date from {(ctx.as_of - dt.timedelta(days=days)).isoformat()} to {ctx.as_of.isoformat()}"
    date, problem = _date("within_days", found)
    if problem is not None:
        problem.expected = expected
        problem.children = children
        return problem
    age = (ctx.as_of - date).days
    if age < 0:
        reason = (
            f"`{found.path}` is {date.isoformat()}, after the as-of date {ctx.as_of.isoformat()}{at(found.location)}"
        )
        return Trace("within_days", False, reason, found.path, date, found.location, expected, children=children)
    passed = age <= days
    relation = "within" if passed else "more than"
    when = f"{date.isoformat()}, {age} days before {ctx.as_of.isoformat()}"
    reason = f"`{found.path}` is {when}: {relation} {days} days{at(found.location)}"
    return Trace("within_days", passed, reason, found.path, date, found.location, expected, children=children)


def op_date_order(args: dict, ctx: Context) -> Trace:
    earlier, later = resolve(args["earlier"], ctx), resolve(args["later"], ctx)
    strict = bool(args.get("strict"))
    max_days = args.get("max_days")
    first, problem = _date("date_order", earlier)
    if problem is not None:
        return problem
    second, problem = _date("date_order", later)
    if problem is not None:
        return problem
    gap = (second - first).days
    ordered = gap > 0 if strict else gap >= 0
    close_enough = max_days is None or gap <= max_days
    passed = ordered and close_enough
    word = "after" if strict else "on or after"
    relation = f"is {gap} days after" if ordered and not close_enough else f"{'is' if ordered else 'is not'} {word}"
    limit = f", at most {max_days} days later" if max_days is not None else ""
    reason = (
        f"`{later.path}` {second.isoformat()}{at(later.location)} {relation} "
        f"`{earlier.path}` {first.isoformat()}{at(earlier.location)}{limit}"
    )
    child = Trace("date", True, f"`{earlier.path}` is {first.isoformat()}", earlier.path, first, earlier.location)
    expected = f"{word} {first.isoformat()}{limit}"
    return Trace("date_order", passed, reason, later.path, second, later.location, expected, children=(child,))


# ---- documents and attestations -----------------------------------------


def op_document(args: dict, ctx: Context) -> Trace:
    found = resolve(args["path"], ctx)
    if found.missing or found.value is None:
        return _fail_missing("document", found, "a document in the repository")
    document = found.value
    if not isinstance(document, Document):
        return Trace(
            "document",
            False,
            f"`{found.path}` is {show(document)}, not a document reference{at(found.location)}",
            found.path,
            document,
            found.location,
        )
    if not document.exists:
        reason = f"{document.absence()}{at(document.referenced_at)}"
        return Trace("document", False, reason, found.path, document.path, document.referenced_at, "the file exists")
    children = []
    front = document.front or {}
    for name in args.get("fields", ()):
        value = front.get(name)
        location = front.key_location(name) if name in front else document.location()
        ok = not blank(value)
        reason = f"front matter `{name}` is {show(value)}" if ok else f"front matter has no `{name}`"
        if _written(value):
            reason = f"front matter `{name}` holds only the placeholder {show(value)}"
        children.append(
            Trace("field", ok, f"{reason}{at(location)}", f"{found.path}.{name}", value, location, "a value")
        )
    for heading in args.get("headings", ()):
        line = find_heading(document.headings, heading)
        location = document.location() if line is None else type(document.location())(document.path, line)
        ok = line is not None
        written = document.titles.get(line) if ok else None
        as_written = f" as `{written}`" if written and normalize_heading(written) != normalize_heading(heading) else ""
        reason = f"heading `{heading}` {'found' + as_written if ok else 'missing'}{at(location)}"
        children.append(Trace("heading", ok, reason, found.path, heading if ok else None, location, heading))
    failed = [c for c in children if not c.passed]
    if failed:
        reason = f"`{document.path}`: " + "; ".join(_document_gaps(document, failed))
        return Trace(
            "document", False, reason, found.path, document.path, document.location(), children=tuple(children)
        )
    parts = []
    if args.get("fields"):
        parts.append("front matter " + ", ".join(f"`{name}`" for name in args["fields"]))
    if args.get("headings"):
        parts.append("headings " + ", ".join(f"`{name}`" for name in args["headings"]))
    extra = f" with {' and '.join(parts)}" if parts else ""
    return Trace(
        "document",
        True,
        f"`{document.path}` exists{extra}",
        found.path,
        document.path,
        document.location(),
        children=tuple(children),
    )


def _document_gaps(document: Document, failed: list[Trace]) -> list[str]:
    """A failing document's gaps, each kind said once: `front matter has no `owner`, `version``,
    `headings `Scope`, `Method` missing`, with the nearest heading where one looks like a typo."""
    gaps = []
    absent = [c for c in failed if c.op == "field" and c.location == document.location()]
    if absent:
        names = ", ".join(f"`{c.path.rsplit('.', 1)[-1]}`" for c in absent)
        gaps.append(f"front matter has no {names}{at(document.location())}")
    gaps += [c.reason for c in failed if c.op == "field" and c not in absent]
    missing = [c.expected for c in failed if c.op == "heading"]
    if missing:
        names = ", ".join(f"`{name}`" for name in missing)
        noun = "heading" if len(missing) == 1 else "headings"
        near = [_nearest_heading(document, name) for name in missing]
        hints = "".join(f"; `{name}` may be {hint}" for name, hint in zip(missing, near, strict=True) if hint)
        gaps.append(f"{noun} {names} missing{at(document.location())}{hints}")
    return gaps


def _nearest_heading(document: Document, wanted: str) -> str | None:
    """The heading a misspelt or reworded section most likely is: `Scpoe` (docs/policy.md:12)."""
    target = normalize_heading(wanted)
    titles = {normalize_heading(title): line for line, title in document.titles.items()}
    close = difflib.get_close_matches(target, list(titles), n=1, cutoff=0.75)
    if not close:
        return None
    line = titles[close[0]]
    return f"{show(document.titles[line])} ({document.path}:{line})"


def op_attested(args: dict, ctx: Context) -> Trace:
    statement = args["statement"]
    roles = args.get("roles")
    valid_days = args["valid_days"]
    register = ctx.roots.get("attestations")
    expected = {"statement": statement, "roles": list(roles) if roles else None, "valid_days": valid_days}
    pool = Found("attestations", register if register is not None else MISSING, None)
    candidates = [
        (item, loc) for item, loc, _ in items_of(pool) if isinstance(item, dict) and item.get("statement") == statement
    ]
    if not candidates:
        where = register.location() if register is not None else ctx.undeclared.get("attestations")
        return Trace(
            "attested",
            False,
            f"no attestation of `{statement}` is recorded{at(where)}",
            "attestations",
            None,
            where,
            expected,
        )
    if roles:
        wanted = {r.casefold() for r in roles}
        in_role = [(i, loc) for i, loc in candidates if str(i.get("role", "")).casefold() in wanted]
        if not in_role:
            item, loc = candidates[-1]
            signer = f"{show(item.get('signer'))} as {show(item.get('role'))}{at(loc)}"
            reason = f"`{statement}` was attested by {signer}, but a signer in role {', '.join(roles)} is required"
            return Trace("attested", False, reason, "attestations", item.get("role"), loc, expected)
        candidates = in_role
    # the newest attestation signed by the as-of date: a later one cannot count yet, nor hide an earlier one
    dated = [(i, loc) for i, loc in candidates if type(i.get("signed_on")) is dt.date and i["signed_on"] <= ctx.as_of]
    item, loc = max(dated or candidates, key=lambda pair: (pair[0].get("signed_on") or dt.date.min, pair[0]["id"]))
    signed = item.get("signed_on")
    who = f"{show(item.get('signer'))} ({item.get('role')})"
    if type(signed) is not dt.date:
        return Trace(
            "attested",
            False,
            f"attestation of `{statement}` by {who} has no valid date{at(loc)}",
            "attestations",
            signed,
            loc,
            expected,
        )
    age = (ctx.as_of - signed).days
    if age < 0:
        return Trace(
            "attested",
            False,
            f"attestation of `{statement}` by {who} is dated {signed.isoformat()}, after the as-of date{at(loc)}",
            "attestations",
            signed,
            loc,
            expected,
        )
    until = (signed + dt.timedelta(days=valid_days)).isoformat() if signed.year < 9000 else "9999-12-31"
    if age > valid_days:
        when = f"on {signed.isoformat()} expired on {until} ({valid_days} days)"
        reason = f"attestation of `{statement}` by {who} {when}{at(loc)}"
        return Trace("attested", False, reason, "attestations", signed, loc, expected)
    return Trace(
        "attested",
        True,
        f"{who} attested `{statement}` on {signed.isoformat()}, valid until {until}{at(loc)}",
        "attestations",
        signed,
        loc,
        expected,
    )


# ---- the registry ------------------------------------------------------------

_QUANTIFIER = {"in": "path", "as": "name", "where": "item_pred"}

OPERATORS: dict[str, Operator] = {
    op.name: op
    for op in (
        Operator("all", op_all, {"of": "preds"}, frozenset({"of"}), shorthand="of"),
        Operator("any", op_any, {"of": "preds"}, frozenset({"of"}), shorthand="of"),
        Operator("not", op_not, {"of": "pred"}, frozenset({"of"}), shorthand="of"),
        Operator("exists", op_exists, {"path": "path"}, frozenset({"path"}), shorthand="path"),
        Operator(
            "equals",
            op_equals,
            {"path": "path", "value": "literal", "same_as": "path"},
            frozenset({"path"}),
            one_of=(frozenset({"value", "same_as"}),),
        ),
        Operator("one_of", op_one_of, {"path": "path", "values": "literals"}, frozenset({"path", "values"})),
        Operator(
            "matches", op_matches, {"path": "path", "pattern": "regex", "means": "str"}, frozenset({"path", "pattern"})
        ),
        Operator(
            "count",
            op_count,
            {**_QUANTIFIER, "min": "int", "max": "int"},
            frozenset({"in"}),
            at_least_one=(frozenset({"min", "max"}),),
        ),
        Operator(
            "every", op_every, {**_QUANTIFIER, "check": "item_pred", "allow_empty": "bool"}, frozenset({"in", "check"})
        ),
        Operator("some", op_some, {**_QUANTIFIER, "check": "item_pred"}, frozenset({"in"})),
        Operator(
            "within_days",
            op_within_days,
            {"path": "path", "days": "days", "days_from": "path"},
            frozenset({"path"}),
            at_least_one=(frozenset({"days", "days_from"}),),
        ),
        Operator(
            "date_order",
            op_date_order,
            {"earlier": "path", "later": "path", "strict": "bool", "max_days": "days"},
            frozenset({"earlier", "later"}),
        ),
        Operator("document", op_document, {"path": "path", "fields": "strs", "headings": "strs"}, frozenset({"path"})),
        Operator(
            "attested",
            op_attested,
            {"statement": "str", "roles": "strs", "valid_days": "days"},
            frozenset({"statement", "valid_days"}),
        ),
    )
}

__all__ = ["OPERATORS", "CompiledPath", "Operator", "Predicate"]
