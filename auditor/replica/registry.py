"""The replica's pages, controls and accounts, read from data/*.yml and checked strictly."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import ValidationError, model_validator

from auditor import yamlio
from auditor.errors import InputError
from auditor.models import Frozen

DATA = Path(__file__).parent / "data"
LOCALES = ("en_US", "en_GB", "de_DE")
Site = Literal["facebook", "accounts_center", "instagram", "privacy_center", "help"]
# Which host serves which site; Accounts Center is one app under two hosts.
HOSTS: dict[str, Site] = {
    "www.facebook.com": "facebook",
    "facebook.com": "facebook",
    "web.facebook.com": "facebook",
    "accountscenter.facebook.com": "accounts_center",
    "accountscenter.instagram.com": "accounts_center",
    "accountscenter.meta.com": "accounts_center",
    "www.instagram.com": "instagram",
    "instagram.com": "instagram",
    "privacycenter.instagram.com": "privacy_center",
    "help.instagram.com": "help",
}
CDN_HOSTS = ("static.xx.fbcdn.net", "static.cdninstagram.com", "scontent.xx.fbcdn.net")


class Text(Frozen):
    """One text in every UI locale; en_GB falls back to en_US."""

    en_US: str
    en_GB: str | None = None
    de_DE: str

    def __call__(self, locale: str) -> str:
        if locale == "en_GB":
            return self.en_GB or self.en_US
        return getattr(self, locale)


# Label generations (catalog 8): the wordings before 2024 ("legacy"), those of 2024, and the 2026
# ad-partner rename that also removed "Your activity off Meta technologies".
GENERATIONS = ("legacy", "2024", "2026")
Generation = Literal["legacy", "2024", "2026"]


def shown_in(item_generation: str | None, generation: str) -> bool:
    """Is an item tagged with a generation on the page in this one? "2024": gone in 2026; "2026": new in 2026."""
    if item_generation == "2024":
        return generation != "2026"
    return item_generation is None or item_generation == generation


ControlType = Literal["audience", "switch", "review", "choice", "radio_group", "link", "action", "list", "status"]


class Control(Frozen):
    id: str
    type: ControlType
    label: Text
    label_legacy: Text | None = None  # the wording before 2024 (catalog: legacy, older and "formerly" wordings)
    label_2026: Text | None = None  # the 2026 generation of ad-partner labels
    description: Text | None = None
    options: list[str] = []
    option_texts: dict[str, Text] = {}
    option_texts_2026: dict[str, Text] = {}
    default: str | None = None
    text: Text | None = None  # link text, status prefix
    href: str | None = None
    button: Text | None = None
    confirm_title: Text | None = None
    pick_account: bool = False  # Accounts Center asks "Select your account" first
    items: list[Text] = []  # default list items
    only_for: Literal["professional", "eu", "eu_uk", "not_eu_uk", "profile_lock"] | None = None
    generation: Literal["2024", "2026"] | None = None  # see shown_in
    renamed: Text | None = None  # what the rename drift knob shows
    sources: list[str]

    @model_validator(mode="after")
    def _options_have_texts(self):
        if self.type in ("audience", "review", "choice", "radio_group", "status") and not self.options:
            raise ValueError(f"{self.id}: a {self.type} control needs options")
        if self.default is not None and self.options and self.default not in self.options:
            raise ValueError(f"{self.id}: default {self.default!r} is not one of its options")
        return self


class Section(Frozen):
    heading: Text | None = None
    heading_since: Literal["2024"] | None = None  # the heading is not there in older generations
    collapsed: bool = False  # the heading is a tile (a button); its controls show once it is clicked
    controls: list[Control]


class Page(Frozen):
    id: str
    site: Site
    path: str
    query: dict[str, str] = {}
    aliases: list[str] = []
    nav: str | None = None
    query_name: str
    title: Text
    title_2026: Text | None = None
    intro: Text | None = None
    generation: Literal["2024", "2026"] | None = None
    only_for: Literal["eu_uk", "not_eu_uk"] | None = None
    sources: list[str]
    sections: list[Section]


class NavLink(Frozen):
    page: str
    text: Text
    group: Text | None = None  # a sidebar group heading (Instagram's "Who can see your content"), shown when it changes


class Nav(Frozen):
    heading: Text
    links: list[NavLink]


class NewControl(Frozen):
    label: Text
    description: Text


class PageFile(Frozen):
    """data/pages/<site>.yml: one site's navigation and pages."""

    navs: dict[str, Nav] = {}
    pages: list[Page]


class Catalog(Frozen):
    strings: dict[str, Text]
    option_texts: dict[str, Text]
    option_descriptions: dict[str, Text] = {}
    new_control: NewControl
    navs: dict[str, Nav] = {}
    pages: list[Page] = []

    @model_validator(mode="after")
    def _references_exist(self):
        pages = {p.id for p in self.pages}
        ids = [c.id for _p, c in self.controls()]
        for nav in self.navs.values():
            for link in nav.links:
                if link.page not in pages:
                    raise ValueError(f"nav link to unknown page {link.page!r}")
        duplicates = {i for i in ids if ids.count(i) > 1}
        if duplicates:
            raise ValueError(f"controls defined twice: {sorted(duplicates)}")
        return self

    def page(self, page_id: str) -> Page:
        return next(p for p in self.pages if p.id == page_id)

    def controls(self):
        """Every (page, control) pair."""
        for page in self.pages:
            for section in page.sections:
                for control in section.controls:
                    yield page, control

    def control(self, setting_id: str) -> tuple[Page, Control]:
        return next((p, c) for p, c in self.controls() if c.id == setting_id)

    def option_text(self, control: Control, value: str, locale: str, generation: str) -> str:
        """The option's text in a generation (legacy pages use the 2024 texts: the catalog records no others)."""
        texts = (
            control.option_texts_2026 if generation == "2026" and control.option_texts_2026 else control.option_texts
        )
        text = texts.get(value) or self.option_texts.get(value)
        if text is None:
            raise KeyError(f"{control.id}: no text for option {value!r}")
        return text(locale)


class Account(Frozen):
    id: str
    name: str
    email: str
    phone: str | None = None
    password: str
    ig_username: str
    uid: str  # Facebook's numeric user id, the c_user cookie
    locale: Literal["en_US", "en_GB", "de_DE"]
    region: Literal["US", "UK", "EU", "OTHER"]
    labels: Generation = "2024"
    totp_secret: str | None = None
    checkpoint: bool = False
    ig_professional: bool = False
    profile_lock_offered: bool = False
    objection_submitted: bool = False
    settings: dict[str, str] = {}
    lists: dict[str, list[str]] = {}


class Accounts(Frozen):
    accounts: list[Account]


def personal(text: str, account: Account) -> str:
    """A text with the account's own details filled in ({name}, {email}, {phone}), as a profile shows them."""
    return (
        text.replace("{name}", account.name).replace("{email}", account.email).replace("{phone}", account.phone or "")
    )


def _load(model, path: Path, *, aliases: bool = False):
    doc = yamlio.load(path, aliases=aliases)
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise doc.error(tuple(err["loc"]), err["msg"]) from None


@cache
def catalog() -> Catalog:
    """data/catalog.yml (shared texts) merged with every data/pages/*.yml, checked as a whole."""
    common = yamlio.load(DATA / "catalog.yml").data
    navs, pages = {}, []
    for path in sorted((DATA / "pages").glob("*.yml")):
        part = _load(PageFile, path, aliases=True)  # our own data, where anchors save repeating texts
        navs.update(part.navs)
        pages += part.pages
    try:
        return Catalog.model_validate({**common, "navs": navs, "pages": pages})
    except ValidationError as exc:
        raise InputError(f"{DATA}: {exc.errors()[0]['msg']}") from None


def load_accounts(path: Path | None = None) -> list[Account]:
    return _load(Accounts, path or DATA / "accounts.yml").accounts
