"""Carts and quotes in the schema: the pipeline every purchase goes through."""
