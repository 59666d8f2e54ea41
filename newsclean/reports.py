"""Plain-text tables for the CLI reports: aligned columns, numbers right-aligned, no dependencies."""

from __future__ import annotations

from collections.abc import Sequence

Cell = str | int | float | None


def cell(value: Cell, digits: int = 3) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def format_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    groups: Sequence[tuple[str, int]] = (),
    digits: int = 3,
) -> str:
    """An aligned table; the first column is left-aligned, the others right-aligned.

    `groups` is an optional line above the headers: (label, number of columns spanned), left to right.
    """
    text_rows = [[cell(value, digits) for value in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in text_rows:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], len(value))

    def line(values: Sequence[str]) -> str:
        rest = [value.rjust(width) for value, width in zip(values[1:], widths[1:], strict=True)]
        parts = [values[0].ljust(widths[0]), *rest]
        return "  ".join(parts).rstrip()

    lines = []
    if groups:
        parts, column = [], 0
        for label, span in groups:
            width = sum(widths[column : column + span]) + 2 * (span - 1)
            parts.append(label.center(width) if column else label.ljust(width))
            column += span
        lines.append("  ".join(parts).rstrip())
    lines.append(line(list(headers)))
    lines.append(line(["-" * w for w in widths]))
    lines.extend(line(row) for row in text_rows)
    return "\n".join(lines)
