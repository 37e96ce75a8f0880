"""The server's wall clock a party's group state is stamped with (unix seconds).

Business dates (expiry, end, chat deletion) use the demo clock (`apps.core.clock`); the playback
state uses this one, which clients measure their offset to: moving the demo clock must not make
a playing film jump. Callers read it as `wall_clock.wall_time()`, so a test can set it once for
the services, the selectors and the socket alike.
"""

import time


def wall_time() -> float:
    """The server clock the group state is stamped with (unix seconds)."""
    return time.time()
