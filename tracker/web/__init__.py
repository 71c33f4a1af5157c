"""The pages every feature shares: layout, home, language, health, headers."""
