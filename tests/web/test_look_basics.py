"""Lighthouse-style basics checked without a browser: the text and button colours of app.css
reach WCAG AA contrast (computed from the stylesheet's own values), a visible focus style exists
for keyboard users, the base page has the four landmarks, and the page checker refuses an
unlabelled form control (it runs on every page the tests fetch)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.page_checker import page_problems

WEB = Path(__file__).resolve().parents[2] / "vendorcheck" / "web"
CSS = re.sub(
    r"/\*.*?\*/", "", (WEB / "static" / "css" / "app.css").read_text(encoding="utf-8"), flags=re.S
)
RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")


def _variables() -> dict[str, str]:
    root = re.search(r":root \{([^}]*)\}", CSS).group(1)
    return dict(re.findall(r"(--[\w-]+):\s*([^;]+);", root))


def _colour(value: str) -> tuple[float, float, float] | None:
    value = value.strip()
    var = re.fullmatch(r"var\((--[\w-]+)\)", value)
    if var:
        value = _variables()[var.group(1)].strip()
    hexa = re.fullmatch(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})", value)
    if not hexa:
        return None
    digits = hexa.group(1)
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return tuple(int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))


def _luminance(rgb) -> float:
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(foreground, background) -> float:
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _declared(decls: str, name: str) -> str | None:
    found = re.findall(rf"(?:^|;)\s*{name}:\s*([^;]+)", decls)
    return found[-1].strip() if found else None


def test_contrast_of_a_dark_on_light_pair_is_computed_as_wcag_says():
    assert round(contrast((0, 0, 0), (1, 1, 1)), 1) == 21.0
    assert round(contrast(_colour("#767676"), _colour("#ffffff")), 2) == 4.54


@pytest.mark.parametrize(
    ("what", "foreground", "background"),
    [
        ("body text", "var(--text)", "var(--bg)"),
        ("text on a panel", "var(--text)", "var(--panel)"),
        ("muted text", "var(--muted)", "var(--bg)"),
        ("muted text on a panel", "var(--muted)", "var(--panel)"),
        ("links", "var(--link)", "var(--bg)"),
        ("links on a panel", "var(--link)", "var(--panel)"),
        ("error text", "var(--error)", "var(--bg)"),
        ("warning text", "var(--warn)", "var(--bg)"),
        ("success text", "var(--ok)", "var(--bg)"),
        ("header text and links", "#fff", "var(--brand)"),
    ],
)
def test_main_text_colours_reach_aa(what, foreground, background):
    ratio = contrast(_colour(foreground), _colour(background))
    assert ratio >= 4.5, f"{what}: {ratio:.2f}"


def test_every_rule_that_sets_both_colours_reaches_aa():
    """Buttons, tags, the pagination's current page, flashes: wherever app.css sets a text colour
    and a background together, the pair reaches 4.5:1."""
    checked, low = [], []
    for selectors, decls in RULE.findall(CSS):
        fg = _declared(decls, "color")
        bg = _declared(decls, "background-color") or _declared(decls, "background")
        if not fg or not bg or _colour(fg) is None or _colour(bg.split()[0]) is None:
            continue
        ratio = contrast(_colour(fg), _colour(bg.split()[0]))
        checked.append(selectors.strip())
        if ratio < 4.5:
            low.append(f"{selectors.strip()}: {ratio:.2f}")
    assert any(".button" in s for s in checked) and len(checked) >= 5, checked
    assert not low, low


def test_keyboard_focus_is_visible_on_every_kind_of_control():
    rules = [(s, d) for s, d in RULE.findall(CSS) if ":focus-visible" in s]
    shown = {
        part.strip().split(":")[0] for s, d in rules if "outline: 3px" in d for part in s.split(",")
    }
    assert {"a", "button", "input", "select", "textarea", "summary"} <= shown, shown
    assert "outline: none" not in CSS and "outline:none" not in CSS


def test_the_base_page_has_the_landmarks():
    base = (WEB / "templates" / "base.html").read_text(encoding="utf-8")
    for landmark in ("<header", '<nav class="site-nav"', '<main id="main"', "<footer"):
        assert landmark in base, landmark
    assert '<a class="skip-link" href="#main">' in base


def test_the_page_checker_refuses_an_unlabelled_control():
    page = '<html lang="ja"><title>頁</title><h1>頁</h1><form action="/x"><input name="q"></form>'
    assert "<input name='q'> has no label" in page_problems(page)
    labelled = page.replace(
        '<input name="q">', '<label for="q">検索</label><input id="q" name="q">'
    )
    assert page_problems(labelled) == []
