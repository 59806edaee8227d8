"""A flow's locator (role and accessible name, label, text, CSS) as a Playwright locator."""

from __future__ import annotations

from auditor.observe.wording import any_of, texts
from auditor.spec import Locator


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
