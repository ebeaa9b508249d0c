"""Convolution layers. Mirrors: ``keras/layers/convolutional/``."""
