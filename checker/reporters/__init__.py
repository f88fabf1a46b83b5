"""Reporters: every word for people and every output shape (text, JSON, table, Markdown, HTML, SVG); nothing else formats output."""
