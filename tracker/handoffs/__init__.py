"""Handoffs: one delivery of work from a provider department to a consumer department."""
