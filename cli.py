"""The `annexa` command: thin click commands over annexa.engine.api.

Heavy imports (networkx, jsonschema, the engine) happen inside commands, so
`annexa --help` stays fast. Exit codes: 0 no gaps at or above the threshold,
1 gaps, 2 bad usage or bad input, 3 an internal error (a bug: please report it).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path

import click

EXIT_GAPS, EXIT_INPUT, EXIT_BUG = 1, 2, 3


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    from annexa.engine.validation import parse_iso_date

    try:
        date = parse_iso_date(value)
    except ValueError:
        raise click.BadParameter(f"`{value}` is not a date as YYYY-MM-DD") from None
    if not 1900 <= date.year <= 2999:
        raise click.BadParameter(f"`{value}` is outside the years 1900 to 2999")
    return date


def _reports_errors(command: Callable) -> Callable:
    """Bad input becomes one clear message per problem and exit 2, never a traceback."""

    @wraps(command)
    def wrapper(*args, **kwargs):
        from annexa.engine.errors import AnnexaInputError

        try:
            return command(*args, **kwargs)
        except AnnexaInputError as exc:
            for diagnostic in exc.diagnostics:
                click.echo(f"annexa: error: {diagnostic}", err=True)
            count = len(exc.diagnostics)
            if count > 1:
                click.echo(f"annexa: {count} errors", err=True)
            sys.exit(EXIT_INPUT)
        except click.exceptions.Exit:
            raise
        except (click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("annexa: interrupted", err=True)
            sys.exit(130)
        except RecursionError:
            click.echo("annexa: error: input nested too deeply to process", err=True)
            sys.exit(EXIT_INPUT)
        except MemoryError:
            click.echo("annexa: error: input too large to process", err=True)
            sys.exit(EXIT_INPUT)
        except Exception as exc:
            if os.environ.get("ANNEXA_DEBUG"):
                raise
            click.echo(f"annexa: internal error: {type(exc).__name__}: {exc} (please report this)", err=True)
            sys.exit(EXIT_BUG)

    return wrapper


def _mode_for(target: Path) -> int:
    """The permissions a plain `>` redirect would give: the existing file's, or 0666 less the umask."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomically(path: str, pieces: Iterable[str]) -> None:
    """Write the whole output or nothing: a temporary file beside the target, then a rename.

    The output comes in pieces so a large report is written as it is encoded,
    never held whole in memory; a failure halfway leaves the target untouched.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise click.UsageError(f"cannot write `{path}`: directory `{folder}` does not exist")
    if target.is_dir():
        raise click.UsageError(f"cannot write `{path}`: it is a directory")
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        os.chmod(temporary, _mode_for(target))
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            for piece in pieces:
                stream.write(piece)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise click.UsageError(f"cannot write `{path}`: {exc.strerror or exc}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def rules_options(command: Callable) -> Callable:
    command = click.option("--no-builtin-rules", is_flag=True, help="Use only the packs given with --rules.")(command)
    return click.option(
        "--rules",
        "rule_dirs",
        multiple=True,
        type=click.Path(file_okay=False),
        help="A directory of extra rule packs (repeatable); a rule with a built-in id replaces it.",
    )(command)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="annexa", prog_name="annexa")
def main() -> None:
    """ISO/IEC 42001 Annex A as code: a gap analysis of a governance repository.

    Example: annexa check fixtures/northwind-ai --as-of 2026-11-28
    """


# Output formats: the module and function that render a report dict (imported only when used).
RENDERERS = {
    "table": ("annexa.engine.render_table", "render_table_text"),
    "json": ("annexa.engine.report", "iter_json"),
    "markdown": ("annexa.engine.render_markdown", "render_markdown"),
    "csv": ("annexa.engine.render_csv", "render_csv"),
    "html": ("annexa.engine.render_html", "render_html"),
    "sarif": ("annexa.engine.render_sarif", "render_sarif"),
    "junit": ("annexa.engine.render_junit", "render_junit"),
}
FAIL_ON = ("major", "minor", "observation", "new", "never")


def render(output_format: str, report: dict) -> str | Iterable[str]:
    """The report in a format: one text, or (JSON) pieces of it to write one after another."""
    import importlib

    module, function = RENDERERS[output_format]
    return getattr(importlib.import_module(module), function)(report)


def emit(text: str | Iterable[str], output: str | None) -> None:
    if output == "":
        raise click.UsageError("`-o` needs a file name (or `-` for standard output)")
    pieces = [text] if isinstance(text, str) else text
    if output and output != "-":
        write_atomically(output, pieces)
    else:
        for piece in pieces:
            click.echo(piece, nl=False)


as_of_option = click.option(
    "--as-of", callback=_parse_date, metavar="YYYY-MM-DD", help="Judge dates as of this day (default: today)."
)
output_option = click.option(
    "-o", "--output", metavar="FILE", help="Write to FILE (atomically: all or nothing) instead of standard output."
)


@main.command()
@click.argument("path", type=click.Path())
@as_of_option
@click.option("--format", "output_format", type=click.Choice(list(RENDERERS)), default="table", show_default=True)
@output_option
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default="observation",
    show_default=True,
    help="Exit 1 for a failing or blocked result at this severity or above; `new`: only for gaps the baseline lacks.",
)
@click.option(
    "--baseline", metavar="FILE", help="An earlier JSON report: mark each gap new or unchanged, list the fixed."
)
@rules_options
@_reports_errors
def check(path, as_of, output_format, output, fail_on, baseline, rule_dirs, no_builtin_rules) -> None:
    """Check the governance repository at PATH against the rules.

    Example: annexa check . --as-of 2026-11-28 --format sarif -o annexa.sarif --baseline main.json --fail-on new
    """
    if fail_on == "new" and not baseline:
        raise click.UsageError("`--fail-on new` needs `--baseline FILE`, the report to compare with")
    from annexa.engine import api

    earlier = api.load_baseline(baseline) if baseline else None
    evaluation = api.check(path, as_of, rule_dirs, builtin_rules=not no_builtin_rules)
    for rule_id, source, replaced in evaluation.ruleset.overrides:
        click.echo(f"annexa: note: rule `{rule_id}` at {source} replaces the one at {replaced}", err=True)
    report = api.report(evaluation)
    if earlier is not None:
        report["baseline"] = api.compare(report, earlier, baseline)
        note = api.baseline_mismatch(report, earlier, baseline)
        if note:
            click.echo(f"annexa: note: {note}", err=True)
    emit(render(output_format, report), output)
    failing = api.gate(report, fail_on)
    if failing:
        statuses = Counter(r["status"] for r in failing)
        counted = ", ".join(f"{n} {status}" for status, n in sorted(statuses.items()))
        first = failing[0]
        whose = f" [{first['subject']}]" if first["subject"] is not None else ""
        source = click.get_current_context().get_parameter_source("fail_on")
        default = "the default; " if source is click.core.ParameterSource.DEFAULT else ""
        summary = f"{len(failing)} result(s) at `--fail-on {fail_on}` ({default}{counted})"
        click.echo(f"annexa: gate: {summary}, first {first['rule']}{whose}", err=True)
    sys.exit(EXIT_GAPS if failing else 0)


@main.command()
@click.argument("path", type=click.Path())
@as_of_option
@click.option(
    "--format", "output_format", type=click.Choice(["markdown", "csv", "json"]), default="markdown", show_default=True
)
@output_option
@rules_options
@_reports_errors
def soa(path, as_of, output_format, output, rule_dirs, no_builtin_rules) -> None:
    """Write the Statement of Applicability: the 38 Annex A controls, applicable or excluded, and why.

    Example: annexa soa . --as-of 2026-11-28 --format markdown -o soa.md
    """
    from annexa.engine import api
    from annexa.engine.soa import build_soa, render_soa

    evaluation = api.check(path, as_of, rule_dirs, builtin_rules=not no_builtin_rules)
    emit(render_soa(build_soa(evaluation), output_format), output)


@main.command()
@click.argument("path", required=False, type=click.Path())
@rules_options
@_reports_errors
def validate(path, rule_dirs, no_builtin_rules) -> None:
    """Check rule packs (schema, operators, dependency graph) and, given PATH, the facts.

    Example: annexa validate --rules ./our-rules .
    """
    from annexa.engine.errors import AnnexaInputError, Collector
    from annexa.engine.facts import load_facts
    from annexa.engine.rules import load_rules

    collected = Collector(AnnexaInputError)
    ruleset = None
    try:
        ruleset = load_rules(list(rule_dirs), builtin=not no_builtin_rules)
    except AnnexaInputError as exc:
        collected.extend(exc)
    facts = None
    if path is not None:
        try:
            facts = load_facts(path)
        except AnnexaInputError as exc:
            collected.extend(exc)
    collected.raise_if_any()
    packs = len(ruleset.packs)
    click.echo(f"rules: {len(ruleset.rules)} rules in {packs} pack{'s' if packs != 1 else ''}, no errors")
    for rule_id, source, replaced in ruleset.overrides:
        click.echo(f"note: rule `{rule_id}` at {source} replaces the one at {replaced}")
    if facts is not None:
        items = sum(len(r) for r in facts.registers.values())
        click.echo(f"facts: {facts.organization_name}, {len(facts.registers)} registers, {items} entries, no errors")
        from annexa.engine.evaluate import waivers_naming_no_rule

        for note in waivers_naming_no_rule(ruleset, facts):
            click.echo(f"note: {note.location}: {note.note}")


@main.command()
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True)
@rules_options
@_reports_errors
def controls(output_format, rule_dirs, no_builtin_rules) -> None:
    """List the catalog: groups, Annex A controls and clauses, with the rules behind each.

    Example: annexa controls --format json
    """
    import json

    from tabulate import tabulate

    from annexa.engine.explain import list_controls
    from annexa.engine.rules import load_rules

    listed = list_controls(load_rules(list(rule_dirs), builtin=not no_builtin_rules))
    if output_format == "json":
        click.echo(json.dumps(listed, indent=1, ensure_ascii=False))
        return
    rows = [(entry["id"], entry["title"], "" if entry["kind"] == "group" else len(entry["rules"])) for entry in listed]
    click.echo(tabulate(rows, headers=("id", "title", "rules"), tablefmt="simple"))


@main.command()
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True)
@rules_options
@_reports_errors
def documents(output_format, rule_dirs, no_builtin_rules) -> None:
    """List the documents the rules read: front matter fields and headings they require, and which rules.

    Named documents (`documents.NAME` in aims.yaml) come first, then documents
    that register entries point to.

    Example: annexa documents --format json
    """
    import json

    from tabulate import tabulate

    from annexa.engine.explain import documents_read
    from annexa.engine.rules import load_rules

    listed = documents_read(load_rules(list(rule_dirs), builtin=not no_builtin_rules))
    if output_format == "json":
        click.echo(json.dumps(listed, indent=1, ensure_ascii=False))
        return
    rows = [(d["document"], ", ".join(d["fields"]), "\n".join(d["headings"]), "\n".join(d["rules"])) for d in listed]
    headers = ("document", "front matter", "headings", "rules")
    click.echo(tabulate(rows, headers=headers, tablefmt="simple", maxcolwidths=[None, 36, None, None]))


@main.command()
@click.argument("entry_id", metavar="ID")
@rules_options
@_reports_errors
def explain(entry_id, rule_dirs, no_builtin_rules) -> None:
    """Explain a control, a clause or a rule: intent, evidence, checks in plain words, dependencies.

    Example: annexa explain A.2.4
    """
    from annexa.engine.explain import explain as explain_lines
    from annexa.engine.rules import load_rules

    ruleset = load_rules(list(rule_dirs), builtin=not no_builtin_rules)
    click.echo("\n".join(explain_lines(ruleset, entry_id)))


@main.command(name="test")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@click.option(
    "--mutate", is_flag=True, help="Also remove each fact a passing result read and require the rule to stop passing."
)
@click.option(
    "--min-coverage",
    type=click.FloatRange(0, 100),
    default=100.0,
    show_default=True,
    help="Percent of rules that must be seen both passing and failing.",
)
@rules_options
@_reports_errors
def test_command(directory, mutate, min_coverage, rule_dirs, no_builtin_rules) -> None:
    """Run rule tests written as data (base repository, patch, expected results), with coverage.

    Example: annexa test ./rule-tests --rules ./our-rules --mutate
    """
    from pathlib import Path

    from annexa.engine import ruletest
    from annexa.engine.rules import builtin_rules_dir

    folder = Path(directory) if directory else builtin_rules_dir() / "tests"
    run = ruletest.run_tests(folder, list(rule_dirs), not no_builtin_rules)
    for outcome in run.outcomes:
        click.echo(f"{'ok  ' if outcome.passed else 'FAIL'} {outcome.name} ({outcome.source})")
        for problem in outcome.problems:
            click.echo(f"     {problem}")
    failed = [o for o in run.outcomes if not o.passed]
    covered = run.covered()
    click.echo(f"cases: {len(run.outcomes)}, failed: {len(failed)}")
    click.echo(
        f"coverage: {len(covered)} of {len(run.rules)} rules seen both passing and failing ({run.coverage():.1f}%)"
    )
    for rule in run.rules:
        if rule not in covered:
            missing = sorted({"pass", "fail"} - run.seen.get(rule, set()))
            click.echo(f"  not covered: {rule} (never asserted to {' or '.join(missing)})")
    survivors = []
    if mutate:
        cases = ruletest.load_cases(ruletest.test_files(folder))
        bases = sorted(
            {
                ((path.parent / case["base"]).resolve(), case.get("as_of", defaults["as_of"]))
                for path, case, defaults in cases
            }
        )
        mutation = ruletest.mutate(bases, list(rule_dirs), not no_builtin_rules)
        survivors = mutation.survivors
        click.echo(
            f"mutations: {mutation.tried} tried, {mutation.killed} made their rule stop passing, "
            f"{mutation.invalid} made the repository invalid, {len(survivors)} left a rule passing"
        )
        for survivor in survivors:
            whose = f" [{survivor.subject}]" if survivor.subject is not None else ""
            click.echo(f"  vacuous: {survivor.rule}{whose} still passes without {survivor.removed}")
    if failed or run.coverage() < min_coverage or survivors:
        sys.exit(EXIT_GAPS)


@main.command()
@click.argument("name", type=click.Choice(["facts", "rules", "report", "tests"]))
@_reports_errors
def schema(name) -> None:
    """Print a published JSON Schema: facts (the governance repository), rules, report or tests.

    Example: annexa schema facts > aims.schema.json
    """
    from annexa.engine.schema_store import as_json

    click.echo(as_json(name), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
