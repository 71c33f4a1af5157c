"""Sign-in sessions, API tokens and the role checks every feature uses."""
