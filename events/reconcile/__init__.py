"""Reconciling: what one trusted reading means for the events a source already has. Pure, no I/O.

``plan`` (pairing found events with stored ones, the rows to write and the changes to record) and
``same_event`` (one real event listed by two sources). The store applies a plan; it never decides one.

Imports only ``events.record``.
"""
