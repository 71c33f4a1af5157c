"""Administration pages: people, API tokens and the audit log."""
