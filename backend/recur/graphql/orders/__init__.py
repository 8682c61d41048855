"""Orders, subscriptions and invoices in the schema."""
