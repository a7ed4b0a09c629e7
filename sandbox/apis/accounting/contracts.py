"""Checks of the Accounting API's own rules, judged from a tenant's journal. Register each with
`sandbox.contracts.registry.check` (as sandbox/apis/nbb_cbso/contracts.py does); the registry
imports this module by itself. The shared checks (tokens, rate limits, async jobs marked in the
spec) judge this API already."""
