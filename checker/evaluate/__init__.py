"""Evaluating: pick the policy edition, run its rules, decide the verdict; and run the case library."""
