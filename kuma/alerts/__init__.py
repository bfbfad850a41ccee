"""Smarter alerts (issue #22): the policy between the beat rules and the providers, and its settings."""
