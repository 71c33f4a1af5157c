"""The demo organisation: a deterministic company whose data tells stories."""
