"""Protocol and rule logic as pure functions (no I/O)."""
