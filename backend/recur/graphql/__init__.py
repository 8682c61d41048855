"""The GraphQL layer: thin types, inputs, payloads and permissions over the services."""
