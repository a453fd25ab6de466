"""Decide: the dialogue state machine, service linking and form flow."""
