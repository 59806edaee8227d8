"""Privacy Centre pages and the AI objection forms (catalog 5, 7): region decides what is offered.

The GenAI page ("How Meta uses information for generative AI models and features") links the
"right to object" form for accounts in the EU/EEA and the UK only, and the third-party information
form everywhere. Sending a form is a write and lands in the write log like any mutation: an audit
reads the page and never submits. The forms are the 2025 ones (email pre-filled, optional reason,
"Send"); texts the catalog does not quote (field labels, the third-party
form's questions) and all German wording are unverified.
"""

from __future__ import annotations

from html import escape

from auditor.replica.registry import HOSTS, Account, Text

GENAI_PATHS = ("/privacy/genai", "/privacy/guide/genai")  # the second is the apps' "ai_at_meta_link"
FB_OBJECTION = "https://www.facebook.com/help/contact/712876720715583"
IG_OBJECTION = "https://help.instagram.com/contact/767264225370182"
THIRD_PARTY = "https://www.facebook.com/help/contact/1266025207620918"
# (site, path) -> the setting a form belongs to. The Instagram app links a second objection form id
# (233964459562201, S-igapk); which one is current is unverified, so both are served.
FORMS = {
    ("facebook", "/help/contact/712876720715583"): "meta.genai_object_facebook",
    ("help", "/contact/767264225370182"): "meta.genai_object_instagram",
    ("help", "/contact/233964459562201"): "meta.genai_object_instagram",
    ("facebook", "/help/contact/1266025207620918"): "meta.genai_third_party_info_form",
}
T = {
    "genai_heading": Text(
        en_US="How Meta uses information for generative AI models and features",
        de_DE="Wie Meta Informationen für generative KI-Modelle und -Funktionen verwendet",
    ),
    "genai_intro": Text(
        en_US="We use information that is publicly available online and licensed information, as well as information shared on Meta's Products and services, such as public posts, photos and their captions, to develop and improve AI at Meta.",
        de_DE="Wir verwenden öffentlich online verfügbare und lizenzierte Informationen sowie Informationen, die auf den Produkten und Diensten von Meta geteilt werden, etwa öffentliche Beiträge, Fotos und deren Bildunterschriften, um KI bei Meta zu entwickeln und zu verbessern.",
    ),
    # The sentence news outlets quote from the EU/UK view, with the link inside it (S-genai-pc, S-sipoch-linked).
    "object_before": Text(en_US="You have the ", de_DE="Du hast das "),
    "object_link": Text(en_US="right to object", de_DE="Recht auf Widerspruch"),
    "object_after": Text(
        en_US=" to Meta using the information you've shared on our Products and services to develop and improve AI at Meta.",
        de_DE=" dagegen, dass Meta die Informationen, die du auf unseren Produkten und Diensten geteilt hast, zur Entwicklung und Verbesserung von KI bei Meta verwendet.",
    ),
    "third_party_sentence": Text(
        en_US="You can also ask about information from third parties that is used to develop AI at Meta.",
        de_DE="Du kannst auch Anfragen zu Informationen von Dritten stellen, die zur Entwicklung von KI bei Meta verwendet werden.",
    ),
    "third_party_link": Text(
        en_US="Data subject rights for third-party information used for AI at Meta",
        de_DE="Rechte betroffener Personen bezüglich Informationen Dritter, die für KI bei Meta verwendet werden",
    ),
    "third_party_note": Text(
        en_US="We don't automatically fulfil requests sent using this form. We review them consistent with your local laws.",
        de_DE="Wir erfüllen über dieses Formular gesendete Anfragen nicht automatisch. Wir prüfen sie im Einklang mit den für dich geltenden Gesetzen.",
    ),
    "object_heading": Text(
        en_US="Object to your information being used for AI at Meta",
        de_DE="Widerspruch gegen die Verwendung deiner Informationen für KI bei Meta",
    ),
    # What a US visitor sees on the form's URL: wording unverified (the catalog says only "not offered in US").
    "object_not_offered": Text(
        en_US="This form isn't available in your country.", de_DE="Dieses Formular ist in deinem Land nicht verfügbar."
    ),
    "email": Text(en_US="Email address", de_DE="E-Mail-Adresse"),
    "reason": Text(
        en_US="Please tell us how this processing impacts you (optional)",
        de_DE="Bitte erkläre uns, wie sich diese Verarbeitung auf dich auswirkt (optional)",
    ),
    "send": Text(en_US="Send", de_DE="Senden"),
    "request_type": Text(en_US="What would you like to do?", de_DE="Was möchtest du tun?"),
    "access": Text(
        en_US="Access, download or correct any personal information from third parties used for generative AI",
        de_DE="Personenbezogene Informationen Dritter, die für generative KI verwendet werden, abrufen, herunterladen oder korrigieren",
    ),
    "delete": Text(
        en_US="Delete any personal information from third parties used for generative AI",
        de_DE="Personenbezogene Informationen Dritter löschen, die für generative KI verwendet werden",
    ),
    "other": Text(en_US="I have a different issue", de_DE="Ich habe ein anderes Anliegen"),
    "prompts": Text(
        en_US="Please provide the prompts you entered that resulted in your personal information appearing in a response from an AI at Meta model, feature or experience.",
        de_DE="Bitte gib die Prompts an, die dazu geführt haben, dass deine personenbezogenen Informationen in einer Antwort eines KI-Modells, einer Funktion oder eines Erlebnisses von Meta erschienen sind.",
    ),
    "screenshot": Text(
        en_US="Please upload a screenshot of the response", de_DE="Bitte lade einen Screenshot der Antwort hoch"
    ),
    "centre": Text(en_US="Privacy Center", en_GB="Privacy Centre", de_DE="Datenschutzcenter"),
    "centre_intro": Text(
        en_US="Learn how to manage and control your privacy on Meta products.",
        de_DE="Erfahre, wie du deine Privatsphäre in den Produkten von Meta verwalten kannst.",
    ),
    # The 2025 in-app confirmation (S-tg24-2025, translated from Italian).
    "object_sent": Text(
        en_US="Your request will be applied from now on to the development and improvement of AI at Meta. You'll receive an email with the details.",
        de_DE="Deine Anfrage wird ab sofort auf die Entwicklung und Verbesserung von KI bei Meta angewendet. Du erhältst eine E-Mail mit den Einzelheiten.",
    ),
    "sent": Text(en_US="Thanks. We've received your request.", de_DE="Danke. Wir haben deine Anfrage erhalten."),
}


def objection_offered(region: str) -> bool:
    """EU/EEA and UK only (catalog 7); the US and most others have no objection route."""
    return region in ("EU", "UK")


def render(app, req, host: str, account: Account | None):
    """The Privacy Centre or form page at this host and path."""
    locale = app._locale(req, account)
    offered = objection_offered(account.region if account else app._region(req))
    path = req.path.rstrip("/")
    t = lambda key: escape(T[key](locale))  # noqa: E731 - a short local helper keeps the markup readable
    if path in GENAI_PATHS:
        form = IG_OBJECTION if host.endswith("instagram.com") else FB_OBJECTION
        objection = (
            f'<p>{t("object_before")}<a href="{form}">{t("object_link")}</a>{t("object_after")}</p>' if offered else ""
        )
        extra = (
            f"<p>{t('genai_intro')}</p>{objection}<p>{t('third_party_sentence')} "
            f'<a href="{THIRD_PARTY}">{t("third_party_link")}</a></p>'
        )
        return app._simple(host, locale, T["genai_heading"](locale), "", account=account, extra=extra)
    if path == "/privacy/center":
        extra = f'<p>{t("centre_intro")}</p><a href="/privacy/genai/">{t("genai_heading")}</a>'
        return app._simple(host, locale, T["centre"](locale), "", account=account, extra=extra)
    setting = FORMS.get((HOSTS.get(host), path))
    if setting is None:
        return app._simple(host, locale, app._s("unavailable_heading", locale), app._s("unavailable_body", locale), 404)
    third_party = setting == "meta.genai_third_party_info_form"
    heading = T["third_party_link" if third_party else "object_heading"](locale)
    if not third_party and not offered:
        return app._simple(host, locale, heading, T["object_not_offered"](locale), account=account)
    if req.method == "POST":
        app.store.record_write(account.id if account else "logged-out", host, f"form:{path}", setting, "submitted")
        return app._simple(host, locale, T["sent" if third_party else "object_sent"](locale), "", account=account)
    return app._simple(host, locale, heading, "", account=account, extra=_form(app, t, account, third_party))


def _form(app, t, account: Account | None, third_party: bool) -> str:
    cx = app.cx
    email = escape(account.email) if account else ""
    before = after = ""
    if third_party:
        radios = "".join(
            f'<label><input type="radio" name="request_type" value="{key}"> {t(key)}</label><br>'
            for key in ("access", "delete", "other")
        )
        before = f"<p>{t('third_party_note')}</p><fieldset><legend>{t('request_type')}</legend>{radios}</fieldset>"
        after = (
            f'<label>{t("prompts")}<textarea name="prompts" class="{cx["input"]}"></textarea></label>'
            f'<label>{t("screenshot")}<input type="file" name="screenshot" accept="image/*"></label>'
        )
    reason = (
        "" if third_party else f'<label>{t("reason")}<textarea name="reason" class="{cx["input"]}"></textarea></label>'
    )
    return (
        f'<form method="post" id="contact_form">{before}'
        f'<label>{t("email")}<input type="email" name="email" value="{email}" class="{cx["input"]}"></label>'
        f'{reason}{after}<button type="submit" class="{cx["primary"]}">{t("send")}</button></form>'
    )
