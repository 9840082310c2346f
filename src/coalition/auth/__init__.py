"""Tokens, the OAuth2 server, principals and permissions."""
