"""Administration: the catalog, accounts, users, partners, settings and the audit log."""
