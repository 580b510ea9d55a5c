"""Pure domain rules (no I/O): deadlines, numbering, statuses, errors. The UI may import these."""
