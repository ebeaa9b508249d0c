"""Regularization layers. Mirrors: ``keras/layers/regularization/``."""
