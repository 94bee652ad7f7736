"""Hostile governance repositories: every one is refused with exit 2 and a located message.

The contract, for each input below placed in the manifest (`aims.yaml`), in a register
file and, where it means something, in a document's front matter:

    annexa check REPO --as-of 2026-11-28 --format json -o OUT

exits 2; standard error names the file (and the line, where one applies) and holds no
traceback; OUT is not written (nor any temporary file beside it); standard output is
empty; nothing in the repository (or the working directory) is created or changed;
and nothing in the input is executed. A few cases run the real `annexa` executable, to
prove that no traceback reaches a terminal and that nothing hangs.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import AI_POLICY, AI_SYSTEMS, MANIFEST

AS_OF = "2026-11-28"
HUGE = 64 * 1024 * 1024 + 1024  # just over the 64 MiB limit
MANIFEST_FILE = "aims.yaml"
REGISTER_FILE = "registers/ai-systems.yaml"
DOCUMENT_FILE = "docs/ai-policy.md"
REGISTER_LINE_IN_MANIFEST = 10  # `  ai_systems: registers/ai-systems.yaml`
DOCUMENT_LINE_IN_MANIFEST = 12  # `  ai_policy: docs/ai-policy.md`
PWNED = "pwned-marker"  # what the python-tag payloads try to create, in the working directory


def _annexa_executable() -> str:
    found = shutil.which("annexa") or str(Path(sys.executable).parent / "annexa")
    assert Path(found).exists(), "the `annexa` console script is not installed"
    return found


# ---- building hostile files --------------------------------------------------------


def line_of(text: str | bytes, marker: str) -> int:
    """The 1-based line of the only line holding `marker`."""
    lines = (text.decode("latin-1") if isinstance(text, bytes) else text).splitlines()
    found = [number for number, line in enumerate(lines, 1) if marker in line]
    assert len(found) == 1, f"marker {marker!r} should be on exactly one line, found on {found}"
    return found[0]


def _join(base: str, fragment: str | bytes) -> str | bytes:
    return base.encode() + fragment if isinstance(fragment, bytes) else base + fragment


def in_manifest(fragment: str | bytes) -> str | bytes:
    """Top-level keys appended to the manifest."""
    return _join(MANIFEST, fragment)


def in_register(fragment: str | bytes) -> str | bytes:
    """Keys appended to the last entry of the AI system register (indent 4)."""
    return _join(AI_SYSTEMS, fragment)


def in_front_matter(fragment: str | bytes) -> str | bytes:
    """Keys appended to the AI policy's front matter, before its closing `---`."""
    head, tail = AI_POLICY.split("---\n# Purpose", 1)
    tail = "---\n# Purpose" + tail
    if isinstance(fragment, bytes):
        return head.encode() + fragment + tail.encode()
    return head + fragment + tail


TARGETS: dict[str, tuple[str, Callable[[str | bytes], str | bytes], str]] = {
    # where: (file, how to place a fragment, indent of a key at that place)
    "manifest": (MANIFEST_FILE, in_manifest, ""),
    "register": (REGISTER_FILE, in_register, "    "),
    "front_matter": (DOCUMENT_FILE, in_front_matter, ""),
}


def _alias_bomb(i: str) -> str:
    """Billion laughs: nine levels of nine aliases each, ~387 million values if expanded."""
    lines = [f"{i}extra:", f"{i}  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]  # BOMB-START"]
    for level in range(1, 9):
        aliases = ", ".join([f"*l{level - 1}"] * 9)
        end = "  # BOMB-END" if level == 8 else ""
        lines.append(f"{i}  l{level}: &l{level} [{aliases}]{end}")
    return "\n".join(lines) + "\n"


def _write_huge(path: Path, head: str, indent: str, tail: str) -> None:
    """head, then a comment line of more than 64 MiB, then tail; written in chunks."""
    chunk = b"x" * (1024 * 1024)
    with path.open("wb") as stream:
        stream.write(f"{head}{indent}# HOSTILE ".encode())
        for _ in range(HUGE // len(chunk) + 1):
            stream.write(chunk)
        stream.write(f"\n{tail}".encode())


def _huge_file(file: str, indent: str) -> Callable[[Path, Path], None]:
    def setup(repo: Path, outside: Path) -> None:
        head, tail = {
            MANIFEST_FILE: (MANIFEST, ""),
            REGISTER_FILE: (AI_SYSTEMS, ""),
            DOCUMENT_FILE: tuple(in_front_matter("\0").split("\0")),
        }[file]
        _write_huge(repo / file, head, indent, tail)

    return setup


def _sparse_file(file: str) -> Callable[[Path, Path], None]:
    """A sparse file of one tebibyte: its size must be judged before reading, which would fail."""

    def setup(repo: Path, outside: Path) -> None:
        with (repo / file).open("r+b") as stream:
            stream.truncate(1024**4)
        if (repo / file).stat().st_blocks * 512 > 1024**3:
            pytest.skip("this file system does not keep sparse files sparse")

    return setup


def _sparse_marks() -> tuple:
    """Run only where reading 1 TiB at once fails to allocate rather than paging in memory."""
    try:
        overcommit = Path("/proc/sys/vm/overcommit_memory").read_text().strip()
    except OSError:
        overcommit = None
    return (pytest.mark.skipif(overcommit != "0", reason="needs Linux heuristic memory overcommit"),)


def _indented_nesting(i: str) -> str:
    """Block mappings nested 2,000 levels deep by indentation alone (2,000 is as bad as 10,000)."""
    lines = [f"{i}extra:  # NEST-START"]
    lines += [f"{i}{' ' * level}k{level}:" for level in range(1, 2_000)]
    lines.append(f"{i}{' ' * 2_000}deepest: true  # NEST-END")
    return "\n".join(lines) + "\n"


# kind → (fragment at indent i, where stderr must place it, words stderr must contain); the place is
# the line holding a marker, or any line from a first marker to a second one
PAYLOADS: dict[str, tuple[Callable[[str], str | bytes], str | tuple[str, str], tuple[str, ...]]] = {
    "malformed_yaml": (lambda i: f"{i}extra: HOSTILE: nested: on one line\n", "HOSTILE", ("YAML",)),
    "duplicate_key": (lambda i: f"{i}extra: 1\n{i}extra: 2  # HOSTILE\n", "HOSTILE", ("duplicate", "`extra`")),
    "alias_bomb": (_alias_bomb, ("BOMB-START", "BOMB-END"), ("alias",)),
    "recursive_alias": (lambda i: f"{i}extra: &HOSTILE [*HOSTILE]\n", "HOSTILE", ("recursive",)),
    "deep_flow_nesting": (
        lambda i: f"{i}extra: " + "[" * 10_000 + "]" * 10_000 + "  # HOSTILE\n",
        "HOSTILE",
        ("nest",),
    ),
    "deep_indented_nesting": (_indented_nesting, ("NEST-START", "NEST-END"), ("nest",)),
    "deep_block_nesting": (lambda i: f"{i}extra:\n{i}  " + "- " * 10_000 + "HOSTILE\n", "HOSTILE", ("nest",)),
    "non_utf8": (lambda i: f"{i}extra: caf".encode() + b"\xe9 HOSTILE\n", "HOSTILE", ("UTF-8",)),
    "nul_byte": (lambda i: f"{i}extra: a".encode() + b"\x00 HOSTILE\n", "HOSTILE", ("NUL",)),
    "python_apply_os_system": (
        lambda i: f'{i}extra: !!python/object/apply:os.system ["touch {PWNED}"]  # HOSTILE\n',
        "HOSTILE",
        ("tag",),
    ),
    "python_new_subprocess": (
        lambda i: f'{i}extra: !!python/object/new:subprocess.check_call [["touch", "{PWNED}"]]  # HOSTILE\n',
        "HOSTILE",
        ("tag",),
    ),
    "python_name": (lambda i: f"{i}extra: !!python/name:os.system ''  # HOSTILE\n", "HOSTILE", ("tag",)),
    "python_module": (lambda i: f"{i}extra: !!python/module:os ''  # HOSTILE\n", "HOSTILE", ("tag",)),
    "python_verbose_tag": (
        lambda i: f'{i}extra: !<tag:yaml.org,2002:python/object/apply:os.system> ["touch {PWNED}"]  # HOSTILE\n',
        "HOSTILE",
        ("tag",),
    ),
    "python_tag_on_complex_key": (
        lambda i: f'{i}? !!python/object/apply:os.system ["touch {PWNED}"]  # HOSTILE\n{i}: 1\n',
        "HOSTILE",
        ("key",),
    ),
}


@dataclass
class Case:
    """One hostile repository: file overrides for make_repo, then an optional setup step."""

    id: str
    files: dict[str, str | bytes | None] = field(default_factory=dict)
    file: str = MANIFEST_FILE  # the file stderr must name
    line: int | range | None = None  # the line it must name (None: no line applies)
    needles: tuple[str, ...] = ()  # further words the message must contain
    setup: Callable[[Path, Path], None] | None = None  # (repo, outside) → None
    marks: tuple = ()

    def param(self):
        return pytest.param(self, id=self.id, marks=self.marks)


def _payload_cases() -> list[Case]:
    cases = []
    for kind, (fragment, marker, needles) in PAYLOADS.items():
        for where, (file, place, indent) in TARGETS.items():
            text = place(fragment(indent))
            if isinstance(marker, tuple):
                line: int | range = range(line_of(text, marker[0]), line_of(text, marker[1]) + 1)
            else:
                line = line_of(text, marker)
            cases.append(Case(f"{kind}-{where}", {file: text}, file, line, needles))
    return cases


def _replace(base: str, old: str, new: str) -> str:
    assert base.count(old) == 1, old
    return base.replace(old, new)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _set_manifest_line(repo: Path, old: str, new: str) -> None:
    manifest = repo / MANIFEST_FILE
    manifest.write_text(_replace(manifest.read_text(encoding="utf-8"), old, new), encoding="utf-8")


def _register_outside(relative: bool) -> Callable[[Path, Path], None]:
    def setup(repo: Path, outside: Path) -> None:
        _write(outside / "ai-systems.yaml", AI_SYSTEMS)
        target = "../outside/ai-systems.yaml" if relative else str(outside / "ai-systems.yaml")
        _set_manifest_line(repo, "ai_systems: registers/ai-systems.yaml", f"ai_systems: {target}")

    return setup


def _document_outside(relative: bool) -> Callable[[Path, Path], None]:
    def setup(repo: Path, outside: Path) -> None:
        _write(outside / "ai-policy.md", AI_POLICY)
        target = "../outside/ai-policy.md" if relative else str(outside / "ai-policy.md")
        _set_manifest_line(repo, "ai_policy: docs/ai-policy.md", f"ai_policy: {target}")

    return setup


def _symlinked_file(relative_in_repo: str, content: str) -> Callable[[Path, Path], None]:
    def setup(repo: Path, outside: Path) -> None:
        target = outside / Path(relative_in_repo).name
        _write(target, content)
        link = repo / relative_in_repo
        link.unlink()
        link.symlink_to(target)

    return setup


def _symlinked_directory(folder: str, name: str, content: str) -> Callable[[Path, Path], None]:
    def setup(repo: Path, outside: Path) -> None:
        _write(outside / folder / name, content)
        shutil.rmtree(repo / folder)
        (repo / folder).symlink_to(outside / folder, target_is_directory=True)

    return setup


def _move_into_subdirectory(repo: Path, outside: Path) -> None:
    (repo / "sub").mkdir()
    for name in (MANIFEST_FILE, "registers", "docs"):
        (repo / name).rename(repo / "sub" / name)


ITEM_DOC = "    technical_documentation: ../outside/ai-policy.md  # HOSTILE\n"
ABSOLUTE_DOC = "    technical_documentation: /etc/passwd  # HOSTILE\n"
SCOPE_STATEMENT = "  statement: All AI systems of Test Org.\n"
LIST_FRONT_MATTER = "---\n- HOSTILE\n- list\n---\n# Purpose\n"

SPECIFIC_CASES = [
    # ---- more than 64 MiB: a long comment, and a sparse file far too large to read ----
    *(
        Case(f"huge_file-{where}", file=file, needles=("limit",), setup=_huge_file(file, indent))
        for where, (file, _, indent) in TARGETS.items()
    ),
    *(
        Case(
            f"huge_sparse_file-{where}", file=file, needles=("limit",), setup=_sparse_file(file), marks=_sparse_marks()
        )
        for where, (file, _, _) in TARGETS.items()
    ),
    # ---- invalid dates, unquoted (a YAML timestamp) and quoted (a string) ----
    Case(
        "invalid_date_unquoted-manifest",
        {MANIFEST_FILE: _replace(MANIFEST, SCOPE_STATEMENT, SCOPE_STATEMENT + "  approved_on: 2026-02-30\n")},
        MANIFEST_FILE,
        6,
        ("2026-02-30",),
    ),
    Case(
        "invalid_date_quoted-manifest",
        {MANIFEST_FILE: _replace(MANIFEST, SCOPE_STATEMENT, SCOPE_STATEMENT + '  approved_on: "2026-02-30"\n')},
        MANIFEST_FILE,
        6,
        ("2026-02-30", "approved_on"),
    ),
    Case(
        "invalid_date_unquoted-register",
        {REGISTER_FILE: _replace(AI_SYSTEMS, "change: 2026-03-01", "change: 2026-02-30")},
        REGISTER_FILE,
        6,
        ("2026-02-30",),
    ),
    Case(
        "invalid_date_quoted-register",
        {REGISTER_FILE: _replace(AI_SYSTEMS, "change: 2026-03-01", "change: '2026-02-30'")},
        REGISTER_FILE,
        6,
        ("2026-02-30", "last_significant_change"),
    ),
    Case(
        "invalid_date_unquoted-front_matter",
        {DOCUMENT_FILE: _replace(AI_POLICY, "approved_on: 2026-01-15", "approved_on: 2026-02-30")},
        DOCUMENT_FILE,
        6,
        ("2026-02-30",),
    ),
    Case(
        "invalid_date_quoted-front_matter",
        {DOCUMENT_FILE: _replace(AI_POLICY, "approved_on: 2026-01-15", 'approved_on: "2026-02-30"')},
        DOCUMENT_FILE,
        6,
        ("2026-02-30", "approved_on"),
    ),
    # a quoted ISO week date has ten characters too, but is not YYYY-MM-DD
    Case(
        "invalid_date_iso_week-register",
        {REGISTER_FILE: _replace(AI_SYSTEMS, "change: 2026-03-01", "change: '2026-W09-7'")},
        REGISTER_FILE,
        6,
        ("2026-W09-7", "last_significant_change"),
    ),
    Case(
        "invalid_date_iso_week-front_matter",
        {DOCUMENT_FILE: _replace(AI_POLICY, "approved_on: 2026-01-15", 'approved_on: "2026-W03-4"')},
        DOCUMENT_FILE,
        6,
        ("2026-W03-4", "approved_on"),
    ),
    # ---- unknown keys, with a did-you-mean hint ----
    Case(
        "unknown_key-manifest",
        {MANIFEST_FILE: _replace(MANIFEST, "  statement:", "  statment:")},
        MANIFEST_FILE,
        5,
        ("`statment`", "did you mean `statement`"),
    ),
    Case(
        "unknown_key-register",
        {REGISTER_FILE: _replace(AI_SYSTEMS, "owner: Bob", "ownr: Bob")},
        REGISTER_FILE,
        line_of(AI_SYSTEMS, "owner: Bob"),
        ("`ownr`", "did you mean `owner`"),
    ),
    Case(
        "unknown_key-front_matter",
        {DOCUMENT_FILE: _replace(AI_POLICY, "owner: Alice", "ownr: Alice")},
        DOCUMENT_FILE,
        3,
        ("`ownr`", "did you mean `owner`"),
    ),
    # ---- wrong types ----
    Case(
        "wrong_type-manifest",
        {MANIFEST_FILE: _replace(MANIFEST, "  name: Test Org", "  name: [Test, Org]")},
        MANIFEST_FILE,
        3,
        ("name", "string"),
    ),
    Case(
        "wrong_type-register",
        {REGISTER_FILE: _replace(AI_SYSTEMS, "name: System B", "name: 42")},
        REGISTER_FILE,
        8,
        ("name", "string", "42"),
    ),
    Case(
        "wrong_type-front_matter",
        {DOCUMENT_FILE: _replace(AI_POLICY, "review_interval_days: 365", "review_interval_days: yearly")},
        DOCUMENT_FILE,
        8,
        ("review_interval_days", "integer", "yearly"),
    ),
    # ---- the top level is not what the file must hold ----
    Case("not_a_mapping-manifest", {MANIFEST_FILE: "- annexa: 1\n- registers: {}\n"}, MANIFEST_FILE, 1, ("mapping",)),
    Case(
        "wrong_top_level_key-register",
        {REGISTER_FILE: _replace(AI_SYSTEMS, "ai_systems:\n", "risks:\n")},
        REGISTER_FILE,
        1,
        ("`ai_systems`", "`risks`"),
    ),
    Case(
        "extra_top_level_key-register",
        {REGISTER_FILE: AI_SYSTEMS + "risks: []  # HOSTILE\n"},
        REGISTER_FILE,
        1,
        ("`ai_systems`", "`risks`"),
    ),
    Case(
        "not_a_mapping-front_matter",
        {DOCUMENT_FILE: LIST_FRONT_MATTER},
        DOCUMENT_FILE,
        2,
        ("front matter", "mapping"),
    ),
    Case(
        "unclosed-front_matter",
        {DOCUMENT_FILE: "---\ntitle: AI policy\nowner: Alice\n# Purpose\n"},
        DOCUMENT_FILE,
        1,
        ("never closed",),
    ),
    # ---- empty files ----
    Case("empty-manifest", {MANIFEST_FILE: ""}, MANIFEST_FILE, None, ("mapping",)),
    Case("empty-register", {REGISTER_FILE: ""}, REGISTER_FILE, None, ("`ai_systems`",)),
    # ---- a tag on a plain mapping key, inside free-form `extra`, is still a tag ----
    Case(
        "python_tag_on_plain_key-manifest",
        {MANIFEST_FILE: MANIFEST + "extra:\n  !!python/name:os.system HOSTILE: 1\n"},
        MANIFEST_FILE,
        14,
        ("tag",),
    ),
    # ---- paths leaving the repository ----
    Case(
        "register_path_parent-manifest",
        file=MANIFEST_FILE,
        line=REGISTER_LINE_IN_MANIFEST,
        needles=("../outside/ai-systems.yaml", "outside the repository"),
        setup=_register_outside(relative=True),
    ),
    Case(
        "register_path_absolute-manifest",
        file=MANIFEST_FILE,
        line=REGISTER_LINE_IN_MANIFEST,
        needles=("ai-systems.yaml", "relative"),
        setup=_register_outside(relative=False),
    ),
    Case(
        "document_path_parent-manifest",
        file=MANIFEST_FILE,
        line=DOCUMENT_LINE_IN_MANIFEST,
        needles=("../outside/ai-policy.md", "outside the repository"),
        setup=_document_outside(relative=True),
    ),
    Case(
        "document_path_absolute-manifest",
        file=MANIFEST_FILE,
        line=DOCUMENT_LINE_IN_MANIFEST,
        needles=("ai-policy.md", "relative"),
        setup=_document_outside(relative=False),
    ),
    Case(
        "document_path_parent-register",
        {REGISTER_FILE: AI_SYSTEMS + ITEM_DOC},
        REGISTER_FILE,
        line_of(AI_SYSTEMS + ITEM_DOC, "HOSTILE"),
        ("../outside/ai-policy.md", "outside the repository"),
        setup=lambda repo, outside: _write(outside / "ai-policy.md", AI_POLICY),
    ),
    Case(
        "document_path_absolute-register",
        {REGISTER_FILE: AI_SYSTEMS + ABSOLUTE_DOC},
        REGISTER_FILE,
        line_of(AI_SYSTEMS + ABSOLUTE_DOC, "HOSTILE"),
        ("/etc/passwd", "relative"),
    ),
    # ---- symlinks inside the repository that point outside it ----
    Case(
        "symlink_outside-manifest",
        file=MANIFEST_FILE,
        needles=("symlink",),
        setup=_symlinked_file(MANIFEST_FILE, MANIFEST),
    ),
    Case(
        "symlink_outside-register",
        file=MANIFEST_FILE,
        line=REGISTER_LINE_IN_MANIFEST,
        needles=(REGISTER_FILE, "symlink"),
        setup=_symlinked_file(REGISTER_FILE, AI_SYSTEMS),
    ),
    Case(
        "symlink_outside-document",
        file=MANIFEST_FILE,
        line=DOCUMENT_LINE_IN_MANIFEST,
        needles=(DOCUMENT_FILE, "symlink"),
        setup=_symlinked_file(DOCUMENT_FILE, AI_POLICY),
    ),
    Case(
        "symlinked_directory_outside-register",
        file=MANIFEST_FILE,
        line=REGISTER_LINE_IN_MANIFEST,
        needles=(REGISTER_FILE, "symlink"),
        setup=_symlinked_directory("registers", "ai-systems.yaml", AI_SYSTEMS),
    ),
    Case(
        "symlinked_directory_outside-document",
        file=MANIFEST_FILE,
        line=DOCUMENT_LINE_IN_MANIFEST,
        needles=(DOCUMENT_FILE, "symlink"),
        setup=_symlinked_directory("docs", "ai-policy.md", AI_POLICY),
    ),
    # ---- where is the manifest? ----
    Case(
        "missing_manifest",
        {MANIFEST_FILE: None},
        file="<repo>",
        needles=("`aims.yaml`",),
    ),
    Case(
        "misplaced_manifest",
        file="<repo>",
        needles=("`aims.yaml`", "sub/aims.yaml"),
        setup=_move_into_subdirectory,
    ),
]

CASES = [case.param() for case in [*_payload_cases(), *SPECIFIC_CASES]]


# ---- running and judging ------------------------------------------------------------


def snapshot(root: Path) -> dict[str, tuple]:
    """Every entry under root (without following symlinks or opening anything)."""
    entries = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            info = path.lstat()
            content = os.readlink(path) if stat.S_ISLNK(info.st_mode) else None
            entries[path.relative_to(root).as_posix()] = (
                stat.S_IFMT(info.st_mode),
                info.st_size,
                info.st_mtime_ns,
                content,
            )
    return entries


@dataclass
class Scene:
    """A hostile repository and everything needed to show it was left alone."""

    repo: Path
    outside: Path
    out: Path
    workdir: Path
    before: dict[str, tuple]
    outside_before: dict[str, tuple]

    def args(self, path: Path | None = None) -> list[str]:
        target = self.repo if path is None else path
        return ["check", str(target), "--as-of", AS_OF, "--format", "json", "-o", str(self.out)]

    def expected_file(self, case: Case) -> str:
        return str(self.repo) if case.file == "<repo>" else case.file

    def assert_refused(self, case: Case, exit_code: int, stdout: str, stderr: str) -> None:
        assert exit_code == 2, f"exit {exit_code}, stderr:\n{stderr}"
        assert "Traceback" not in stderr, stderr
        assert "internal error" not in stderr, stderr
        assert stdout == "", f"nothing is printed on refusal, got:\n{stdout[:2000]}"
        name = self.expected_file(case)
        if isinstance(case.line, int):
            assert f"{name}:{case.line}:" in stderr, f"expected `{name}:{case.line}:` in:\n{stderr}"
        elif isinstance(case.line, range):
            named = [f"{name}:{n}:" for n in case.line if f"{name}:{n}:" in stderr]
            assert named, f"expected `{name}:N:` with N in {case.line.start}..{case.line.stop - 1} in:\n{stderr}"
        else:
            assert name in stderr, f"expected `{name}` in:\n{stderr}"
        for needle in case.needles:
            assert needle in stderr, f"expected {needle!r} in:\n{stderr}"
        assert not self.out.exists(), "the report must not be written"
        assert list(self.out.parent.iterdir()) == [], "no temporary file may be left beside the output"
        assert snapshot(self.repo) == self.before, "the repository must be left unchanged"
        assert snapshot(self.outside) == self.outside_before, "files outside the repository must be left unchanged"
        assert list(self.workdir.iterdir()) == [], "nothing may be created in the working directory"
        assert not list(self.repo.parent.rglob(PWNED)), "a YAML tag was executed"


@pytest.fixture
def scene(make_repo, tmp_path: Path, monkeypatch):
    def build(case: Case) -> Scene:
        repo = make_repo(case.files)
        outside = tmp_path / "outside"
        outside.mkdir(exist_ok=True)
        if case.setup is not None:
            case.setup(repo, outside)
        out_dir = tmp_path / "out"
        out_dir.mkdir()
        workdir = tmp_path / "cwd"
        workdir.mkdir()
        monkeypatch.chdir(workdir)
        return Scene(repo, outside, out_dir / "report.json", workdir, snapshot(repo), snapshot(outside))

    return build


def run_executable(args: list[str], cwd: Path, timeout: float = 20) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "ANNEXA_DEBUG"}
    try:
        return subprocess.run(
            [_annexa_executable(), *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"`annexa {' '.join(args)}` did not finish within {timeout} s (it hangs)")


@pytest.mark.parametrize("case", CASES)
def test_hostile_repository_is_refused(cli, scene, case: Case) -> None:
    setting = scene(case)
    result = cli(*setting.args())
    setting.assert_refused(case, result.exit_code, result.stdout, result.stderr)


EXECUTABLE_CASES = [
    "malformed_yaml-manifest",
    "alias_bomb-register",
    "recursive_alias-front_matter",
    "deep_flow_nesting-register",
    "deep_block_nesting-manifest",
    "python_apply_os_system-register",
    "non_utf8-front_matter",
    "symlink_outside-register",
    "missing_manifest",
]


@pytest.mark.parametrize("case", [c for c in CASES if c.id in EXECUTABLE_CASES])
def test_hostile_repository_is_refused_by_the_real_executable(scene, case: Case) -> None:
    setting = scene(case)
    result = run_executable(setting.args(), setting.workdir)
    setting.assert_refused(case, result.returncode, result.stdout, result.stderr)


# ---- FIFOs: never opened, so never a hang -------------------------------------------------

FIFO_CASES = [
    pytest.param(MANIFEST_FILE, None, id="fifo-manifest"),
    pytest.param(REGISTER_FILE, REGISTER_LINE_IN_MANIFEST, id="fifo-register"),
    pytest.param(DOCUMENT_FILE, DOCUMENT_LINE_IN_MANIFEST, id="fifo-document"),
]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
@pytest.mark.parametrize(("fifo", "line"), FIFO_CASES)
def test_fifo_is_refused_without_hanging(scene, fifo: str, line: int | None) -> None:
    """A named pipe where a file should be: opening it for reading would block forever."""

    def make_fifo(repo: Path, outside: Path) -> None:
        (repo / fifo).unlink()
        os.mkfifo(repo / fifo)

    # a FIFO in place of a register or document is named where the manifest references it
    case = Case(f"fifo-{fifo}", file=MANIFEST_FILE, line=line, setup=make_fifo)
    setting = scene(case)
    result = run_executable(setting.args(), setting.workdir, timeout=15)
    setting.assert_refused(case, result.returncode, result.stdout, result.stderr)
    assert fifo in result.stderr


# ---- the manifest itself may be given -------------------------------------------------------


def test_manifest_given_as_a_file_path_is_accepted(cli, make_repo, tmp_path: Path) -> None:
    """`annexa check repo/aims.yaml` is the same as `annexa check repo`."""
    repo = make_repo()
    by_directory = tmp_path / "by-directory.json"
    by_file = tmp_path / "by-file.json"
    first = cli("check", repo, "--as-of", AS_OF, "--format", "json", "-o", by_directory)
    second = cli("check", repo / MANIFEST_FILE, "--as-of", AS_OF, "--format", "json", "-o", by_file)
    assert first.exit_code in (0, 1), first.stderr
    assert second.exit_code == first.exit_code, second.stderr
    assert "error" not in second.stderr
    assert by_file.read_bytes() == by_directory.read_bytes()


def test_other_file_given_as_path_is_refused_with_a_hint(cli, make_repo, tmp_path: Path) -> None:
    repo = make_repo()
    out = tmp_path / "report.json"
    result = cli("check", repo / REGISTER_FILE, "--as-of", AS_OF, "--format", "json", "-o", out)
    assert result.exit_code == 2, result.stderr
    assert str(repo / REGISTER_FILE) in result.stderr
    assert "aims.yaml" in result.stderr
    assert not out.exists()


def test_nonexistent_path_is_refused(cli, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-repo"
    out = tmp_path / "report.json"
    result = cli("check", missing, "--as-of", AS_OF, "--format", "json", "-o", out)
    assert result.exit_code == 2, result.stderr
    assert str(missing) in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
