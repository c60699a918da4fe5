"""A server-rendered SVG bar chart of section scores per vendor, readable printed in grey.

Horizontal bars, one group per vendor and one bar per section. Every bar carries the
section's name on its left and its score on its right, so the chart reads without colour;
fills differ in grey level and pattern as well. No scripts, styles or external resources:
only presentation attributes, so the markup can sit inline in a page under a strict CSP.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from vendorcheck.domain.comparison import NOT_SUBMITTED, Bidder, Comparison, format_score
from vendorcheck.domain.jp import clean_for_xml

WIDTH = 760
PLOT_X, PLOT_W = 200, 480  # the 0–100 axis
SECTION_LABEL_CHARS = 13
VENDOR_LABEL_CHARS = 50
TOP = 64  # title, subtitle and axis labels above the first group
BAR, BAR_STEP = 14, 18
HEADING = 22  # the vendor's name above its bars
GROUP_GAP = 12
LEGEND_ROW = 20
FONT = "'Yu Gothic', YuGothic, 'Hiragino Sans', 'Noto Sans CJK JP', 'Meiryo', sans-serif"

# (fill, pattern) per series: grey levels first, then white with black patterns.
_SOLID = ("#404040", "#a6a6a6", None, None, "#d9d9d9", None, None, "#737373")
_PATTERNS = {
    2: '<path d="M0 6L6 0M-1 1L1 -1M5 7L7 5" stroke="#000" stroke-width="1.4"/>',
    3: '<circle cx="3" cy="3" r="1.3" fill="#000"/>',
    5: '<path d="M0 0L6 6M6 0L0 6" stroke="#000" stroke-width="1"/>',
    6: '<path d="M0 3H6" stroke="#000" stroke-width="1.5"/>',
}


@dataclass(frozen=True)
class Group:
    """One vendor: its name and one score per series (None: not submitted)."""

    label: str
    scores: Sequence[float | None] | None


def _text(value: object) -> str:
    return escape(clean_for_xml(str(value)), {'"': "&quot;"})


def _shorten(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _fill(prefix: str, series: int) -> str:
    style = series % len(_SOLID)
    solid = _SOLID[style]
    return solid if solid else f"url(#{prefix}-p{style})"


def _defs(prefix: str) -> str:
    patterns = "".join(
        f'<pattern id="{prefix}-p{n}" patternUnits="userSpaceOnUse" width="6" height="6">'
        f'<rect width="6" height="6" fill="#fff"/>{shape}</pattern>'
        for n, shape in _PATTERNS.items()
    )
    return f"<defs>{patterns}</defs>"


def _description(groups: Sequence[Group], series: Sequence[str]) -> str:
    parts = []
    for group in groups:
        if group.scores is None:
            parts.append(f"{group.label}: {NOT_SUBMITTED}")
            continue
        scores = "、".join(
            f"{name} {format_score(score)}点" if score is not None else f"{name} 点数なし"
            for name, score in zip(series, group.scores, strict=True)
        )
        parts.append(f"{group.label}: {scores}")
    return "。".join(parts) + "。" if parts else "比較する事業者がありません。"


def grouped_bar_chart(
    groups: Sequence[Group], series: Sequence[str], *, title: str, id_prefix: str = "chart"
) -> str:
    """Return a standalone SVG document (also valid inline in HTML) of grouped bars 0–100."""
    prefix = "".join(ch for ch in id_prefix if ch.isalnum() or ch in "-_") or "chart"
    heights = [
        HEADING + (BAR_STEP * len(series) if g.scores is not None else BAR_STEP) for g in groups
    ]
    plot_bottom = TOP + sum(h + GROUP_GAP for h in heights)
    legend_top = plot_bottom + 36
    height = legend_top + LEGEND_ROW * len(series) + 12
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="bar-chart" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" font-family="{_text(FONT)}" font-size="12">',
        f'<title id="{prefix}-title">{_text(title)}</title>',
        f'<desc id="{prefix}-desc">{_text(_description(groups, series))}</desc>',
        _defs(prefix),
        f'<rect width="{WIDTH}" height="{height}" fill="#fff"/>',
        f'<text x="8" y="22" font-size="16" font-weight="bold" fill="#000">{_text(title)}</text>',
        '<text x="8" y="40" fill="#000">得点（0〜100点）。棒の左にセクション名、右に点数を示します。</text>',
    ]
    for tick in range(0, 101, 20):
        x = PLOT_X + PLOT_W * tick / 100
        stroke = '"#bfbfbf" stroke-width="1"' if tick else '"#000" stroke-width="1.5"'
        out.append(
            f'<line x1="{x:g}" y1="{TOP - 6}" x2="{x:g}" y2="{plot_bottom}" stroke={stroke}/>'
        )
        out.append(f'<text x="{x:g}" y="{TOP - 10}" text-anchor="middle" fill="#000">{tick}</text>')
        out.append(
            f'<text x="{x:g}" y="{plot_bottom + 16}" text-anchor="middle" fill="#000">{tick}</text>'
        )
    y = TOP
    for group, group_height in zip(groups, heights, strict=True):
        out.append(
            f'<text x="8" y="{y + 15}" font-size="13" font-weight="bold" fill="#000">'
            f"{_text(_shorten(group.label, VENDOR_LABEL_CHARS))}</text>"
        )
        row = y + HEADING
        if group.scores is None:
            out.append(f'<text x="{PLOT_X + 4}" y="{row + 11}" fill="#000">{NOT_SUBMITTED}</text>')
        for n, (name, score) in enumerate(zip(series, group.scores or (), strict=False)):
            top = row + BAR_STEP * n
            out.append(
                f'<text x="{PLOT_X - 6}" y="{top + 11}" text-anchor="end" fill="#000">'
                f"{_text(_shorten(name, SECTION_LABEL_CHARS))}</text>"
            )
            if score is None:
                out.append(f'<text x="{PLOT_X + 4}" y="{top + 11}" fill="#000">点数なし</text>')
                continue
            width = PLOT_W * max(0.0, min(score, 100.0)) / 100
            tip = _text(f"{group.label}: {name} {format_score(score)}点")
            out.append(
                f'<rect x="{PLOT_X}" y="{top}" width="{width:.1f}" height="{BAR}" '
                f'fill="{_fill(prefix, n)}" stroke="#000" stroke-width="0.75"><title>{tip}</title></rect>'
            )
            out.append(
                f'<text x="{PLOT_X + width + 4:.1f}" y="{top + 11}" fill="#000">'
                f"{format_score(score)}</text>"
            )
        y += group_height + GROUP_GAP
    out.append(
        f'<text x="{PLOT_X + PLOT_W / 2:g}" y="{plot_bottom + 32}" text-anchor="middle" '
        f'fill="#000">得点（点）</text>'
    )
    for n, name in enumerate(series):
        top = legend_top + LEGEND_ROW * n
        out.append(
            f'<rect x="8" y="{top}" width="28" height="{BAR}" fill="{_fill(prefix, n)}" '
            f'stroke="#000" stroke-width="0.75"/>'
        )
        out.append(f'<text x="44" y="{top + 11}" fill="#000">{_text(name)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def section_chart(
    comparison: Comparison,
    order: Sequence[Bidder] | None = None,
    *,
    id_prefix: str = "section-chart",
) -> str:
    """The chart of a comparison: section scores per vendor, in the given vendor order."""
    bidders = comparison.bidders if order is None else order
    groups = [
        Group(
            bidder.label,
            [bidder.section_score(sid) for sid, _ in comparison.sections]
            if bidder.submitted
            else None,
        )
        for bidder in bidders
    ]
    return grouped_bar_chart(
        groups,
        [title for _, title in comparison.sections],
        title="事業者ごとのセクション別得点",
        id_prefix=id_prefix,
    )
