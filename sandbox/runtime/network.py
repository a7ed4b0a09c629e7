"""Which addresses count as this machine, and which Host and Origin a request may name.

The loopback rule: an IP address in 127.0.0.0/8 or ::1 (IPv4-mapped ::ffff:127.x too), or the
name `localhost`. A sandbox served only there keeps its control plane open; served anywhere
else, the control plane asks for the admin token.

While the control plane is open, a request must name in `Host` one of: the real hosts of the
emulated APIs, a loopback address or name, the address the request reached, or the configured
host. That keeps a web page whose own name was rebound to 127.0.0.1 (DNS rebinding) away from the
sandbox; a browser's cross-site POST to the control plane is refused by its `Origin`.
"""

from __future__ import annotations

import ipaddress

from starlette.types import Scope


def is_loopback(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return host.lower() == "localhost"
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


def served_beyond_loopback(scope: Scope) -> bool:
    """Whether the connection reached an IP address that is not loopback; a name (a test
    transport's `testserver`) or a Unix socket is no network address."""
    server = scope.get("server")
    if not server:
        return False
    try:
        ipaddress.ip_address(server[0])
    except ValueError:
        return False
    return not is_loopback(server[0])


def host_name(header: str) -> str:
    """The host of a `Host` header or an origin's authority, without port or IPv6 brackets."""
    if header.startswith("["):
        return header[1 : header.find("]")].lower()
    return header.rsplit(":", 1)[0].lower() if header.count(":") == 1 else header.lower()


class HostRule:
    """The hosts a request may name while the control plane is open."""

    def __init__(self, api_hosts: list[str], configured: str) -> None:
        self.known = {h.lower() for h in api_hosts} | {configured.lower()}

    def allows(self, name: str, scope: Scope) -> bool:
        server = scope.get("server")
        return name in self.known or is_loopback(name) or bool(server and name == str(server[0]).lower())
