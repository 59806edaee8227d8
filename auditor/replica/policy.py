"""Privacy Centre pages and the AI objection forms (catalog 5): region decides what is offered.

The objection forms are offered in the EU/EEA and the UK only; the third-party information form
everywhere. Sending a form is a write and lands in the write log like any mutation.
"""

from __future__ import annotations

from html import escape

from auditor.replica.registry import Account, Text

GENAI_PATHS = ("/privacy/genai/", "/privacy/genai", "/privacy/guide/genai/", "/privacy/guide/genai")
FB_OBJECTION = "https://www.facebook.com/help/contact/712876720715583"
IG_OBJECTION = "https://help.instagram.com/contact/767264225370182"
FORMS = {
    "/help/contact/712876720715583": "meta.genai_object_facebook",
    "/contact/767264225370182": "meta.genai_object_instagram",
    "/contact/233964459562201": "meta.genai_object_instagram",
    "/help/contact/1266025207620918": "meta.genai_third_party_info_form",
}
T = {
    "genai_heading": Text(en_US="How Meta uses information for generative AI models and features",
                          de_DE="Wie Meta Informationen für generative KI-Modelle und -Funktionen verwendet"),
    "genai_intro": Text(en_US="We use information that is publicly available online and licensed information, as well as information shared on Meta's Products and services, such as public posts, photos and their captions, to develop and improve AI at Meta.",
                        de_DE="Wir verwenden öffentlich online verfügbare und lizenzierte Informationen sowie Informationen, die auf den Produkten und Diensten von Meta geteilt werden, etwa öffentliche Beiträge, Fotos und deren Bildunterschriften, um KI bei Meta zu entwickeln und zu verbessern."),
    "object_sentence": Text(en_US="You have the right to object to Meta using the information you've shared on our Products and services to develop and improve AI at Meta.",
                            de_DE="Du hast das Recht, der Verwendung der Informationen, die du auf unseren Produkten und Diensten geteilt hast, zur Entwicklung und Verbesserung von KI bei Meta zu widersprechen."),
    "object_link": Text(en_US="right to object", de_DE="Widerspruchsrecht"),
    "third_party_sentence": Text(en_US="You can also ask about information from third parties that is used to develop AI at Meta.",
                                 de_DE="Du kannst auch Anfragen zu Informationen von Dritten stellen, die zur Entwicklung von KI bei Meta verwendet werden."),
    "third_party_link": Text(en_US="Data subject rights for third-party information used for AI at Meta",
                             de_DE="Rechte betroffener Personen bezüglich Informationen Dritter, die für KI bei Meta verwendet werden"),
    "object_heading": Text(en_US="Object to your information being used for AI at Meta",
                           de_DE="Widerspruch gegen die Verwendung deiner Informationen für KI bei Meta"),
    "object_not_offered": Text(en_US="This form isn't available in your country.", de_DE="Dieses Formular ist in deinem Land nicht verfügbar."),
    "email": Text(en_US="Email address", de_DE="E-Mail-Adresse"),
    "reason": Text(en_US="Please tell us how this processing impacts you (optional)",
                   de_DE="Bitte erkläre uns, wie sich diese Verarbeitung auf dich auswirkt (optional)"),
    "send": Text(en_US="Send", de_DE="Senden"),
    "request_type": Text(en_US="What would you like to do?", de_DE="Was möchtest du tun?"),
    "access": Text(en_US="Access, download or correct any personal information from third parties used for generative AI",
                   de_DE="Personenbezogene Informationen Dritter, die für generative KI verwendet werden, abrufen, herunterladen oder korrigieren"),
    "delete": Text(en_US="Delete any personal information from third parties used for generative AI",
                   de_DE="Personenbezogene Informationen Dritter löschen, die für generative KI verwendet werden"),
    "other": Text(en_US="I have a different issue", de_DE="Ich habe ein anderes Anliegen"),
    "centre": Text(en_US="Privacy Center", en_GB="Privacy Centre", de_DE="Datenschutzcenter"),
    "centre_intro": Text(en_US="Learn how to manage and control your privacy on Meta products.",
                         de_DE="Erfahre, wie du deine Privatsphäre in den Produkten von Meta verwalten kannst."),
    "sent": Text(en_US="Thanks. We've received your request.", de_DE="Danke. Wir haben deine Anfrage erhalten."),
}


def render(app, req, host: str, account: Account | None):
    """The Privacy Centre or form page at this host and path."""
    locale = app._locale(req, account)
    region = account.region if account else app._region(req)
    offered = region in ("EU", "UK")
    path = req.path
    t = lambda key: escape(T[key](locale))  # noqa: E731 - a short local helper keeps the markup readable
    if path in GENAI_PATHS:
        form = IG_OBJECTION if host.endswith("instagram.com") else FB_OBJECTION
        objection = (f'<p>{t("object_sentence")} <a href="{form}">{t("object_link")}</a></p>' if offered else "")
        extra = (f'<p>{t("genai_intro")}</p>{objection}<p>{t("third_party_sentence")} '
                 f'<a href="https://www.facebook.com/help/contact/1266025207620918">{t("third_party_link")}</a></p>')
        return app._simple(host, locale, T["genai_heading"](locale), "", account=account, extra=extra)
    if path.startswith("/privacy/center"):
        extra = f'<p>{t("centre_intro")}</p><a href="https://www.facebook.com/privacy/genai/">{t("genai_heading")}</a>'
        return app._simple(host, locale, T["centre"](locale), "", account=account, extra=extra)
    setting = FORMS.get(path.rstrip("/"))
    if setting is None:
        return app._simple(host, locale, app._s("unavailable_heading", locale), app._s("unavailable_body", locale), 404)
    if req.method == "POST":
        who = account.id if account else "logged-out"
        app.store.record_write(who, host, f"form:{path}", setting, "submitted")
        return app._simple(host, locale, T["sent"](locale), "", account=account)
    third_party = setting == "meta.genai_third_party_info_form"
    heading = T["third_party_link" if third_party else "object_heading"](locale)
    if not third_party and not offered:
        return app._simple(host, locale, heading, T["object_not_offered"](locale), account=account)
    cx = app.cx
    email = escape(account.email) if account else ""
    choices = ""
    if third_party:
        radios = "".join(
            f'<label><input type="radio" name="request_type" value="{key}"> {t(key)}</label><br>' for key in ("access", "delete", "other")
        )
        choices = f'<fieldset><legend>{t("request_type")}</legend>{radios}</fieldset>'
    extra = (
        f'<form method="post" id="contact_form">{choices}'
        f'<label>{t("email")}<input type="email" name="email" value="{email}" class="{cx["input"]}"></label>'
        f'<label>{t("reason")}<textarea name="reason" class="{cx["input"]}"></textarea></label>'
        f'<button type="submit" class="{cx["primary"]}">{t("send")}</button></form>'
    )
    return app._simple(host, locale, heading, "", account=account, extra=extra)
