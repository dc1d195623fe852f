"""Offline stand-in for Totango (collector script + pixel receiver) for tests and demos."""
