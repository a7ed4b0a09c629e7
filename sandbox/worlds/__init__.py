"""The deterministic toolkit every API's world is made with: one concept per module.

- `rng`: seeded random streams and weighted choices, derived from names with sha256
- `ids`: stable identifiers (a keyed permutation of a range, GUIDs that carry their key)
- `identities`: Belgian and Dutch identifiers with valid check digits (KBO/BCE, VAT, IBAN,
  national register numbers, KvK, BSN) and phone numbers
- `names`: people's names, addresses and e-mail addresses from Faker's Belgian and Dutch locales
- `calendar`: the local day in Brussels, school years, month ends and business days

Nothing here names an API; every function is a pure function of its arguments.
"""
