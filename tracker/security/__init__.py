"""Defences that cut across features: sign-in rate limits."""
