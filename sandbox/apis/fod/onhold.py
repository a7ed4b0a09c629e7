"""On hold, as in reality: every call answers 503 with `Retry-After` and the FOD's reason, in the
language the client asks for. The tenant's mode (`on_hold`, the default, or `preview`) lives in
its state overlay and is switched by the `set-mode` sandbox action."""

from __future__ import annotations

from sandbox.apis.fod.errors import API_ON_HOLD
from sandbox.errors import ApiError
from sandbox.runtime.state import TenantState

ON_HOLD, PREVIEW = "on_hold", "preview"
MODES = (ON_HOLD, PREVIEW)
RETRY_AFTER = 86_400  # no timeline is known: a day is the honest hint

MESSAGES = {
    "nl": "De ontwikkeling van deze API is on hold wegens open vragen over de privacy en de "
    "beveiliging van gebruikers en gegevenseigenaars. Er is geen timing.",
    "fr": "Le développement de cette API est suspendu en raison de questions ouvertes sur la vie "
    "privée et la sécurité des utilisateurs et des propriétaires de données. Aucun calendrier.",
    "de": "Die Entwicklung dieser API ist wegen offener Fragen zum Datenschutz und zur Sicherheit "
    "der Nutzer und Dateneigentümer ausgesetzt. Es gibt keinen Zeitplan.",
    "en": "Development of this API is on hold over open questions on the privacy and security of "
    "users and data owners. There is no timeline.",
}
CLOSED_MESSAGES = {
    "nl": "Registratie als erkende gebruiker is tijdelijk niet mogelijk.",
    "fr": "L'enregistrement comme utilisateur reconnu est temporairement impossible.",
    "de": "Die Registrierung als anerkannter Nutzer ist vorübergehend nicht möglich.",
    "en": "Registration as a recognised user is temporarily impossible.",
}


def language(accept_language: str | None) -> str:
    """The first of nl, fr, de, en the header prefers (RFC 9110 §12.5.4 weights); English else."""
    ranked = []
    for position, item in enumerate((accept_language or "").split(",")):
        tag, _, params = item.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in MESSAGES and weight > 0:
            ranked.append((-weight, position, primary))
    return min(ranked)[2] if ranked else "en"


async def mode(state: TenantState) -> str:
    return await state.get("mode", default=ON_HOLD)


def on_hold_error(accept_language: str | None) -> ApiError:
    lang = language(accept_language)
    headers = {"Retry-After": str(RETRY_AFTER), "Content-Language": lang}
    return ApiError(503, API_ON_HOLD.code, MESSAGES[lang], headers=headers)
