"""Loading input: YAML with positions and limits, the schemas, schemes and case files."""
