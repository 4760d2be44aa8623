"""APL documents (JSON) for screens."""
