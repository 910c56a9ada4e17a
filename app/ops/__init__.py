"""Running the app: setup, demo data, backup, the message catalog and the CLI."""
