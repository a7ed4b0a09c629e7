"""Emulated-API sandbox."""
