"""Ratings: internal customers judge the handoffs they received, confidentially."""
