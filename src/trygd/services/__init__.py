"""Use cases: each checks the caller's right, does its work, and writes audit records and
events in one transaction."""
