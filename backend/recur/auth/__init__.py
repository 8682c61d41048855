"""Authentication: password hashes, signed tokens, OAuth2 client credentials."""
