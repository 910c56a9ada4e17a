"""Scheduling: the rules a booking must follow and who holds the room when.

``settings`` reads the configurable rules, ``rules`` checks requested
sessions against them, ``occupancy`` keeps two bookings of a room from
overlapping (with the database's help), ``availability`` answers what is
busy and what is free. Views, the API and the workflow call these.
"""
