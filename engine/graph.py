"""The dependency graph over rules: cycles and dangling references are load errors.

The graph has one node per rule (never per rule × subject, which would not
scale with the number of AI systems); per-subject blocking is decided by the
evaluator using this order.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from .errors import Collector, RulesError, did_you_mean


def build_graph(rules: Iterable, errors: Collector, known_ids: Iterable[str] = ()) -> nx.DiGraph:
    """Edges run from a prerequisite to the rule that requires it.

    `known_ids` are rules that exist but did not compile; requiring one of
    them is not a dangling reference (its own error is reported already).
    """
    rules = list(rules)
    graph = nx.DiGraph()
    for rule in rules:
        graph.add_node(rule.id, control=rule.control)
    known = set(known_ids) | set(graph)
    for rule in rules:
        for required in rule.requires:
            if required in graph:
                graph.add_edge(required, rule.id)
            elif required not in known:
                hint = did_you_mean(required, known)
                message = f"rule `{rule.id}` requires `{required}`, which is not a loaded rule"
                errors.add(rule.source, rule.requires_line, message, hint)
    by_id = {rule.id: rule for rule in rules}
    requires = graph.reverse(copy=False)  # arrows read "requires", as rule authors write them
    for component in sorted(nx.strongly_connected_components(graph), key=min):
        if len(component) > 1 or any(graph.has_edge(n, n) for n in component):
            start = min(component)
            cycle = [edge[0] for edge in nx.find_cycle(requires.subgraph(component), source=start)]
            spelled = " → ".join(f"`{n}`" for n in [*cycle, cycle[0]])
            rule = by_id[cycle[0]]
            errors.add(
                rule.source,
                rule.requires_line,
                f"dependency cycle: {spelled} (each requires the next)",
                "a rule cannot require itself, directly or through others",
            )
    return graph


def evaluation_order(graph: nx.DiGraph, sort_key) -> list[str]:
    """Prerequisites first; ties broken by catalog order so reports are stable."""
    return list(nx.lexicographical_topological_sort(graph, key=sort_key))


__all__ = ["RulesError", "build_graph", "evaluation_order"]
