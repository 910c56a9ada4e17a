"""What the app tells people: email about each SOP step, through SMTP."""
