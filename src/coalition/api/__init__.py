"""The GraphQL layer: translates between GraphQL and the domain services."""
