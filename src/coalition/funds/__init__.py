"""Matching funds: pools, match rules, contributions, disbursements and their ledger."""
