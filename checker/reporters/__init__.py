"""Reporters render results and diagnostics; nothing else formats output."""
