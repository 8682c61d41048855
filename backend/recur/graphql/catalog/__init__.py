"""The catalog in the schema: products, prices, tiers, and the price calculator."""
