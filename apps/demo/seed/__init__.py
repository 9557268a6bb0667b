"""Demo data for ``manage.py seed_demo``, one module per part, seeded in dependency order:
accounts, then the course (assigned to the demo class), then simulated classmates."""
