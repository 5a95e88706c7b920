"""Generator for the VitalWell Journal example site (see examples/generate_site.py)."""
