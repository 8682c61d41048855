"""The customer 360: account figures, the timeline, orders and the global search."""
