"""The heartbeat that keeps a working run's lock alive (the rule itself is
`runs.recalculation_lock_refresh`; this only calls it on time).

A thread refreshes the lock every `heartbeat_period()` while a course is recalculated, so a
long phase (a big fit, a big write) never lets a living run's lock expire, and a killed process
stops beating at once. The thread has its own database connection, which sees only committed
rows: inside an outer transaction (a caller's `atomic`, a test's) it could not see the lock, so
there only the refreshes at each phase and write keep it alive.
"""

import logging
import threading
from types import TracebackType

from django.db import DatabaseError, connection

from apps.recommendations.recalculation.runs import (
    RecalculationLockLost,
    heartbeat_period,
    recalculation_lock_refresh,
)

logger = logging.getLogger(__name__)


class RunHeartbeat:
    """``with RunHeartbeat(run_id=...):`` refreshes the run's lock now (raising
    RecalculationLockLost if the run lost it) and then in the background until the block ends."""

    def __init__(self, *, run_id: int) -> None:
        self.run_id = run_id
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "RunHeartbeat":
        recalculation_lock_refresh(run_id=self.run_id)
        if not connection.in_atomic_block:
            self._thread = threading.Thread(
                target=self._beat, name=f"recalculation-heartbeat-{self.run_id}", daemon=True
            )
            self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            # A beat stuck on a busy database must not hold up the work's own error or result.
            self._thread.join(timeout=heartbeat_period() + 5)

    def _beat(self) -> None:
        try:
            while not self._stop.wait(heartbeat_period()):
                try:
                    recalculation_lock_refresh(run_id=self.run_id)
                except RecalculationLockLost:
                    # Taken over or ended: nothing to keep alive; the work finds out at its
                    # next phase or write (the same check) and stops there.
                    logger.warning("run %s lost the recalculation lock", self.run_id)
                    return
                except DatabaseError:
                    # One missed beat is within the TTL; the next one may get through.
                    logger.warning("heartbeat of run %s failed", self.run_id, exc_info=True)
        finally:
            connection.close()  # this thread's own connection
