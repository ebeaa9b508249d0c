"""Reshaping layers. Mirrors: ``keras/layers/reshaping/``."""
