"""HTTP endpoints around the GraphQL API: the view, OAuth2 tokens, the SPA, cookies."""
