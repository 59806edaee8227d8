"""A flow's locator (role and accessible name, label, text, CSS) as a Playwright locator; an element a snapshot
named by its reference."""

from __future__ import annotations

from auditor.locators import Locator
from auditor.observe.wording import any_of, texts


def locate(scope, locator: Locator, locale: str | None):
    """A Playwright locator for a flow locator; locale None accepts the wording of every locale."""

    def words(localized):
        return localized.variants() if locale is None else texts(localized, locale)

    if locator.within is not None:
        scope = locate(scope, locator.within, locale)
    if locator.role:
        if locator.name is None:
            return scope.get_by_role(locator.role)
        return scope.get_by_role(locator.role, name=any_of(words(locator.name), locator.match))
    if locator.label is not None:
        return scope.get_by_label(any_of(words(locator.label)))
    if locator.text is not None:
        return scope.get_by_text(any_of(words(locator.text), locator.match))
    return scope.locator(locator.css)


def by_ref(page, region, ref: str):
    """The element an ai-mode snapshot of `region` named `ref`. Playwright resolves a reference against the last
    snapshot taken in the frame (any snapshot: a dialog's, a masked element's), so the region's is taken again
    first; an element keeps its reference while its role and name stay."""
    region.aria_snapshot(mode="ai")
    return page.locator(f"aria-ref={ref}")
