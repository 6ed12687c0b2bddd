"""Benchmarks of the library against its baselines: ``make bench`` runs them all."""
