"""Pooling layers. Mirrors: ``keras/layers/pooling/``."""
