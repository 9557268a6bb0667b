"""FSRS schedulers by desired retention (a course policy setting), built once per process."""

from functools import lru_cache

from fsrs import Scheduler


@lru_cache(maxsize=16)
def scheduler_for(desired_retention: float) -> Scheduler:
    return Scheduler(desired_retention=desired_retention, enable_fuzzing=False)
