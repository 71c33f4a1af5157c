"""Business calendars and the arithmetic of working time."""
