"""Every facilitator command of docs/interface.md#commands, driven through
``POST /exercises/{id}/commands/``, one module per family of commands: the effect on status,
turn, phase and clock, the refusals (409 ``conflict`` out of place, 400 ``invalid`` naming
``args.<field>``, stale ``expected_*``), and exactly the events each write appends, in order, with
their audiences.

Time is controlled by writing the deadline (or the pause stamps) into the database and by calling
``timers_run`` with a chosen ``now``, never by sleeping.
"""
