"""Plotly figure builders: plain data in, go.Figure out; nothing here imports Flask or the database."""
