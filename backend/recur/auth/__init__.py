"""Authentication: password hashes, signed tokens, OAuth2 client credentials, and the
browser's session cookie with its CSRF token."""
