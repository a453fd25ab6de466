"""Understand: normalise what people type, classify intent, parse and validate values."""
