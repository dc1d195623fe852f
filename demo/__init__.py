"""The Initech Cloud demo: build_demo writes dist/demo, serve runs it with the local Totango emulator."""
