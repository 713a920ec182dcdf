"""Step 1 of the method: map the activity (volumes, peaks, hours, handling times, languages)."""
