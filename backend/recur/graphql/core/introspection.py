"""Introspection (``__schema``, ``__type``) switched by ``RECUR_INTROSPECTION``.

On in development, for GraphiQL and tools; off by default in production, where it would map
every type and field for anyone probing the API (the schema is published in
``schema.graphql`` for those who integrate). ``__typename`` is always allowed.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension

from recur.graphql.core.context import Context


class IntrospectionSwitch(SchemaExtension):
    """Adds graphql-core's rule refusing introspection when the settings turn it off."""

    def on_operation(self) -> Iterator[None]:
        execution = self.execution_context
        context = execution.context
        if isinstance(context, Context) and not context.settings.introspection:
            execution.validation_rules = (
                *execution.validation_rules,
                NoSchemaIntrospectionCustomRule,
            )
        yield
