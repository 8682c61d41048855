"""Integrations over GraphQL: the events feed and webhook endpoints (docs/integrations.md)."""
