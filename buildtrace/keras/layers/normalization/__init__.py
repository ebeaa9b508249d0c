"""Normalization layers. Mirrors: ``keras/layers/normalization/``."""
