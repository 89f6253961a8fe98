"""Unattended runs (I/O): the schedule, the daemon that keeps it, the history of runs, and health.

``schedule`` turns ``schedule:`` in config.yaml into APScheduler cron triggers and decides what a
start owes (a missed fire within the grace time runs once; several coalesce); ``daemon`` is the
foreground process of ``digest schedule`` (each job runs ``digest run`` / ``digest send`` as a child,
under the same run/send lock); ``runlog`` keeps every build and send with its result; ``health`` answers
``digest status`` (last runs, this week's issue, next fires, exit code for monitoring); ``sendable``
answers "may this week's issue go out?" for ``digest send`` and the scheduler's send job alike.
"""
