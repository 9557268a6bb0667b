"""Dev-only code, kept out of the runtime apps: demo seeding (``seed/``, ``manage.py
seed_demo``), the learner simulator (``simulation.py``, ``manage.py simulate_learners``) and the
demo course content with its builder (``courses/``). Nothing in the runtime apps imports it.
"""
