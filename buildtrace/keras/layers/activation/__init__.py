"""Activation layers. Mirrors: ``keras/layers/activation/``."""
