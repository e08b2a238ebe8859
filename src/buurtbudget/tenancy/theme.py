"""Design tokens of a municipality turned into the CSS custom properties our theme reads."""

from __future__ import annotations

from .contrast import readable_text_on
from .models import Municipality


def theme_css_for(municipality: Municipality) -> str:
    primary = municipality.primary_colour
    accent = municipality.accent_colour
    return (
        ".buurtbudget-theme {\n"
        f"  --bb-color-primary: {primary};\n"
        f"  --bb-color-primary-text: {readable_text_on(primary)};\n"
        f"  --bb-color-accent: {accent};\n"
        f"  --bb-color-accent-text: {readable_text_on(accent)};\n"
        "}\n"
    )
