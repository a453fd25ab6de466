"""Store operations, one module per job. Each function works inside a session the caller opened
(KnowledgeStore owns the engine and the transactions)."""
