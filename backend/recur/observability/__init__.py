"""What an operator watches: the request context every log line carries (``logs``) and the
Prometheus metrics served at ``/metrics`` (``metrics``). A leaf: it imports nothing of Recur,
so every layer above ``core`` may record into it (docs/operations.md, "Logs", "Metrics")."""
