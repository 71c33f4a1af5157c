"""People: their department, role and language."""
