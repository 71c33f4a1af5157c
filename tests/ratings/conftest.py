"""Rating tests share the small organisation of tests/handoff_world.py."""

from tests.handoff_world import World, world  # noqa: F401 - the fixture and its type
