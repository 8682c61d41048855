"""Accounts, users, the viewer, and logging in and out."""
