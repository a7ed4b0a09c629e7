"""CodaBox API V2: accounting offices, their clients' mandates, and the documents that flow to them.

The engine-independent core, pure functions of the world, dates and plain dicts:

- `world`: offices, clients, bank accounts, mandates and the documents of any range of days;
- `statements`, `invoices`, `soda`: what a document holds;
- `coda`, `camt`, `soda`, `ubl`, `expenses`, `pdfs`: the files a client downloads;
- `ubl.validate_invoice`: the check of an uploaded invoice, rule by rule;
- `mandates`: ordering mandates and their lifecycle over the tenant's overlay;
- `_toolkit`: seeded randomness, ids, Belgian identifiers and the bank calendar.
"""
