"""Writes for learners' data rights: audit, export, departures, deletion requests, erasure."""
