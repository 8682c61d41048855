"""Subscription changes: previews, amendments, cancellation, auto-renewal, history."""
