"""Next best offers (docs/recommendations.md)."""
