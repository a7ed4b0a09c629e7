"""Which tenant a credential belongs to, per security scheme."""

from __future__ import annotations


class Credentials:
    def __init__(self) -> None:
        self._owners: dict[tuple[str, str, str], str] = {}

    def add(self, api: str, scheme: str, secret: str, tenant: str) -> None:
        self._owners[(api, scheme, secret)] = tenant

    def tenant_for(self, api: str, scheme: str, secret: str) -> str | None:
        return self._owners.get((api, scheme, secret))
