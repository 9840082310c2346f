"""Outcomes: what became of the people members serve (participant records on PIRL definitions)."""
