"""Recur: quote-to-cash for B2B subscriptions."""
