"""Command line and set-up helpers behind ``python3 build.py`` (standard library only)."""
