"""Say: answer-first composition from records, optional LLM phrasing with a fact check."""
