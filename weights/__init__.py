"""Presets trained by ganzoo, shipped inside the package as `ganzoo._weights`."""
