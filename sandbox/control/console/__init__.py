"""The web console: pages a person keeps open beside their client. The server renders what the
specs say (the APIs, their hosts, fidelity, coverage and demo credentials); everything about a
tenant comes from the control plane's public operations, called by the page's own small scripts
with the admin token the browser keeps for the session. Composed in by the app for the paths no
API serves, so it is never on an emulated API's way."""

from sandbox.control.console.app import Console

__all__ = ["Console"]
