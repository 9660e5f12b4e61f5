"""Every role-filtered read of exercise data."""
