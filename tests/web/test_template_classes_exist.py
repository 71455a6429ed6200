"""A field width named in a template must exist in the style sheet: `width="xsmall"` on the
meldekort's hour fields named a class nobody had written, and the fields stretched across
the page without any test failing."""

from __future__ import annotations

import re
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "src" / "trygd" / "web"


def test_every_field_width_used_in_a_template_has_a_style() -> None:
    css = (WEB / "static" / "trygd.css").read_text(encoding="utf-8")
    styled = set(re.findall(r"\.width-([a-z0-9]+)\b", css))
    used: dict[str, str] = {}
    for template in (WEB / "templates").rglob("*.html"):
        for width in re.findall(
            r"""[\s(,]width=["']([a-z0-9]+)["']""", template.read_text("utf-8")
        ):
            used.setdefault(width, str(template.relative_to(WEB)))
    assert used, "no template names a field width; the scan has lost its pattern"
    missing = {width: where for width, where in used.items() if width not in styled}
    assert not missing, f"field widths without a .width-* style in trygd.css: {missing}"
