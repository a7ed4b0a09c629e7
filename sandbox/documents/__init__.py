"""File writers shared by the emulated APIs: one-page PDFs and stable zips."""
