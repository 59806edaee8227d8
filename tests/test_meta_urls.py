"""Meta's login and check pages are told from settings pages by their paths (auditor.meta), one set of
patterns for observe and for login."""

from __future__ import annotations

import pytest

from auditor import meta, spec


@pytest.mark.parametrize(
    "url, login, check",
    [
        ("https://www.facebook.com/login/", True, False),
        ("https://www.facebook.com/login.php?next=x", True, False),
        ("https://www.facebook.com/login/device-based/regular/login/", True, False),
        ("https://www.instagram.com/accounts/login/?next=%2F", True, False),
        ("https://www.instagram.com/accounts/login/two_factor?next=%2F", True, True),
        ("https://www.facebook.com/two_step_verification/two_factor/?encrypted_context=x", False, True),
        ("https://www.facebook.com/checkpoint/?next=x", False, True),
        ("https://www.facebook.com/checkpoint", False, True),
        ("https://www.instagram.com/challenge/action/", False, True),
        ("https://www.facebook.com/auth_platform/afad/", False, True),
        ("https://www.facebook.com/login_approvals/", False, True),
        ("https://accountscenter.facebook.com/password_and_security/login_activity", False, False),
        ("https://accountscenter.facebook.com/password_and_security/two_factor", False, False),
        ("https://www.facebook.com/settings/?tab=posts", False, False),
        ("https://www.facebook.com/loginhelp/", False, False),
    ],
)
def test_login_and_check_pages(url, login, check):
    assert (meta.is_login_page(url), meta.is_check_page(url)) == (login, check)


def test_no_settings_page_of_the_flows_looks_like_a_login_or_a_check():
    for flow in spec.load_flows():
        assert not meta.is_login_page(flow.spec.url) and not meta.is_check_page(flow.spec.url), flow.id
