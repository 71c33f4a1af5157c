"""Departments: the providers and consumers of internal services."""
