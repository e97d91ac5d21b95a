"""Stage 2, embed: turn sentences into unit vectors with a sentence-transformers model installed on this machine.

One backend per file behind one factory (`factory.load_encoder`): `torch_backend` (sentence-transformers on torch),
`onnx_backend` (the model exported once to ONNX, fp32 or int8 via `quantize`), with worker processes in `pool`.
`models` resolves model names to installed weights; `base` holds the Encoder protocol every backend satisfies.
"""
