"""The guard's two openings, pinned without a browser: the login's own requests, and a confirmed change's save.

Each row is one request as the guard sees it. A login lets through exactly the requests of its
own shapes (the form, the two-factor code, the cookie answer), for its platform and its account;
a change lets through only the save that names the confirmed setting and the confirmed value, in
the shape the flow's `change:` part names. Everything else is a stranger.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from auditor.apply.reading import parsed
from auditor.apply.schema import Save
from auditor.openings import Expected, expected_save, is_the_save, login_shape

FB = "https://www.facebook.com"
IG = "https://www.instagram.com"
FORM = {"content-type": "application/x-www-form-urlencoded"}
ME = "totp@example.org"


def body(**fields) -> bytes:
    return urlencode(fields).encode()


LOGIN_ROWS = [
    # ---------------------------------------------------------------- the login's own requests, named
    (
        "facebook",
        "POST",
        f"{FB}/login/device-based/regular/login/?login_attempt=1",
        FORM,
        body(lsd="x", email=ME, next="", **{"pass": "pw"}),
        "document",
        "Facebook login form",
    ),
    ("facebook", "POST", f"{FB}/login/", FORM, body(email=ME, **{"pass": "pw"}), "document", "Facebook login form"),
    (
        "facebook",
        "POST",
        f"{FB}/two_step_verification/two_factor/?encrypted_context=abc&next=",
        FORM,
        body(approvals_code="123456"),
        "document",
        "Facebook two-factor code",
    ),
    (
        "facebook",
        "POST",
        f"{FB}/cookie/consent/",
        FORM,
        body(choice="accept_only_essential_button"),
        "fetch",
        "Facebook cookie answer",
    ),
    (
        "instagram",
        "POST",
        f"{IG}/api/v1/web/accounts/login/ajax/",
        FORM,
        body(username=ME, enc_password="#PWD_INSTAGRAM_BROWSER:0:1:pw", queryParams="{}", optIntoOneTap="false"),
        "fetch",
        "Instagram login",
    ),
    (
        "instagram",
        "POST",
        f"{IG}/api/v1/web/accounts/login/ajax/two_factor/",
        FORM,
        body(identifier="t", verificationCode="123456", trust_signal="true"),
        "fetch",
        "Instagram two-factor code",
    ),
    (
        "instagram",
        "POST",
        f"{IG}/api/v1/web/consent/",
        FORM,
        body(choice="accept_only_essential_button"),
        "fetch",
        "Instagram cookie answer",
    ),
    # ---------------------------------------------------------------- strangers
    ("facebook", "POST", f"{FB}/login/", FORM, body(email="someone@else.org", **{"pass": "pw"}), "document", None),
    ("facebook", "POST", f"{FB}/login/", FORM, body(**{"pass": "pw"}), "document", None),
    (
        "facebook",
        "POST",
        f"{FB}/login/",
        {"content-type": "text/plain"},
        body(email=ME, **{"pass": "pw"}),
        "fetch",
        None,
    ),
    ("facebook", "POST", f"{FB}/login/", FORM, body(email=ME, **{"pass": "pw"}), "ping", None),
    ("facebook", "POST", "https://m.facebook.com/login/", FORM, body(email=ME, **{"pass": "pw"}), "document", None),
    ("instagram", "POST", f"{FB}/login/", FORM, body(email=ME, **{"pass": "pw"}), "document", None),
    ("facebook", "POST", f"{FB}/two_step_verification/two_factor/", FORM, body(code="1"), "document", None),
    (
        "facebook",
        "POST",
        f"{FB}/api/graphql/",
        FORM,
        body(fb_api_req_friendly_name="CometSettingsToggleMutation"),
        "fetch",
        None,
    ),
    ("instagram", "POST", f"{IG}/api/v1/web/accounts/set_public/", FORM, b"", "fetch", None),
    (
        "instagram",
        "POST",
        f"{IG}/api/v1/web/accounts/login/ajax/",
        FORM,
        body(username="other", enc_password="x"),
        "fetch",
        None,
    ),
    ("instagram", "GET", f"{IG}/api/v1/web/accounts/login/ajax/", {}, None, "fetch", None),
    ("instagram", "POST", f"{IG}/api/v1/web/consent/", FORM, None, "fetch", None),
]


@pytest.mark.parametrize("platform, method, url, headers, sent, kind, name", LOGIN_ROWS)
def test_a_login_lets_through_its_own_requests_only(platform, method, url, headers, sent, kind, name):
    assert login_shape(platform, ME, method, url, headers, sent, kind) == name


# ---------------------------------------------------------------------- a change's save
TOGGLE = Expected("CometSettingsToggleMutation", {"key": "8127", "enabled": False})


def graphql(name="CometSettingsToggleMutation", variables=None, url=f"{FB}/api/graphql/", extra=(), header=None):
    pairs = [("fb_dtsg", "NA:1"), ("fb_api_req_friendly_name", name)]
    pairs += [("variables", json.dumps({"key": "8127", "enabled": False} if variables is None else variables))]
    pairs += [("doc_id", "1"), *extra]
    headers = {**FORM, **({"x-fb-friendly-name": header} if header else {})}
    return "POST", url, headers, urlencode(pairs).encode()


SAVE_ROWS = [
    pytest.param(graphql(), "fetch", True, id="the save"),
    pytest.param(graphql(header="CometSettingsToggleMutation"), "xhr", True, id="the save, by XHR, header"),
    pytest.param(graphql(url=f"{FB}/API/GRAPHQL/"), "fetch", True, id="path in capitals"),
    pytest.param(graphql(variables={"key": "9999", "enabled": False}), "fetch", False, id="another setting"),
    pytest.param(graphql(variables={"key": 8127, "enabled": False}), "fetch", False, id="the id as a number"),
    pytest.param(graphql(variables={"key": "8127", "enabled": True}), "fetch", False, id="another value"),
    pytest.param(graphql(variables={"key": "8127"}), "fetch", False, id="no value"),
    pytest.param(
        graphql(variables={"input": {"key": "8127", "enabled": False}}), "fetch", False, id="the ids one level down"
    ),
    pytest.param(graphql("CometSettingsPrivacySelectorMutation"), "fetch", False, id="another operation"),
    pytest.param(graphql("CometSettingsToggleQuery"), "fetch", False, id="a Query name"),
    pytest.param(
        graphql(header="CometSettingsPrivacySelectorMutation"), "fetch", False, id="the header names another operation"
    ),
    pytest.param(
        graphql(extra=[("fb_api_req_friendly_name", "CometSettingsToggleMutation")]),
        "fetch",
        False,
        id="two friendly names",
    ),
    pytest.param(graphql(extra=[("variables", "{}")]), "fetch", False, id="two variables"),
    pytest.param(graphql(extra=[("fb_api_req.friendly_name", "X")]), "fetch", False, id="a PHP alias"),
    pytest.param(graphql(url=f"{FB}/api/graphql/?doc_id=2"), "fetch", False, id="GraphQL in the URL"),
    pytest.param(graphql(url="https://example.org/api/graphql/"), "fetch", False, id="not Meta"),
    pytest.param(graphql(url=f"{FB}/ajax/bz"), "fetch", False, id="another path"),
    pytest.param(graphql(), "ping", False, id="a beacon"),
    pytest.param(graphql(), "document", False, id="a form"),
    pytest.param(("PUT", *graphql()[1:]), "fetch", False, id="PUT"),
    pytest.param((*graphql()[:2], {"content-type": "text/plain"}, graphql()[3]), "fetch", False, id="not urlencoded"),
    pytest.param((*graphql()[:3], None), "fetch", False, id="a body Playwright cannot show"),
]


@pytest.mark.parametrize("request_, kind, save", SAVE_ROWS)
def test_a_change_lets_through_only_the_save_of_its_setting_and_value(request_, kind, save):
    method, url, headers, sent = request_
    assert is_the_save(TOGGLE, method, url, headers, sent, kind) is save


# ---------------------------------------------------------------------- which save, from the page's own read
READ = {
    "data": {
        "settings_page": {
            "title": "How people find and contact you",
            "sections": [
                {
                    "controls": [
                        {
                            "type": "audience",
                            "key": "111",
                            "label": "Who can send you friend requests?",
                            "options": [
                                {"id": "111a", "text": "Everyone", "checked": True},
                                {"id": "111b", "text": "Friends of friends", "checked": False},
                            ],
                        },
                        {
                            "type": "switch",
                            "key": "222",
                            "label": "Do you want search engines outside of Meta to link to your profile?",
                            "checked": True,
                        },
                    ]
                }
            ],
        }
    }
}
PRIVACY = Save(request="CometSettingsPrivacySelectorMutation", setting="key", value="option")
SWITCH = Save(request="CometSettingsToggleMutation", setting="key", value="enabled")
SEARCH = "Do you want search engines outside of Meta to link to your profile?"


@pytest.mark.parametrize(
    "save, labels, how, value, option_texts, expected",
    [
        (
            PRIVACY,
            ["Who can send you friend requests?"],
            "pick",
            "friends_of_friends",
            ["Friends of friends"],
            Expected("CometSettingsPrivacySelectorMutation", {"key": "111", "option": "111b"}),
        ),
        (
            SWITCH,
            [SEARCH],
            "flip",
            "off",
            [],
            Expected("CometSettingsToggleMutation", {"key": "222", "enabled": False}),
        ),
        (SWITCH, [SEARCH], "flip", "on", [], Expected("CometSettingsToggleMutation", {"key": "222", "enabled": True})),
        (PRIVACY, ["Who can see your friends list?"], "pick", "only_me", ["Only me"], None),  # not on the page
        (PRIVACY, ["Who can send you friend requests?"], "pick", "only_me", ["Only me"], None),  # no such option
        (
            Save(request="CometSettingsPrivacySelectorMutation", setting="setting_id", value="option"),
            ["Who can send you friend requests?"],
            "pick",
            "friends_of_friends",
            ["Friends of friends"],
            None,
        ),
    ],
)
def test_the_save_is_named_by_the_ids_the_pages_own_read_gives_the_row(
    save, labels, how, value, option_texts, expected
):
    assert expected_save(save, [READ], labels, how, value, option_texts) == expected


def test_two_rows_with_the_label_leave_the_save_unknown():
    twice = {"a": READ, "b": json.loads(json.dumps(READ).replace('"111"', '"333"'))}
    assert (
        expected_save(
            PRIVACY,
            [twice],
            ["Who can send you friend requests?"],
            "pick",
            "friends_of_friends",
            ["Friends of friends"],
        )
        is None
    )


@pytest.mark.parametrize(
    "text, count",
    [
        (json.dumps(READ), 1),
        ("for (;;);" + json.dumps(READ), 1),
        (json.dumps(READ) + "\n" + json.dumps({"label": "streamed part"}) + "\n", 2),
        ("<html>not JSON</html>", 0),
    ],
)
def test_a_reads_answer_is_taken_whole_or_a_document_a_line(text, count):
    found = parsed(text)
    assert len(found) == count and (count == 0 or found[0] == READ)
