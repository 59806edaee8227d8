"""Every wording the settings catalog records for a setting the flows read is in the flows.

Meta shows several wordings of one setting at once (by account, region and rollout: legacy, 2024,
2026), so a flow lists them all (`label: {en_US: [..., ...]}`) and any is read. The catalog's
wordings are copied into tests/data/catalog_labels.yml by tests/catalog_labels.py (the catalog
is not in this repository); regenerate that file when the catalog changes. No browser.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from auditor import spec
from auditor.observe.wording import Words
from auditor.reads import SettingRead

CATALOG = yaml.safe_load((Path(__file__).parent / "data" / "catalog_labels.yml").read_text(encoding="utf-8"))
LABEL_FIELDS = ("label", "label_2024", "labels_2025", "labels_legacy", "labels", "items")
OPTION_FIELDS = ("options", "options_legacy", "options_2024", "options_known")

# Catalog texts on a label line that are not a label a flow reads, each with why. A text the flow
# carries elsewhere (an option, its page's heading, a step's button) needs no entry here.
NOT_LABELS: dict[tuple[str, str], str] = {
    (
        "fb.lookup_by_email",
        "Who can Facebook suggest your profile to based on your phone number or email address?",
    ): "2024: the question heading both lookup rows; each row's own label is read",
    (
        "fb.lookup_by_phone",
        "Who can Facebook suggest your profile to based on your phone number or email address?",
    ): "2024: the question heading both lookup rows; each row's own label is read",
    ("fb.public_profile_info", "Public profile info"): "the heading above the question, not the row's label",
    ("fb.followers_visibility", "timeline"): 'a word quoted in a comment ("timeline" survives here)',
    ("fb.profile_lock", "Lock your profile"): "the confirm button of the lock dialog (never clicked)",
    ("fb.profile_details_audience", "Contact and basic info"): "the profile's About tab, another page",
    ("ac.categories_used_to_reach_you", "Categories associated with you"): "a sub-list no flow reads",
    ("ac.categories_used_to_reach_you", "View and manage"): "a button to the sub-list",
    ("ac.categories_used_to_reach_you", "Remove"): "each item's button (never clicked)",
    ("ac.ad_topics", "Ad topics"): "the section of Ad preferences; the list read is its topics seen less",
    ("ac.ad_topics", "See less"): "a topic's choice",
    ("ac.ad_topics", "Social issues, elections or politics"): "one topic, an item of the list",
    ("ac.upload_contacts", "Upload contacts"): "the app-only upload toggle (not_applicable.yml: ig.contacts_syncing)",
    ("ac.upload_contacts", "Connect contacts"): "the app-only upload toggle",
    ("ac.upload_contacts", "Delete All"): "the list's button (never clicked)",
    ("ac.where_logged_in", "Select devices to log out"): "a button (never clicked)",
    ("ac.where_logged_in", "Log out"): "a button (never clicked)",
    ("ac.birthday_visibility_ig", "Change visibility on Instagram"): "the next step after the row: its dialog",
    ("ac.search_history_ig", "Search history"): "the section heading above the choice",
    ("ac.search_history_ig", "Clear all searches"): "a one-way button (never clicked)",
    ("meta.genai_object_facebook", "Send"): "the form's submit button (never clicked)",
    (
        "ig.search_engine_indexing",
        "Consenti di mostrare foto e video pubblici nei risultati dei motori di ricerca",
    ): "Italian UI; the flows read en_US, en_GB and de_DE",
    ("ig.message_controls", "Your followers on Instagram"): "a second message-request row no flow reads",
    (
        "ig.sharing_and_reuse",
        "Allow people to boost stories that mention you",
    ): "two toggles on Tags and mentions that no flow reads",
}
# Catalog option texts that are not an option a flow reads, each with why.
NOT_OPTIONS: dict[tuple[str, str], str] = {
    ("fb.limit_past_posts", "Limit past posts"): "the action's button (never clicked); an action has no options",
    ("fb.search_engine_link", "Yes"): "legacy Yes/No radios; the page has had a switch since (catalog 3.2)",
    ("fb.search_engine_link", "No"): "legacy Yes/No radios; the page has had a switch since (catalog 3.2)",
    ("fb.stories_audience", "unverified (audience selector; guides mention Public / Friends / Custom)"): "a note",
    ("fb.public_profile_info", "Only me"): 'a comment: "Only me" is not offered',
    ("ac.ad_partners_activity", "Yes…"): 'a placeholder: the "Yes" text is unverified',
    ("ac.ads_about_meta", "Confirm"): "the dialog's button (never clicked)",
    ("ac.two_factor", "Authentication app"): "a method, not the on/off status read",
    (
        "ig.private_account",
        "When your account is private, only people you approve can see your photos and videos…",
    ): "the switch's description",
    ("ig.tags_allow_from", "people you follow"): "a guide's paraphrase, not a text Meta shows",
    ("ig.tags_allow_from", "no one"): "a guide's paraphrase, not a text Meta shows",
    ("ig.mentions_allow_from", "…people you follow"): "the catalog's abbreviation of the option above",
}
# A switch shows no option text: its state is read from the accessibility tree.
SWITCH_STATES = {"On", "Off"}


def _settings() -> list[SettingRead]:
    return [s for flow in spec.load_flows() for s in flow.spec.settings]


SETTINGS = _settings()
VOCABULARY = spec.load_vocabulary()


def covered(catalog_id: str) -> list[SettingRead]:
    """The flow settings a catalog entry describes: its id, or its parts (`ig.misc_minor.threads_badge`)."""
    return [s for s in SETTINGS if s.id == catalog_id or s.id.startswith(catalog_id + ".")]


def names(flow: spec.Flow) -> set[str]:
    """The texts a flow locates besides its settings: the page's heading and its steps' buttons."""
    locators = [flow.ready, *(getattr(step, f, None) for step in flow.steps for f in ("click", "expand", "wait_for"))]
    return {t for loc in locators if loc is not None and loc.name is not None for t in loc.name.variants()}


FLOW_OF = {s.id: flow.spec for flow in spec.load_flows() for s in flow.spec.settings}


def option_texts(setting: SettingRead) -> set[str]:
    if isinstance(setting.values, dict):
        return {t for texts in setting.values.values() for t in texts.variants()}
    return {t for value in setting.values if value in VOCABULARY.values for t in VOCABULARY.values[value].variants()}


READ = [entry for entry in CATALOG["settings"] if covered(entry["id"])]


@pytest.mark.parametrize("entry", READ, ids=[e["id"] for e in READ])
def test_every_catalog_wording_of_a_setting_is_in_its_flow(entry):
    settings = covered(entry["id"])
    labels = {t for s in settings for t in {*s.label.variants(), *option_texts(s), *names(FLOW_OF[s.id])}}
    recorded = [(f, t) for f in LABEL_FIELDS for t in entry.get(f, [])]
    missing = [(f, t) for f, t in recorded if t not in labels and (entry["id"], t) not in NOT_LABELS]
    assert not missing, f"{entry['id']} ({', '.join(entry['sources'])}): the flows lack {missing}"


@pytest.mark.parametrize("entry", READ, ids=[e["id"] for e in READ])
def test_every_catalog_option_text_of_a_setting_is_in_its_flow(entry):
    settings = covered(entry["id"])
    texts = {t for s in settings for t in option_texts(s)}
    if all(s.read == "switch" for s in settings):
        texts |= SWITCH_STATES
    recorded = [(f, t) for f in OPTION_FIELDS for t in entry.get(f, [])]
    missing = [(f, t) for f, t in recorded if t not in texts and (entry["id"], t) not in NOT_OPTIONS]
    assert not missing, f"{entry['id']} ({', '.join(entry['sources'])}): the flows lack {missing}"


@pytest.mark.parametrize("audience", CATALOG["audience_names"])
def test_every_audience_the_catalog_saw_named_live_is_a_wording_of_the_vocabulary(audience):
    """The audience button names the audience in its own words ("Sharing with Your friends of friends. ",
    catalog 12): each is an option wording, read as that option by every setting that offers it, and never as
    an option inside it ("Friends")."""
    wordings = {t: value for value, texts in VOCABULARY.values.items() for t in texts.variants()}
    assert audience in wordings, f"the vocabulary lacks the audience {audience!r} (catalog 12)"
    words = Words(VOCABULARY, "en_US")
    offering = [s for s in SETTINGS if s.read == "audience" and wordings[audience] in (s.values or ())]
    assert offering
    for setting in offering:
        assert words.option_in(setting, f"Edit privacy. Sharing with {audience}. ").value == wordings[audience]


def test_every_exception_is_still_in_the_catalog():
    """An exception that no longer matches the catalog's data would hide nothing; it goes."""
    recorded = {(e["id"], t) for e in CATALOG["settings"] for f in LABEL_FIELDS + OPTION_FIELDS for t in e.get(f, [])}
    assert set(NOT_LABELS) | set(NOT_OPTIONS) <= recorded, sorted((set(NOT_LABELS) | set(NOT_OPTIONS)) - recorded)


def test_the_catalog_copy_names_its_sources():
    assert len(READ) >= 50
    assert all(e["sources"] and all(k.startswith("S-") for k in e["sources"]) for e in CATALOG["settings"])


# -- the replica serves each generation, and the flows read it


def replica_labels(control, generation: str, locale: str) -> str:
    label = {"2026": control.label_2026, "legacy": control.label_legacy}.get(generation) or control.label
    return label(locale)


def test_every_label_the_replica_serves_in_any_generation_is_in_the_flows():
    from auditor.replica.registry import GENERATIONS, LOCALES, catalog

    flow_settings = {s.id: s for s in SETTINGS}
    lacking = [
        (control.id, generation, locale, replica_labels(control, generation, locale))
        for _page, control in catalog().controls()
        if control.id in flow_settings
        for generation in GENERATIONS
        for locale in LOCALES
        if replica_labels(control, generation, locale) not in flow_settings[control.id].label.texts(locale)
    ]
    assert not lacking
    assert any(c.label_legacy for _p, c in catalog().controls())


# Pages whose wording differs between generations; (account, generation) pairs cover each
# generation in US English, and the older wordings in German and British English too.
GENERATION_FLOWS = {
    "facebook/how_people_find_and_contact_you",
    "facebook/profile_and_tagging",
    "facebook/followers_and_public_content",
    "instagram/tags_and_mentions",
    "instagram/sharing_and_reuse",
    "instagram/edit_profile",
    "accounts_center/ad_partners",
    "accounts_center/off_meta_activity",
}
AUDITS = [("demo", "legacy"), ("demo", "2024"), ("demo", "2026"), ("de", "legacy"), ("eu", "2026")]


@pytest.mark.parametrize("account, generation", AUDITS, ids=[f"{a}-{g}" for a, g in AUDITS])
def test_the_reader_reads_every_label_generation_the_replica_serves(browser, replica, account, generation):
    from conftest import audit_account

    from auditor.replica.model import current_value
    from auditor.replica.registry import catalog

    flows = [f for f in spec.load_flows() if f.id in GENERATION_FLOWS]
    replica.knobs.set(f"labels:{generation}")
    observations, writes = audit_account(browser, replica, account, flows=flows)
    assert writes == []
    stored = replica.store.accounts[account]
    read = {
        o.setting: o for o in observations.observations if o.setting in {s.id for f in flows for s in f.spec.settings}
    }
    for setting, observation in read.items():
        _page, control = catalog().control(setting)
        if setting == "ac.off_meta_activity_future" and generation == "2026":
            assert (observation.status, observation.reason) == ("not_applicable", "retired")
        elif control.only_for == "professional" and not stored.ig_professional:
            assert observation.status == "not_applicable", setting
        else:
            assert observation.status == "observed", (setting, observation.reason, observation.detail)
            assert observation.value == current_value(control, stored, replica.store, replica.knobs), setting
    assert len(read) >= 20
