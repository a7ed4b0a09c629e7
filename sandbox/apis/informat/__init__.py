"""Informat, the Flemish school administration: its student, staff and school-bill APIs.

Three specs, three packages (`students`, `staff`, `bills`), one world of schools (`world.py`) and
one error body with its catalogue of codes (`errors.py`).
"""
