"""The nightly recalculation: refit BKT per skill, recalibrate IRT items, rebuild learner state.

- ``runs``: a run's record and its lock row (start, per-course outcome, fail, release; the
  lock's heartbeat check and the takeover of a dead run's lock)
- ``heartbeat``: the thread that keeps a working run's lock alive
- ``course``: one course's recalculation, phase by phase (what the Celery task calls)
- ``log``: the course structure and its response log read into arrays (a sample of learners,
  or a chunk of them, at a time)
- ``stream``: how a run bounds its memory: the fits' sample of learners, the rebuild's chunks
- ``fit``: BKT refit and IRT recalibration, stored as new parameter versions
- ``learner_model``: the next-answer predictor's refit (a new LearnerModelFit version) and the
  per-(learner, skill) states it gives, which the rebuild writes
- ``ability``: EAP abilities from the whole log
- ``rebuild``: mastery, memory and ability of learners recomputed from the log
- ``mastery_history``: per-answer mastery changes replayed from the log
- ``sql``: bulk reads and writes (one branch per database)
- ``quality``, ``models``, ``quality_chart``, ``admin``: how well the predictions the live system
  made before each answer came true (log-loss, AUC, calibration), stored per course and run,
  exported on /metrics, drawn for admins
- ``management/commands/recalculate.py``: the run in the foreground

The Celery tasks are in ``apps.recommendations.tasks`` (their names are stored in the beat
schedule, so they keep their module).
"""
