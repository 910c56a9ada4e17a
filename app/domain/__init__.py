"""The domain: the SOP's state machine and its commands, submission, the office
clock (mutu baku), accounts, letters, equipment care and scheduling.

Plain modules over the models; the web views, the REST API and the CLI call
them, and none of them imports a view."""
