"""WCAG contrast arithmetic, so a municipality's colours never make text unreadable."""

from __future__ import annotations


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else float(((c + 0.055) / 1.055) ** 2.4)


def relative_luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_text_on(background: str) -> str:
    """White or near-black, whichever reads better on `background`."""
    return (
        "#ffffff"
        if contrast_ratio(background, "#ffffff") >= contrast_ratio(background, "#1a1a1a")
        else "#1a1a1a"
    )


# Body text and links sit on this surface (tokens.css --bb-color-surface).
PAGE_BACKGROUND = "#ffffff"
MINIMUM_RATIO = 4.5  # WCAG 2.1 AA for normal text


def primary_colour_is_readable(colour: str) -> bool:
    """The primary colour is a background (header, with its text colour) and the link colour on the page."""
    return (
        contrast_ratio(colour, readable_text_on(colour)) >= MINIMUM_RATIO
        and contrast_ratio(colour, PAGE_BACKGROUND) >= MINIMUM_RATIO
    )


def background_colour_is_readable(colour: str) -> bool:
    """An accent colour only serves as a background under its own text colour."""
    return contrast_ratio(colour, readable_text_on(colour)) >= MINIMUM_RATIO
