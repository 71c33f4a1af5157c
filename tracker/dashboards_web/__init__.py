"""Dashboard pages: figures from dashboards/, numbers from tracker.metrics.services."""
