"""The screens rows, their goals, and a compact table of them for people.

Goals: screen current p99 <= 3x the plain frame p99 of the same run and N; region renders per
action <= one per (view, language, region the action changes) among the browsers present;
0 non-2xx; 0 lost frames. A browser not current by the deadline, or whose fetch failed (its region
stays stale), counts as the deadline in the percentiles and is named in the row.
"""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING

from bench.results import Row

if TYPE_CHECKING:
    from bench.screens.measure import Sample

CURRENT_GOAL = 3.0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def rows_of(
    samples: dict[tuple[str, int, str, str], list[Sample]], model: str, deadline_s: float
) -> list[Row]:
    rows: list[Row] = []
    keys = sorted({(t, n, a) for t, n, m, a in samples if m == model}, key=_order)
    for topology, n, action in keys:
        plain = samples.get((topology, n, "plain", action), [])
        page = samples[(topology, n, model, action)]
        frame_p99 = percentile([ms for s in plain for ms in s.frame_ms], 0.99)
        late = sum(s.not_current for s in page)
        current = [ms for s in page for ms in s.current_ms] + [deadline_s * 1000] * late
        renders = statistics.median(s.renders for s in page)
        passes = statistics.median(s.passes for s in page)
        bound = max(s.render_bound for s in page)
        pairs = max(s.pairs for s in page)
        non_2xx = sum(s.non_2xx for s in page)
        lost = sum(s.lost + s.gaps for s in page) + sum(s.lost + s.gaps for s in plain)
        prefix = f"screens {topology}, N={n}, {action}"
        p99 = percentile(current, 0.99)
        late_note = f" ({late} not current: late past {deadline_s:.0f} s or a fetch failed)"
        late_note = late_note if late else ""
        rows += [
            Row(f"{prefix}: frame p99, plain socket clients", frame_p99, "ms", "(reported)", True),
            Row(
                f"{prefix}: screen current p50", percentile(current, 0.5), "ms", "(reported)", True
            ),
            Row(
                f"{prefix}: screen current p99{late_note}",
                p99,
                "ms",
                f"<= {CURRENT_GOAL}x frame p99",
                p99 <= CURRENT_GOAL * frame_p99,
                frame_p99,
                p99 / frame_p99,
            ),
            Row(f"{prefix}: screen current max", max(current), "ms", "(reported)", True),
            Row(
                f"{prefix}: region renders per action ({pairs} view-language pairs)",
                float(renders),
                "renders",
                f"<= {bound} (once per view, language and region)",
                renders <= bound,
                float(bound),
            ),
            Row(
                f"{prefix}: render passes per action",
                float(passes),
                "passes",
                f"<= {pairs} (once per view-language pair)",
                passes <= pairs,
                float(pairs),
            ),
            Row(
                f"{prefix}: bytes per affected browser",
                statistics.median(s.bytes_per_browser for s in page) / 1024,
                "KB",
                "(reported)",
                True,
            ),
            Row(f"{prefix}: non-2xx answers", float(non_2xx), "answers", "0", non_2xx == 0),
            Row(f"{prefix}: lost frames", float(lost), "frames", "0", lost == 0),
        ]
    return rows


def _order(key: tuple[str, int, str]) -> tuple[str, int, int]:
    topology, n, action = key
    actions = ("inject to all", "team message", "pause", "published outcome")
    return (topology, n, actions.index(action) if action in actions else len(actions))


def summary(rows: list[Row]) -> str:
    """One line per topology, N and action: the figures side by side."""
    table: dict[str, dict[str, Row]] = {}
    for row in rows:
        if not row.name.startswith("screens ") or ": " not in row.name:
            continue
        prefix, figure = row.name.split(": ", 1)
        table.setdefault(prefix, {})[figure.split(" (")[0]] = row
    header = (
        "screens",
        "frame p99",
        "current p50",
        "p99",
        "max",
        "p99/frame",
        "renders (bound)",
        "passes (pairs)",
        "KB/browser",
        "non-2xx",
        "lost",
        "result",
    )
    lines = [header]
    for prefix, figures in table.items():
        get = figures.get
        p99 = get("screen current p99")
        renders = get("region renders per action")
        if p99 is None or renders is None:
            continue
        ok = all(r.ok for r in figures.values())
        lines.append(
            (
                prefix.removeprefix("screens "),
                _ms(get("frame p99, plain socket clients")),
                _ms(get("screen current p50")),
                _ms(p99),
                _ms(get("screen current max")),
                f"{p99.ratio:.1f}x" if p99.ratio is not None else "",
                f"{renders.value:.0f} ({renders.baseline or 0:.0f})",
                _passes(get("render passes per action")),
                _num(get("bytes per affected browser"), ".1f"),
                _num(get("non-2xx answers"), ".0f"),
                _num(get("lost frames"), ".0f"),
                "PASS" if ok else "FAIL",
            )
        )
    if len(lines) == 1:
        return ""
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = [" | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in lines]
    out.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(out)


def _ms(row: Row | None) -> str:
    if row is None:
        return ""
    return f"{row.value / 1000:.2f} s" if row.value >= 1000 else f"{row.value:.0f} ms"


def _num(row: Row | None, spec: str) -> str:
    return "" if row is None else format(row.value, spec)


def _passes(row: Row | None) -> str:
    return "" if row is None else f"{row.value:.0f} ({row.baseline or 0:.0f})"
