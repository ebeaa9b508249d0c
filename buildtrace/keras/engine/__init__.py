"""The engine: layers, nodes, symbolic tensors and the models built from them.

Mirrors: ``keras/engine/`` of Keras 2, module by module.
"""
