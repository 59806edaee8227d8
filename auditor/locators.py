"""How a flow names what it looks for on a page: texts per UI locale, and locators (role and accessible name
first; label or text next; CSS only as a last resort). No browser.

Which roles a flow may click is decided here too: a click on a switch, checkbox, radio, option or
combobox could change a setting, so a flow cannot even express it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from auditor.models import Frozen

LOCALES = ("en_US", "en_GB", "de_DE")
SAFE_CLICK_ROLES = ("button", "link", "tab", "menuitem")
UNSAFE_ROLES = (
    "switch",
    "checkbox",
    "radio",
    "option",
    "combobox",
    "menuitemcheckbox",
    "menuitemradio",
    "slider",
    "spinbutton",
)


class Localized(Frozen):
    """A text per UI locale; en_GB falls back to en_US. A plain string in YAML means every locale.

    A locale may list several texts: the wordings Meta has used for the same control (the 2026
    ad-partner rename, for instance). Any of them is accepted when reading.
    """

    en_US: str | list[str]
    en_GB: str | list[str] | None = None
    de_DE: str | list[str] | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_string(cls, value):
        return {"en_US": value, "de_DE": value} if isinstance(value, (str, list)) else value

    def texts(self, locale: str) -> list[str]:
        """The accepted texts in this locale, first the preferred one; empty when not translated."""
        value = (self.en_GB or self.en_US) if locale == "en_GB" else getattr(self, locale, None)
        if value is None:
            return []
        return [value] if isinstance(value, str) else list(value)

    def get(self, locale: str) -> str | None:
        texts = self.texts(locale)
        return texts[0] if texts else None

    def variants(self) -> list[str]:
        """Every text in every locale, without repeats."""
        out: list[str] = []
        for locale in LOCALES:
            out += [t for t in self.texts(locale) if t not in out]
        return out


class Locator(Frozen):
    """Role and accessible name first; label or text next; CSS only as a last resort."""

    role: str | None = None
    name: Localized | None = None
    match: Literal["exact", "prefix", "contains"] = "exact"
    label: Localized | None = None
    text: Localized | None = None
    css: str | None = None  # Meta's class names are generated and change with every build
    within: "Locator | None" = None

    @model_validator(mode="after")
    def _one_way_to_find(self):
        ways = [w for w in ("role", "label", "text", "css") if getattr(self, w) is not None]
        if len(ways) != 1:
            raise ValueError("give exactly one of role, label, text or css")
        if self.name is not None and self.role is None:
            raise ValueError("name goes with role")
        return self

    def describe(self, locale: str = "en_US") -> str:
        inner = f"{self.within.describe(locale)} >> " if self.within else ""
        if self.role:
            name = self.name.get(locale) if self.name else None
            return f"{inner}role={self.role}" + (
                f' name{"^=" if self.match == "prefix" else "="}"{name}"' if name else ""
            )
        for way in ("label", "text"):
            value = getattr(self, way)
            if value is not None:
                return f'{inner}{way}="{value.get(locale)}"'
        return f"{inner}css={self.css}"


def safe_click(locator: Locator, field: str) -> Locator:
    """The locator, if a click on it cannot change a setting; otherwise a ValueError saying why."""
    if locator.role in UNSAFE_ROLES:
        raise ValueError(f"a click on a {locator.role} could change a setting; flows are read-only")
    if locator.role not in SAFE_CLICK_ROLES:
        raise ValueError(
            f"{field} needs role: one of {', '.join(SAFE_CLICK_ROLES)} "
            "(a click on a label or text could toggle a control)"
        )
    return locator
