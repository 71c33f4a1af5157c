"""Metrics: the numbers behind the dashboards, kept in rollups and served with suppression."""
