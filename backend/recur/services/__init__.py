"""Services: one module per domain. Each call takes the ``Actor`` who asks, scopes its
queries by it, and owns its transaction."""
