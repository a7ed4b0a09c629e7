"""The OAuth2 authorization server of every OAuth2-protected API (specs/identity.yaml).

`endpoints` holds the handlers; `clients` authenticates clients, `codes` keeps authorization codes
and checks PKCE, `pages` draws the consent page and `errors` renders RFC 6749 errors. The tokens
themselves are the engine's (`sandbox.runtime.tokens`), since every protected API verifies them.
"""

from sandbox.identity.endpoints import package

__all__ = ["package"]
