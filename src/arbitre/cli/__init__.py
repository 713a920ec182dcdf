"""The `arbitre` command."""
