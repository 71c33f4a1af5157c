"""The audit trail: who did what, when, on what. Written, never changed."""
