"""`sandbox audit`: does an accounting vendor's own API meet seed 003 (Webwinkelfacturen.nl's list
of requirements)? Reads the vendor's OpenAPI document, gets a token, calls the running API and
judges the nine items one by one; items no program can judge ask for a manual check."""

from sandbox.audit.items import ITEMS, audit
from sandbox.audit.report import AuditReport, ItemResult, Outcome
from sandbox.audit.target import Target

__all__ = ["ITEMS", "AuditReport", "ItemResult", "Outcome", "Target", "audit"]
