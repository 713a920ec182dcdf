"""Storage adapters: the workspace folder, the app database, the interaction store."""
