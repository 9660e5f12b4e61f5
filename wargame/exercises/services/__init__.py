"""Every write to exercise data: one function per operation, one transaction each."""
