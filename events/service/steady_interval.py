"""An interval that jitter cannot stretch: each run is due on its own slot of a fixed grid, plus jitter.

APScheduler 3's ``IntervalTrigger`` adds the interval to the previous run's *jittered* time, so every
run inherits the delays of the runs before it: a one-minute source with six seconds of jitter was
fetched every 63 s on average (57 times an hour, not 60). Here the next run is the grid slot after
the previous run's own slot, and only that run is jittered: the average period is the interval.
"""

from __future__ import annotations

import random
from datetime import datetime
from math import floor

from apscheduler.triggers.interval import IntervalTrigger


class SteadyInterval(IntervalTrigger):  # type: ignore[misc]
    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        if previous_fire_time is None:
            return super().get_next_fire_time(None, now)  # type: ignore[no-any-return]
        start = self.start_date.timestamp()
        # the slot the previous run belonged to: its jitter (less than the interval) never moves the grid
        slot = floor((previous_fire_time.timestamp() - start) / self.interval_length)
        due = start + (slot + 1) * self.interval_length
        if self.jitter:
            due += random.uniform(0, self.jitter)
        if self.end_date and due > self.end_date.timestamp():
            return None
        return datetime.fromtimestamp(due, tz=self.timezone)
