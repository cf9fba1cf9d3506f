"""Whether this process can run each sandbox under a uid of its own.

Root can; so can an unprivileged user holding CAP_SETUID, CAP_SETGID and CAP_KILL (the
container image gives exactly these to the service's interpreter as file capabilities, so the
service need not be root there).
"""

from __future__ import annotations

import os

_CAP_KILL, _CAP_SETGID, _CAP_SETUID = 5, 6, 7
_NEEDED = (1 << _CAP_KILL) | (1 << _CAP_SETGID) | (1 << _CAP_SETUID)


def can_switch_uid() -> bool:
    if os.geteuid() == 0:
        return True
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("CapEff:"):
                    return int(line.split()[1], 16) & _NEEDED == _NEEDED
    except OSError:
        pass
    return False
