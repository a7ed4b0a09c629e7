"""OAuth2 scopes: the ones the specs declare, and scope templates that name a request parameter.

A spec may declare `api.students.{InstituteNo}`: a token then needs the scope with the value the
request carries in its `InstituteNo` parameter (Informat grants scopes per institute number).
"""

from __future__ import annotations

import re

TEMPLATE_FIELD = re.compile(r"\{([^{}]+)\}")


def is_scope_template(scope: str) -> bool:
    """`api.students.{InstituteNo}`: a scope that names a request parameter, filled per request."""
    return TEMPLATE_FIELD.search(scope) is not None


def fill_scope(template: str, params: dict) -> str:
    return TEMPLATE_FIELD.sub(lambda m: str(params.get(m[1], m[0])), template)


def matches_scope_template(template: str, scope: str) -> bool:
    """Whether `scope` is `template` with each parameter filled by a plain value (no dots or spaces)."""
    parts = TEMPLATE_FIELD.split(template)
    pattern = "".join(re.escape(p) if i % 2 == 0 else r"[A-Za-z0-9_-]+" for i, p in enumerate(parts))
    return re.fullmatch(pattern, scope) is not None


def declared_scopes(apis) -> list[str]:
    """The scopes a client may be given: every plain scope an OAuth2 security scheme of a loaded
    spec declares, and every filled-in template an API's fixture lists under `default_scopes`."""
    found: set[str] = set()
    for api in apis:
        found.update(api.fixture.get("default_scopes") or [])
        for scheme in api.security_schemes.values():
            if scheme.get("type") == "oauth2":
                for flow in scheme.get("flows", {}).values():
                    found.update(s for s in flow.get("scopes", {}) if not is_scope_template(s))
    return sorted(found)


def scope_templates(apis) -> list[str]:
    found: set[str] = set()
    for api in apis:
        for scheme in api.security_schemes.values():
            if scheme.get("type") == "oauth2":
                for flow in scheme.get("flows", {}).values():
                    found.update(s for s in flow.get("scopes", {}) if is_scope_template(s))
    return sorted(found)


def unknown_scopes(apis, scopes: list[str]) -> list[str]:
    """The scopes that no spec declares, neither as such nor as a template they fill in."""
    declared, templates = set(declared_scopes(apis)), scope_templates(apis)
    return sorted(
        scope
        for scope in set(scopes)
        if scope not in declared and not any(matches_scope_template(t, scope) for t in templates)
    )
