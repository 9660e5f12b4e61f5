"""Rendered reports kept on disk until the log changes: the file name carries the exercise's
``last_seq`` and the reader's view (``exercise-<id>-<last_seq>-<lang>-<view>-<stamp>.<fmt>``), so
any new event names a new file and each view has its own; older files of the same exercise,
language, view and format are removed once the new one is in place."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

from wargame.exercises.views_of import CONTROL
from wargame.reports.aar.render import report_html, report_pdf
from wargame.reports.aar.text import report_language

if TYPE_CHECKING:
    from wargame.exercises.models import Exercise
    from wargame.reports.aar.render import Progress

FORMATS = ("html", "pdf")


def reports_dir() -> Path:
    folder = Path(settings.VAR_DIR) / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _view_part(view: str) -> str:
    return view.replace(":", "-").lower()


def report_file_name(exercise: Exercise, lang: str, fmt: str, view: str = CONTROL) -> str:
    """Named by exercise, log position, language and format; the creation stamp keeps a file of
    a deleted exercise (or of a database restored or reset beside the same folder) from being
    served for a new exercise that got the same id and reached the same ``last_seq``."""
    stamp = int(exercise.created_at.timestamp() * 1_000_000)
    view_part = _view_part(view)
    return f"exercise-{exercise.pk}-{exercise.last_seq}-{lang}-{view_part}-{stamp:x}.{fmt}"


def _write(path: Path, content: bytes) -> None:
    """Atomically: a reader never sees half a report, and two renders race harmlessly."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        Path(temporary).replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            Path(temporary).unlink()
        raise


def _drop_older(
    folder: Path, exercise: Exercise, lang: str, view: str, fmt: str, keep: Path
) -> None:
    for old in folder.glob(f"exercise-{exercise.pk}-*-{lang}-{_view_part(view)}-*.{fmt}"):
        if old != keep:
            with contextlib.suppress(FileNotFoundError):
                old.unlink()


def cached_report_path(exercise: Exercise, lang: str, fmt: str, view: str = CONTROL) -> Path | None:
    """The report file of the exercise as ``view`` may read it and as its log stands now, if
    it has been rendered."""
    exercise.refresh_from_db(fields=["last_seq"])
    language = report_language(lang, exercise.language)
    path = reports_dir() / report_file_name(exercise, language, fmt, view)
    return path if path.exists() else None


def cached_report(
    exercise: Exercise,
    lang: str,
    fmt: str,
    progress: Progress | None = None,
    view: str = CONTROL,
) -> Path:
    """The report file of the exercise as ``view`` may read it and as its log stands now,
    rendered only if absent."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}")
    exercise.refresh_from_db(fields=["last_seq", "view_positions"])
    language = report_language(lang, exercise.language)
    folder = reports_dir()
    path = folder / report_file_name(exercise, language, fmt, view)
    if path.exists():
        if progress is not None:
            progress(100, "cached")
        return path
    if fmt == "pdf":
        content = report_pdf(exercise, language, progress, view)
    else:
        content = report_html(exercise, language, progress, view).encode()
    _write(path, content)
    _drop_older(folder, exercise, language, view, fmt, keep=path)
    return path
