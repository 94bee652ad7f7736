"""Benchmark `annexa check` against the cost of merely parsing the same YAML.

Usage:
    python bench/run.py [--sizes 100,1000,10000] [--repeat 3] [--seed 1] [--json out.json]

For each size, a synthetic organization is generated into bench/out/ (once; a
stamp of the generator's sources says when it must be rebuilt). Each measurement
runs in a fresh process, so imports, caches and memory never leak between runs;
times are wall-clock medians of --repeat runs of the whole process (interpreter
start included, as a user pays it), memory is the process's peak RSS. The check
is reported as a ratio to the bare parse because that ratio, unlike seconds,
carries over between machines; the parse is timed with the garbage collector on
(what a plain yaml.load costs) and off (the fastest mere parse), and the check
is compared with both.

Exit status: 0 when every run succeeded, 1 when a run failed or the engine is
not installed (use --parse-only to measure parsing alone).
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
AS_OF = "2026-11-28"
GENERATOR_SOURCES = [
    HERE / "generate.py",
    HERE / "vocabulary.py",
    HERE / "documents.py",
    ROOT / "controls" / "catalog.yaml",
]
API_FUNCTIONS = ("check", "report", "iter_json")


class RunFailed(Exception):
    """A measured process failed; the message says which and why."""


@dataclass
class Sample:
    """One measured process: wall-clock seconds and peak resident memory."""

    seconds: float
    peak_mib: float


@dataclass
class Row:
    """All measurements for one organization size."""

    systems: int
    yaml_mib: float
    parse: list[Sample] = field(default_factory=list)
    parse_gc_off: list[Sample] = field(default_factory=list)
    check: list[Sample] = field(default_factory=list)


# ---- children: each runs in its own interpreter ------------------------------------


def child_parse(org: Path, gc_off: bool) -> None:
    """Bare parse: every YAML file with the C loader, and every Markdown file's bytes."""
    import yaml

    if gc_off:
        gc.disable()
    for path in sorted(org.rglob("*")):
        if path.suffix in (".yaml", ".yml"):
            yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
        elif path.suffix == ".md":
            path.read_bytes()


def child_api(org: Path, out_json: Path) -> int:
    """The work of `annexa check --format json -o FILE`, through the Python API.

    api.check evaluates; api.report and api.iter_json are the JSON report,
    written piece by piece as the command writes it, so this does what the
    command does minus click and option parsing.
    """
    import datetime as dt

    from annexa.engine import api

    packs = os.environ.get("ANNEXA_BENCH_RULES")  # --rules: only these packs, not the built-in ones
    if packs:
        evaluation = api.check(org, dt.date.fromisoformat(AS_OF), [packs], builtin_rules=False)
    else:
        evaluation = api.check(org, as_of=dt.date.fromisoformat(AS_OF))
    with out_json.open("w", encoding="utf-8") as stream:
        for piece in api.iter_json(api.report(evaluation)):
            stream.write(piece)
    return 0


def child_cli(org: Path, out_json: Path) -> int:
    """`python -m annexa.cli check ORG --as-of … --format json -o FILE`, run in this process.

    runpy gives exactly what `-m` gives, while this wrapper can still report the
    peak memory of the process when the command exits.
    """
    import runpy

    sys.argv = ["annexa", "check", str(org), "--as-of", AS_OF, "--format", "json", "-o", str(out_json)]
    try:
        runpy.run_module("annexa.cli", run_name="__main__", alter_sys=True)
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 1 if done.code else 0
    return 0


def peak_mib() -> float:
    """This process's peak RSS since exec.

    VmHWM belongs to the new address space; ru_maxrss would also count the
    parent's pages at fork time, which inflated small runs by the parent's size.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


CHILDREN = {"parse": child_parse, "api": child_api, "cli": child_cli}


def run_child(kind: str, org: Path, out_json: Path | None, report_to: Path) -> int:
    """Entry point of a measured process: do one kind of work, then record peak memory."""
    try:
        if kind in ("parse", "parse-gc-off"):
            child_parse(org, gc_off=kind == "parse-gc-off")
            return 0
        return CHILDREN[kind](org, out_json)
    except Exception:  # exit 1 means "gaps found" for the check, so an error needs its own code
        traceback.print_exc()
        return 3
    finally:
        report_to.write_text(json.dumps({"peak_mib": peak_mib()}))


# ---- the parent: generate, launch, measure --------------------------------------------


def measure(kind: str, org: Path, out_json: Path | None = None) -> tuple[Sample, str]:
    """Run one fresh process; return its wall time, its peak RSS and its stderr tail."""
    with tempfile.TemporaryDirectory() as scratch:
        report_to = Path(scratch) / "peak.json"
        argv = [sys.executable, str(HERE / "run.py"), "--child", kind, str(org), "--report-to", str(report_to)]
        if out_json is not None:
            argv += ["--out-json", str(out_json)]
        start = time.perf_counter()
        done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        seconds = time.perf_counter() - start
        tail = done.stderr[-2000:].decode("utf-8", "replace").strip()
        allowed = (0, 1) if kind == "cli" else (0,)  # `annexa check` exits 1 when it finds gaps
        if done.returncode not in allowed or not report_to.is_file():
            raise RunFailed(f"{kind} run on {org.name} exited {done.returncode}\n{tail}")
        peak = json.loads(report_to.read_text())["peak_mib"]
    return Sample(seconds, peak), tail


def stamp(size: int, seed: int) -> str:
    """What the generated organization depends on: if it changes, regenerate."""
    digest = hashlib.sha256(f"{size}:{seed}".encode())
    for source in GENERATOR_SOURCES:
        digest.update(source.read_bytes())
    return digest.hexdigest()


def ensure_org(size: int, seed: int) -> Path:
    """Generate the organization unless an up-to-date copy is already in bench/out/."""
    org = OUT / f"org-{size}-s{seed}"
    marker = OUT / f"org-{size}-s{seed}.stamp"
    wanted = stamp(size, seed)
    if org.is_dir() and marker.is_file() and marker.read_text() == wanted:
        return org
    OUT.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".org-{size}-", dir=OUT))
    print(f"generating {size} systems into {org.relative_to(ROOT)} …", file=sys.stderr)
    argv = [sys.executable, str(HERE / "generate.py"), "--systems", str(size)]
    result = subprocess.run([*argv, "--out", str(staging), "--seed", str(seed)], stdout=subprocess.DEVNULL, check=False)
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise RunFailed(f"generating {size} systems failed (exit {result.returncode})")
    shutil.rmtree(org, ignore_errors=True)
    staging.rename(org)  # only a complete organization ever gets the final name
    marker.write_text(wanted)
    return org


def yaml_mib(org: Path) -> float:
    return sum(p.stat().st_size for p in org.rglob("*.yaml")) / 2**20


def engine_mode(via: str) -> tuple[str | None, str]:
    """How to run the check: ('api'|'cli', description), or (None, why it cannot run).

    `auto` prefers the API (it isolates the engine from click) and falls back
    to the command line, so the benchmark works at every stage of the engine.
    """
    if not _has_module("annexa"):
        return None, f"the annexa package is not importable from {sys.executable}; run: pip install -e {ROOT}"
    if via in ("auto", "api") and _api_usable():
        return "api", "Python API (annexa.engine.api: check, report, iter_json)"
    if via in ("auto", "cli") and _has_module("annexa.cli"):
        return "cli", f"command line ({Path(sys.executable).name} -m annexa.cli check --format json -o FILE)"
    wanted = {"auto": "annexa.engine.api or annexa.cli", "api": "annexa.engine.api", "cli": "annexa.cli"}[via]
    return None, f"annexa is installed but {wanted} is missing or incomplete"


def _has_module(name: str) -> bool:
    """Whether a module can be found, without importing it into this lean parent."""
    probe = f"import importlib.util, sys; sys.exit(importlib.util.find_spec({name!r}) is None)"
    return subprocess.run([sys.executable, "-c", probe], capture_output=True, check=False).returncode == 0


def _api_usable() -> bool:
    """Probe in a separate process: importing the engine here would bloat every fork."""
    probe = f"from annexa.engine import api; assert all(callable(getattr(api, n, None)) for n in {API_FUNCTIONS!r})"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, check=False)
    return done.returncode == 0


def run_check(mode: str, org: Path) -> Sample:
    """One check run; a run that exits cleanly but writes no JSON report also fails."""
    with tempfile.TemporaryDirectory() as scratch:
        out_json = Path(scratch) / "report.json"
        sample, tail = measure(mode, org, out_json)
        if not out_json.is_file():
            raise RunFailed(f"the check of {org.name} wrote no report to {out_json}\n{tail}")
        json.loads(out_json.read_text(encoding="utf-8"))
    return sample


def measure_size(size: int, args: argparse.Namespace, mode: str | None) -> Row:
    org = ensure_org(size, args.seed)
    row = Row(size, yaml_mib(org))
    for _ in range(args.repeat):
        row.parse.append(measure("parse", org)[0])
        row.parse_gc_off.append(measure("parse-gc-off", org)[0])
        if mode is not None:
            row.check.append(run_check(mode, org))
        print(f"  {size} systems: run {len(row.parse)}/{args.repeat} done", file=sys.stderr)
    return row


# ---- the report -----------------------------------------------------------------------


def median(samples: list[Sample]) -> float:
    return statistics.median(s.seconds for s in samples)


def peak(samples: list[Sample]) -> float:
    return max(s.peak_mib for s in samples)


def table(rows: list[Row]) -> list[str]:
    """A Markdown table; growth compares per-system cost with the previous size."""
    lines = [
        "| systems | YAML MiB | parse s | parse s (gc off) | check s | check/parse | check/parse (gc off) "
        "| peak MiB parse | peak MiB check | check ms/system | per-system growth |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    previous: Row | None = None
    for row in rows:
        parse, parse_gc_off = median(row.parse), median(row.parse_gc_off)
        cells = [f"{row.systems:,}", f"{row.yaml_mib:.1f}", f"{parse:.3f}", f"{parse_gc_off:.3f}"]
        if row.check:
            check = median(row.check)
            per_system = check / row.systems * 1000
            growth = "—"
            if previous is not None and previous.check:
                before = median(previous.check) / previous.systems * 1000
                growth = f"x{per_system / before:.2f}"
            cells += [f"{check:.3f}", f"{check / parse:.1f}x", f"{check / parse_gc_off:.1f}x"]
            cells += [f"{peak(row.parse):.0f}", f"{peak(row.check):.0f}", f"{per_system:.2f}", growth]
        else:
            cells += ["—", "—", "—", f"{peak(row.parse):.0f}", "—", "—", "—"]
        lines.append("| " + " | ".join(cells) + " |")
        previous = row
    lines += [
        "",
        "Times are whole-process wall clock (interpreter start included). Per-system growth is",
        "check ms/system divided by that of the previous size: x1.00 is linear, above is worse.",
    ]
    return lines


def as_json(rows: list[Row], description: str) -> dict:
    """The same figures, every sample kept, for trend tracking between commits."""
    return {
        "as_of": AS_OF,
        "check_via": description,
        "sizes": [
            {
                "systems": row.systems,
                "yaml_mib": round(row.yaml_mib, 2),
                **{
                    name: [{"seconds": s.seconds, "peak_mib": s.peak_mib} for s in samples]
                    for name, samples in (
                        ("parse", row.parse),
                        ("parse_gc_off", row.parse_gc_off),
                        ("check", row.check),
                    )
                },
            }
            for row in rows
        ],
    }


# ---- command line ----------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="comma-separated system counts")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--via", choices=["auto", "api", "cli"], default="auto", help="how to run the check")
    parser.add_argument("--parse-only", action="store_true", help="skip the engine")
    parser.add_argument("--rules", type=Path, help="check with only the rule packs in this directory (API runs)")
    parser.add_argument("--json", type=Path, help="also write every sample to this file")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "ORG"), help=argparse.SUPPRESS)
    parser.add_argument("--report-to", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out-json", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes must be comma-separated integers, not {args.sizes!r}")
    if not args.sizes or min(args.sizes) < 1 or args.repeat < 1:
        parser.error("--sizes and --repeat must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child is not None:
        kind, org = args.child
        return run_child(kind, Path(org), args.out_json, args.report_to)
    if args.rules is not None:
        os.environ["ANNEXA_BENCH_RULES"] = str(args.rules.resolve())  # inherited by every child run
    mode, description = (None, "skipped (--parse-only)") if args.parse_only else engine_mode(args.via)
    if mode is None and not args.parse_only:
        print(f"annexa engine absent: {description}", file=sys.stderr)
    rows, failed = [], mode is None and not args.parse_only
    for size in args.sizes:
        try:
            rows.append(measure_size(size, args, mode))
        except RunFailed as error:
            print(f"run failed: {error}", file=sys.stderr)
            failed = True
            break
    heading = f"check via {description}" if mode else f"check not run: {description}"
    print(f"{heading}; medians of {args.repeat} runs; as of {AS_OF}\n")
    print("\n".join(table(rows)))
    if mode is None and not args.parse_only:
        print(f"\nannexa engine absent: {description}", file=sys.stderr)
    if args.json is not None:
        args.json.write_text(json.dumps(as_json(rows, description), indent=2) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
