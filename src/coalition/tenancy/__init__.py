"""Partnerships, their member organizations, people, memberships and API clients."""
