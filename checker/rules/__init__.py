"""The rules: reading the policy (editions, conditions, bodies, the negotiation file), the fact
record the rules test, and the rule engine they are compiled onto."""
