"""Ingest: parse article files, clean, chunk, embed and store them incrementally."""
