"""Keeping every file the engine opens inside the governance repository.

A repository under review is untrusted: a register path such as
`../../etc/passwd`, or a symlink pointing out of the tree, must be refused
before anything is read, never followed.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import Diagnostic, FactsError, safe_text
from .located import Location


def resolve_inside(root: Path, relative: str, referenced_at: Location) -> Path:
    """The real path of `relative` under `root` (already resolved), or a located error."""
    if not relative or os.path.isabs(relative) or relative.startswith("~") or "\x00" in relative:
        raise FactsError(
            [
                Diagnostic(
                    referenced_at.file,
                    referenced_at.line,
                    f"path `{safe_text(relative)}` must be relative to the repository root",
                )
            ]
        )
    candidate = root / relative
    try:
        real = Path(os.path.realpath(candidate))
        real.exists()  # surfaces errors such as a name too long for the file system
    except (OSError, ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else "invalid path"
        raise FactsError([Diagnostic(referenced_at.file, referenced_at.line, f"path `{relative}`: {why}")]) from None
    if not real.is_relative_to(root):
        via = " through a symlink" if Path(os.path.normpath(candidate)).is_relative_to(root) else ""
        raise FactsError(
            [Diagnostic(referenced_at.file, referenced_at.line, f"path `{relative}` leads outside the repository{via}")]
        )
    return real
