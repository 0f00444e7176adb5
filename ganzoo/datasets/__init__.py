"""Datasets (placeholder replaced below)."""
