"""What every layer stands on: the database handle, time, formatting, errors
and response headers."""
