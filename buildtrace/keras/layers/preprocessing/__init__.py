"""Preprocessing layers. Mirrors: ``keras/layers/preprocessing/``."""
