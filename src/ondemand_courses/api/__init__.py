"""The HTTP layer: routes, request parsing, authentication and the response envelope."""
