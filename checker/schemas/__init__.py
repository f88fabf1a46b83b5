"""The JSON Schemas vires ships: scheme, case, policy file and negotiation file (read by checker.load.schema)."""
