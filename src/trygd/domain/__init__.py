"""Pure domain: cases, state machines, identity numbers and routing; no I/O."""
