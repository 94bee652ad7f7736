"""Choosing the entries a quantifier judges: collections, `where` filters and joins.

Shared by every quantifier (`every`, `some`, `count`) and by a rule's
`for_each`, so a filter means the same everywhere: an entry the filter
cannot judge is neither in nor out, and a join uses a hash index instead of
scanning a register once per subject. When nothing is selected, the words
here say why: the register is empty, the value to join on is not recorded,
or no entry is the one sought.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .resolve import CompiledPath, Context, Found, items_of, resolve
from .trace import Trace, at, show

if TYPE_CHECKING:
    from .operators import Predicate


def not_a_collection(found: Found) -> str | None:
    """Why a value cannot be quantified over (missing, or not a list), or None when it is a list.

    A missing collection, or a value that is not a list, is never "empty":
    it fails whatever `allow_empty` says, so a misspelt path cannot pass.
    Quantifiers and a rule's `for_each` say it in the same words.
    """
    if found.missing or found.value is None:
        return f"nothing recorded: {found.note or f'`{found.path}` is missing'}{at(found.location)}"
    if not isinstance(found.value, list):
        return f"`{found.path}` is {show(found.value)}, not a list{at(found.location)}"
    return None


def collection(op: str, args: dict, ctx: Context) -> tuple[Found, Trace | None]:
    """The list to quantify over, or the fail that says why there is none."""
    found = resolve(args["in"], ctx)
    problem = not_a_collection(found)
    if problem is not None:
        return found, Trace(op, False, problem, found.path, found.value, found.location, unknown=True)
    return found, None


def select(
    found: Found,
    name: str,
    where: Predicate | None,
    ctx: Context,
    rejected: list | None = None,
    maybes: list | None = None,
):
    """Items of a collection that pass `where`, each with the context that binds it.

    Shared by every quantifier and by a rule's `for_each`, so filtering means
    the same everywhere. Items the filter turns away go to `rejected`, so a
    failing quantifier can say why an entry did not count. Items the filter
    cannot judge (it reads data that is not recorded) go to `maybes`: they are
    neither in nor out, and each quantifier treats them so that missing data
    never helps a check pass.
    """
    for item, location, label in items_of(found, _join_candidates(found, name, where, ctx)):
        bound = ctx.bind(name, Found(f"{found.path}[{label}]", item, location))
        if where is None:
            yield bound, label, location, None
            continue
        verdict = where.evaluate(bound)
        if verdict.passed:
            yield bound, label, location, verdict
        elif verdict.unknown and maybes is not None:
            maybes.append((bound, label, location, labelled(verdict, label)))
        elif rejected is not None:
            rejected.append(labelled(verdict, label))


def undecided_entries(maybes: list) -> list[Trace]:
    """Fails (unknown) for entries whose filter could not be judged."""
    return [
        Trace(
            "where",
            False,
            f"cannot tell whether it counts: {verdict.reason}",
            item=label,
            location=location,
            unknown=True,
        )
        for _, label, location, verdict in maybes
    ]


def _sought(where: Predicate, ctx: Context) -> str:
    """What a filter looks for, with the value it compares against and where that value is recorded.

    "no entry in `competence` has `record.person` equal to `system.owner`
    `Callum Reyes` (registers/ai_systems.yaml:40)" says whom the register
    lacks; "no matching entry" would leave the reader to work it out.
    """
    from .explain import describe  # the plain words of `annexa explain`; imported late, it imports us

    if where.operator.name == "some" and where.args.get("where") is not None:
        inner = where.args["where"]
        if inner.operator.name == "equals" and inner.args["path"].head == where.args["as"]:
            return f"has `{where.args['in'].text}` naming {_compared(inner, ctx)}"
    if where.operator.name == "equals":
        return f"has `{where.args['path'].text}` equal to {_compared(where, ctx)}"
    return f"matches the filter ({describe(where)})"


def _compared(equals: Predicate, ctx: Context) -> str:
    """The value an `equals` compares with: a literal, or a fact with its place."""
    if "same_as" not in equals.args:
        return show(equals.args["value"])
    other = resolve(equals.args["same_as"], ctx)
    return f"`{other.path}` {show(other.value)}{at(other.location)}"


def unmatched(found: Found, where: Predicate, ctx: Context) -> str:
    """Why a filtered quantifier found nothing: the register is empty, or no entry is the one sought."""
    if not found.value:
        return f"nothing recorded: no entries in `{found.path}`{at(found.location)}"
    return f"no entry in `{found.path}`{at(found.location)} {_sought(where, ctx)}; {len(found.value)} recorded"


def turned_away(rejected: list[Trace]) -> tuple[Trace, ...]:
    """A trace node listing entries the `where` filter turned away, with the reason for each."""
    if not rejected:
        return ()
    shown_items = "; ".join(f"{t.item}: {t.reason}" for t in rejected[:5])
    more = f" (and {len(rejected) - 5} more)" if len(rejected) > 5 else ""
    reason = f"{len(rejected)} entries did not match the filter: {shown_items}{more}"
    return (Trace("where", True, reason, children=tuple(rejected[:20])),)


def _join_key(value: object) -> tuple | None:
    """A hashable key with the same notion of equality as `_same`."""
    kind = "bool" if isinstance(value, bool) else "number" if isinstance(value, (int, float)) else type(value).__name__
    try:
        hash(value)
    except TypeError:
        return None
    return (kind, value)


def _join_candidates(found: Found, name: str, where: Predicate | None, ctx: Context) -> list[int] | None:
    """Positions of the items a join can match, from a hash index built once per collection.

    `where: {equals: {path: item.system, same_as: system.id}}` inside a rule that
    runs per AI system would otherwise scan the whole register for every system
    (quadratic in the size of the organization). The full `where` still runs on
    each candidate, so the index changes only the cost, never the verdict.
    """
    plan = _join_plan(name, where)
    if plan is None:
        return None
    field, other, keys_of = plan
    return _indexed(found, field, other, ctx, keys_of)


def _join_plan(name: str, where: Predicate | None) -> tuple[str | None, CompiledPath, Callable] | None:
    """For a filter that is a join: the entry field, the outer fact it must equal, and how to read the field's keys.

    Three shapes are joins: `equals: {path: item.system, same_as: system.id}`
    (possibly first in an `all`); membership in a list of plain values,
    `equals: {path: covered, same_as: system.id}` over `scope.systems` (the
    field is the entry itself, None); and "the entries whose list names it",
    `some: {in: item.systems, as: s, where: {equals: {path: s, same_as: system.id}}}`,
    whose index maps each list element to the entries holding it.
    """
    if where is None:
        return None
    equals = where
    if where.operator.name == "all" and where.args["of"][0].operator.name == "equals":
        equals = where.args["of"][0]
    if equals.operator.name == "some":
        return _membership_plan(name, equals)
    if equals.operator.name != "equals" or "same_as" not in equals.args:
        return None
    path, other = equals.args["path"], equals.args["same_as"]
    if path.head != name or len(path.rest) > 1 or other.head == name:
        return None
    return (path.rest[0] if path.rest else None), other, lambda value: [value]


def _membership_plan(name: str, some: Predicate) -> tuple[str, CompiledPath, Callable] | None:
    inner = some.args.get("where")
    collection = some.args["in"]
    if inner is None or some.args.get("check") is not None or collection.head != name or len(collection.rest) != 1:
        return None
    if inner.operator.name != "equals" or "same_as" not in inner.args:
        return None
    path, other = inner.args["path"], inner.args["same_as"]
    if path.head != some.args["as"] or path.rest or other.head in (name, some.args["as"]):
        return None
    return collection.rest[0], other, lambda value: value if isinstance(value, list) else []


def unjoinable(op: str, found: Found, name: str, where: Predicate | None, ctx: Context) -> Trace | None:
    """A join on an outer fact that is not recorded: an unknown fail, said once, without judging every entry.

    No entry can be shown to match a value nobody recorded, nor to miss it,
    so the quantifier cannot be judged (`not` keeps it so). Scanning the
    register to find that out, entry by entry, cost time in proportion to
    the register for every subject: quadratic in the organization's size.
    """
    plan = _join_plan(name, where)
    if plan is None or not found.value:
        return None
    other = resolve(plan[1], ctx)
    if not (other.missing or other.value is None):
        return None
    reason = f"`{other.path}` is not recorded{at(other.location)}, so no entry in `{found.path}` can be matched to it"
    return Trace(op, False, reason, found.path, None, found.location, unknown=True)


def _indexed(found: Found, field: str | None, other: CompiledPath, ctx: Context, keys_of) -> list[int] | None:
    """Candidates whose `field` (or an element of it; the entry itself when None) equals the outer value.

    An entry without the field never matches.
    """
    target = resolve(other, ctx)
    wanted = _join_key(target.value)
    if target.missing or wanted is None:
        return None
    cache_key = (id(found.value), field, keys_of(None) == [None])
    index = ctx.indexes.get(cache_key)
    if index is None:
        index = {}
        for position, item in enumerate(found.value):
            if field is None:
                value_of = item
            elif isinstance(item, dict) and field in item:
                value_of = item[field]
            else:
                continue
            for value in keys_of(value_of):
                key = _join_key(value)
                if key is not None:
                    positions = index.setdefault(key, [])
                    if not positions or positions[-1] != position:
                        positions.append(position)
        ctx.indexes[cache_key] = index
    return index.get(wanted, [])


def counted_entry(label: str, location) -> Trace:
    """A trace node for an entry that counted, at the line where the entry starts."""
    return Trace("entry", True, f"`{label}` counts{at(location)}", location=location, item=label)


def labelled(trace: Trace, label: str) -> Trace:
    trace.item = label
    return trace
