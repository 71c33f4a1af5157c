"""Service commitments: what a department promises the departments it serves, in versions."""
