"""Exploring a scheme before a meeting: what if it changed, the smallest fix, the nearest
precedents, and the finite space of schemes an edition distinguishes."""
