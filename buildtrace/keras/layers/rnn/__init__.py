"""Recurrent layers and wrappers. Mirrors: ``keras/layers/rnn/``."""
