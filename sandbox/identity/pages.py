"""The HTML a browser sees at the authorization endpoint: the consent form, the refusal page and the
body of a redirect. Every value is escaped; no script, so it works with any browser driver."""

from __future__ import annotations

from html import escape

from sandbox.identity.codes import AuthorizationRequest

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#222}
code{background:#f2f2f2;padding:0 .2em}
li{margin:.2em 0}
button{font-size:1rem;padding:.5em 1.5em;margin-right:1em}
.note{color:#666;font-size:.9em}
"""


def page(title: str, body: str) -> str:
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def consent(request: AuthorizationRequest, action: str, tenant_name: str) -> str:
    client_id = escape(request.client.client_id)
    scopes = "\n".join(f"<li><code>{escape(s)}</code></li>" for s in request.scopes)
    hidden = "\n".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
        for name, value in request.fields().items()
    )
    return page(
        f"Authorize {request.client.client_id}",
        f"<h1>Authorize <code>{client_id}</code></h1>\n"
        f"<p>The application <strong>{client_id}</strong> of <strong>{escape(tenant_name)}</strong> "
        "asks for access with these scopes:</p>\n"
        f'<ul id="scopes">\n{scopes or "<li>(no scopes)</li>"}\n</ul>\n'
        f"<p>Your answer goes back to <code>{escape(request.redirect_uri)}</code>.</p>\n"
        f'<form method="post" action="{escape(action)}">\n{hidden}\n'
        '<button type="submit" name="decision" value="approve">Approve</button>\n'
        '<button type="submit" name="decision" value="deny">Deny</button>\n'
        "</form>\n"
        '<p class="note">Sandbox consent page: nobody logs in; approving grants the scopes above '
        "to the client, for its tenant.</p>",
    )


def refusal(description: str) -> str:
    return page(
        "Authorization request refused",
        "<h1>Authorization request refused</h1>\n"
        f'<p id="error">{escape(description)}</p>\n'
        '<p class="note">The browser is not sent back to the client: the client or its redirect URI '
        "is not one this server knows (RFC 6749 §4.1.2.1).</p>",
    )


def redirecting(location: str) -> str:
    return page("Redirecting", f'<p>Continue to <a href="{escape(location)}">{escape(location)}</a>.</p>')
