"""The billing run in the schema."""
