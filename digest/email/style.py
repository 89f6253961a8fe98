"""The house style (``email.style``): colours, fonts and the logo text, in one place.

Editors change the look here, never in the templates. Each palette (light, and dark for clients
that honour ``prefers-color-scheme``) is checked when the config loads: every ink (text, muted,
link, accent) must reach WCAG's 4.5:1 for body text on every surface (background, card, box),
so a colour change cannot make the email unreadable. Font lists may hold names only: they are
written into CSS.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
_FONT = re.compile(r"^[\w\s,'.-]+$")
# (text colour, surface) pairs checked against WCAG's 4.5:1 for body text.
_INKS = ("text", "muted", "link", "accent")
_SURFACES = ("background", "card", "box")


def contrast(one: str, two: str) -> float:
    """WCAG 2 contrast ratio of two #rgb / #rrggbb colours (1 to 21)."""
    def luminance(colour: str) -> float:
        digits = colour.lstrip("#")
        digits = "".join(c * 2 for c in digits) if len(digits) == 3 else digits
        channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


class Palette(_Model):
    """One colour scheme. Every ink must reach 4.5:1 on every surface (WCAG AA body text)."""

    background: str = "#f3f4f6"  # around the card (and behind the footer)
    card: str = "#ffffff"  # the main column
    box: str = "#eef3fb"  # the consensus box
    text: str = "#1f2328"
    muted: str = "#4b5563"  # the footer and secondary lines
    link: str = "#0b57d0"
    accent: str = "#0b57d0"  # the logo text and the lead story's kicker
    border: str = "#d9dde3"  # rules between sections and table rows (decorative)

    @field_validator("*")
    @classmethod
    def _colour(cls, value: str) -> str:
        if not _HEX.match(value):
            raise ValueError(f"{value!r} is not a colour: write #rgb or #rrggbb")
        return value.lower()

    @model_validator(mode="after")
    def _readable(self) -> "Palette":
        low = [f"{ink} {getattr(self, ink)} on {surface} {getattr(self, surface)} is "
               f"{contrast(getattr(self, ink), getattr(self, surface)):.2f}:1"
               for ink in _INKS for surface in _SURFACES
               if contrast(getattr(self, ink), getattr(self, surface)) < 4.5]
        if low:
            raise ValueError("too little contrast: " + "; ".join(low) + " (needs 4.5:1)")
        return self


DARK = dict(background="#121212", card="#1e1e1e", box="#1b2433", text="#e6e6e6", muted="#b8bcc4",
            link="#8ab4f8", accent="#8ab4f8", border="#3a3f47")


class StyleSettings(_Model):
    """The house style: change it here, never in the templates."""

    logo_text: str = ""  # a text wordmark above the title (the email has no images)
    font_family: str = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
    heading_font_family: str = ""  # empty: the body font
    font_size: int = Field(16, ge=16, le=22)  # px; clients and WCAG readers want 16 or more
    light: Palette = Field(default_factory=Palette)
    dark: Palette = Field(default_factory=lambda: Palette(**DARK))

    @field_validator("font_family", "heading_font_family")
    @classmethod
    def _font(cls, value: str) -> str:
        if value and not _FONT.match(value):
            raise ValueError("a font list may hold names, spaces, commas, hyphens and single quotes only")
        return value
