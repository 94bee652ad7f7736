"""The built-in catalog (controls/catalog.yaml): its schema, its facts and its graph.

Ids and titles are facts and are compared with the shared reference tables;
intent and evidence are ours and must be present; `builds_on`, `objectives`
and `risk_sources` must name entries that exist, and `builds_on` must form
an acyclic graph between leaves.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import jsonschema
import networkx as nx
import pytest
import yaml

from annexa.engine.catalog import load_catalog

CONTROLS_DIR = Path(__file__).resolve().parents[1] / "controls"
REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"
ROLES = {"provider", "producer", "customer", "partner"}


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that rejects duplicate keys (PyYAML silently keeps the last one)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict:
    seen: dict[object, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise AssertionError(f"duplicate key `{key}` at line {key_node.start_mark.line + 1} (first at {seen[key]})")
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _load(name: str) -> dict:
    return yaml.load((CONTROLS_DIR / name).read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)


@pytest.fixture(scope="module")
def catalog() -> dict:
    return _load("catalog.yaml")


@pytest.fixture(scope="module")
def entries(catalog: dict) -> dict[str, dict]:
    """Controls and clauses by id."""
    return {e["id"]: e for e in catalog["controls"] + catalog["clauses"]}


@pytest.fixture(scope="module")
def graph(entries: dict[str, dict]) -> nx.DiGraph:
    """An edge from each entry to each entry it builds on."""
    g = nx.DiGraph()
    g.add_nodes_from(entries)
    g.add_edges_from((entry_id, target) for entry_id, e in entries.items() for target in e["builds_on"])
    return g


def _reference(name: str) -> list[dict[str, str]]:
    if not REFERENCE.is_dir():
        reason = f"the shared reference tables are not here ({REFERENCE}): titles cannot be compared"
        print(reason)
        pytest.skip(reason)
    with (REFERENCE / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


# -- shape -------------------------------------------------------------------------


def test_the_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(_load("catalog.schema.yaml"))


def test_the_catalog_validates_against_its_schema(catalog: dict):
    validator = jsonschema.Draft202012Validator(_load("catalog.schema.yaml"))
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(catalog)]
    assert errors == []


def test_every_object_in_the_schema_is_closed():
    def objects(node: object):
        if isinstance(node, dict):
            if node.get("type") == "object":
                yield node
            for value in node.values():
                yield from objects(value)
        elif isinstance(node, list):
            for value in node:
                yield from objects(value)

    found = list(objects(_load("catalog.schema.yaml")))
    assert found
    assert all(o.get("additionalProperties") is False for o in found)


def test_the_schema_rejects_a_stray_key_and_a_missing_field(catalog: dict):
    validator = jsonschema.Draft202012Validator(_load("catalog.schema.yaml"))
    control = dict(catalog["controls"][0], note="stray")
    assert not validator.is_valid(dict(catalog, controls=[control]))
    clause = {k: v for k, v in catalog["clauses"][1].items() if k != "builds_on"}
    assert not validator.is_valid(dict(catalog, clauses=[clause]))
    wrong = dict(catalog["controls"][0], objectives=["C.3.1"])
    assert not validator.is_valid(dict(catalog, controls=[wrong]))


# -- facts: ids and titles ---------------------------------------------------------------


def test_38_controls_and_43_clauses_with_unique_ids(catalog: dict):
    ids = [e["id"] for e in catalog["controls"] + catalog["clauses"]]
    assert len(catalog["controls"]) == 38
    assert len(catalog["clauses"]) == 43
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    assert len({g["id"] for g in catalog["groups"]}) == len(catalog["groups"]) == 9
    assert len({c["id"] for c in catalog["annex_c"]}) == len(catalog["annex_c"])


def test_controls_and_groups_match_the_reference(catalog: dict):
    reference = _reference("annex-a-controls.tsv")
    assert [(c["id"], c["group"], c["title"]) for c in catalog["controls"]] == [
        (r["id"], r["group_id"], r["title"]) for r in reference
    ]
    groups = list(dict.fromkeys((r["group_id"], r["group_title"]) for r in reference))
    assert [(g["id"], g["title"]) for g in catalog["groups"]] == groups


def test_clauses_match_the_reference(catalog: dict):
    reference = _reference("clauses.tsv")
    assert [(c["id"], c["title"]) for c in catalog["clauses"]] == [(r["id"], r["title"]) for r in reference]


def test_annex_c_matches_the_reference(catalog: dict):
    reference = _reference("annex-c.tsv")
    assert [(c["id"], c["kind"], c["name"]) for c in catalog["annex_c"]] == [
        (r["id"], r["kind"], r["name"]) for r in reference
    ]


def test_groups_and_parents_exist(catalog: dict):
    groups = {g["id"] for g in catalog["groups"]}
    assert [c["id"] for c in catalog["controls"] if c["group"] not in groups] == []
    assert all(c["id"].startswith(c["group"] + ".") for c in catalog["controls"])
    clause_ids = {c["id"] for c in catalog["clauses"]}
    for clause in catalog["clauses"]:
        if clause["parent"] is None:
            assert "." not in clause["id"], clause["id"]
        else:
            assert clause["parent"] in clause_ids, clause["id"]
            assert clause["id"].rsplit(".", 1)[0] == clause["parent"], clause["id"]


# -- what we wrote: intent, evidence, roles --------------------------------------------------


def test_every_entry_has_an_intent_and_evidence(entries: dict[str, dict]):
    for entry_id, entry in entries.items():
        assert entry["intent"].strip(), entry_id
        assert entry["evidence"], entry_id
        assert all(item.strip() for item in entry["evidence"]), entry_id


def test_intents_are_one_to_three_sentences(entries: dict[str, dict]):
    for entry_id, entry in entries.items():
        sentences = re.findall(r"[.!?](?:\s|$)", entry["intent"].strip())
        assert 1 <= len(sentences) <= 3, (entry_id, entry["intent"])


def test_roles_are_22989_roles_and_clauses_apply_to_every_role(catalog: dict):
    for control in catalog["controls"]:
        assert set(control["roles"]) <= ROLES, control["id"]
    for clause in catalog["clauses"]:
        assert set(clause["roles"]) == ROLES, clause["id"]


# -- references and the graph ----------------------------------------------------------------


def test_every_reference_exists(catalog: dict, entries: dict[str, dict]):
    kinds = {c["id"]: c["kind"] for c in catalog["annex_c"]}
    dangling = []
    for entry_id, entry in entries.items():
        dangling += [(entry_id, "builds_on", t) for t in entry["builds_on"] if t not in entries]
        dangling += [(entry_id, "objectives", t) for t in entry["objectives"] if kinds.get(t) != "objective"]
        dangling += [(entry_id, "risk_sources", t) for t in entry["risk_sources"] if kinds.get(t) != "risk_source"]
    assert dangling == []


def test_builds_on_has_no_cycle(graph: nx.DiGraph):
    assert [e for e in graph.edges if e[0] == e[1]] == []
    if not nx.is_directed_acyclic_graph(graph):
        pytest.fail(f"builds_on has a cycle: {nx.find_cycle(graph)}")


def test_builds_on_runs_between_leaves(catalog: dict, entries: dict[str, dict]):
    """Rules attach to leaves, so dependencies do too; a parent's are its children's."""
    parents = {c["parent"] for c in catalog["clauses"] if c["parent"] is not None}
    assert [i for i in parents if entries[i]["builds_on"]] == []
    assert [(i, t) for i, e in entries.items() for t in e["builds_on"] if t in parents] == []


@pytest.mark.parametrize(
    ("entry_id", "prerequisite"),
    [
        ("A.2.3", "A.2.2"),
        ("A.2.4", "A.2.2"),
        ("A.5.3", "A.5.2"),
        ("A.5.4", "A.5.2"),
        ("A.5.5", "A.5.2"),
        ("5.2", "A.2.2"),
        ("6.1.3", "6.1.2"),
        ("6.1.4", "A.5.2"),
        ("8.2", "6.1.2"),
        ("8.3", "6.1.3"),
        ("8.4", "6.1.4"),
    ],
)
def test_the_structure_of_the_standard_is_kept(entries: dict[str, dict], entry_id: str, prerequisite: str):
    assert prerequisite in entries[entry_id]["builds_on"]


def test_every_annex_c_entry_is_served_or_addressed_somewhere(catalog: dict, entries: dict[str, dict]):
    linked = {t for e in entries.values() for t in e["objectives"] + e["risk_sources"]}
    assert [c["id"] for c in catalog["annex_c"] if c["id"] not in linked] == []


# -- the engine's loader -----------------------------------------------------------------------


def test_the_engine_loads_the_same_catalog(catalog: dict):
    loaded = load_catalog()
    assert list(loaded.entries) == [c["id"] for c in catalog["controls"]] + [c["id"] for c in catalog["clauses"]]
    assert all(loaded.entries[e["id"]].title == e["title"] for e in catalog["controls"] + catalog["clauses"])
    assert list(loaded.groups) == [g["id"] for g in catalog["groups"]] + [str(n) for n in range(4, 11)]
    assert sum(1 for e in loaded.entries if loaded.is_leaf(e)) == 38 + 43 - 11
