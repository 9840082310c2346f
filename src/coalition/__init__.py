"""Coalition: the shared platform of a regional workforce partnership."""
