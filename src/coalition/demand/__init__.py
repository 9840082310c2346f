"""Employers' skills demand: signals, their history, and pooled demand under disclosure control."""
