"""Training supply: programs, their cohorts, and the skills gap against pooled demand."""
