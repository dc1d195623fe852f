"""The build behind ``python3 build.py``: its steps, its command line and what it installs."""
