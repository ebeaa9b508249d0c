"""Merge layers. Mirrors: ``keras/layers/merging/``."""
