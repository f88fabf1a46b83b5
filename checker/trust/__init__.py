"""Trusting the policy and the cases: lint, exhaustive verification, and quotes checked
against their sources."""
