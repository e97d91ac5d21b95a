"""Int8 copy of an exported encoder that keeps its vectors: outlier channels split off in fp32, padding zeroed.

Plain dynamic int8 (one activation scale per tensor) moves all-MiniLM-L6-v2's vectors (mean cosine 0.993 to fp32,
top-10 overlap 0.85): a few input channels of every weight MatMul are 10-15 times larger than the rest, and padded
tokens widen the range further, so most values get a handful of levels. As in LLM.int8() (Dettmers et al. 2022),
the largest channels, found once on calibration sentences, go through a small fp32 MatMul and the int8 MatMul sees
the input without them and with padded tokens zeroed. In fp32 the rewritten graph is exact; quantised, it stays at
cosine 0.9994 to fp32 and top-10 overlap 0.95 at ~2x the speed of fp32 (BENCHMARKS.md).
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

# Channels of each MatMul input kept in fp32 (of 384 or 1536): 32 kept dev scores unchanged; 8 and 64 moved more.
OUTLIER_CHANNELS = 32

Batch = tuple[np.ndarray, np.ndarray]  # token ids and attention mask, one row per sentence


def weight_matmuls(model: Any) -> list[Any]:
    """Return the MatMul nodes whose second input is a stored weight."""
    graph = model.graph
    weights = {i.name for i in graph.initializer}
    return [n for n in graph.node if n.op_type == "MatMul" and n.input[1] in weights]


def channel_peaks(source: Path, batches: Sequence[Batch]) -> dict[str, np.ndarray]:
    """Return, for every weight MatMul input, each channel's largest magnitude over the real tokens of the batches."""
    import onnx
    import onnxruntime as ort

    model = onnx.load(str(source))
    inputs = sorted({n.input[0] for n in weight_matmuls(model)})
    for name in inputs:
        model.graph.output.append(onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    wanted = {i.name for i in session.get_inputs()}
    peaks: dict[str, np.ndarray] = {}
    for ids, mask in batches:
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        outputs = session.run(inputs, {k: v for k, v in feed.items() if k in wanted})
        real = mask.astype(bool)
        for name, value in zip(inputs, outputs, strict=True):
            peak = np.abs(value[real]).max(axis=0)
            peaks[name] = peak if name not in peaks else np.maximum(peaks[name], peak)
    return peaks


def split_outliers(
    source: Path, peaks: dict[str, np.ndarray], channels: int = OUTLIER_CHANNELS
) -> tuple[Any, list[str]]:
    """Return the model rewritten so each weight MatMul's outlier channels bypass it, and the MatMuls to quantise."""
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(source))
    graph = model.graph
    weights = {i.name: i for i in graph.initializer}
    groups: dict[str, list[Any]] = {}
    for node in weight_matmuls(model):
        groups.setdefault(node.input[0], []).append(node)  # Q, K and V share one input
    after_tensor: dict[str, list[Any]] = {}
    after_node: dict[str, list[Any]] = {}
    quantised: list[str] = []
    for x, nodes in groups.items():
        top = np.sort(np.argsort(-peaks[x])[:channels]).astype(np.int64)
        keep = np.ones(len(peaks[x]), dtype=np.float32)
        keep[top] = 0
        graph.initializer.extend([numpy_helper.from_array(keep, f"{x}_keep"), numpy_helper.from_array(top, f"{x}_top")])
        after_tensor[x] = [
            helper.make_node("Mul", [x, "pad_mask"], [f"{x}_unpadded"], name=f"{x}_unpad"),
            helper.make_node("Mul", [f"{x}_unpadded", f"{x}_keep"], [f"{x}_main"], name=f"{x}_drop_outliers"),
            helper.make_node("Gather", [x, f"{x}_top"], [f"{x}_outliers"], axis=2, name=f"{x}_take_outliers"),
        ]
        for node in nodes:
            w = numpy_helper.to_array(weights[node.input[1]])
            main = w.copy()
            main[top] = 0
            weights[node.input[1]].CopyFrom(numpy_helper.from_array(main, node.input[1]))
            graph.initializer.append(numpy_helper.from_array(np.ascontiguousarray(w[top]), f"{node.name}_w_outliers"))
            y = node.output[0]
            node.input[0], node.output[0] = f"{x}_main", f"{y}_main"
            after_node[node.name] = [
                helper.make_node("MatMul", [f"{x}_outliers", f"{node.name}_w_outliers"], [f"{y}_outliers"]),
                helper.make_node("Add", [f"{y}_main", f"{y}_outliers"], [y]),
            ]
            quantised.append(node.name)
    graph.initializer.append(numpy_helper.from_array(np.array([2], dtype=np.int64), "pad_axes"))
    nodes = [
        helper.make_node("Cast", ["attention_mask"], ["pad_maskf"], to=onnx.TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["pad_maskf", "pad_axes"], ["pad_mask"]),
    ]
    for node in list(graph.node):
        nodes.append(node)
        for out in node.output:
            nodes.extend(after_tensor.get(out, []))
        nodes.extend(after_node.get(node.name, []))
    del graph.node[:]
    graph.node.extend(nodes)
    return model, quantised


def quantize_int8(source: Path, target: Path, calibration: Callable[[], Sequence[Batch]]) -> Path:
    """Write the outlier-split dynamic int8 copy of an ONNX encoder (per-channel weights); return target."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model, quantised = split_outliers(source, channel_peaks(source, calibration()))
    tag = uuid.uuid4().hex[:8]
    split = target.with_name(f".tmp-{tag}-split-{target.name}")
    tmp = target.with_name(f".tmp-{tag}-{target.name}")
    quiet = _Unadvised()
    logging.getLogger().addFilter(quiet)  # the quantiser advises its pre-processing step on the root logger
    try:
        onnx.save(model, str(split))
        quantize_dynamic(
            str(split),
            str(tmp),
            per_channel=True,
            weight_type=QuantType.QInt8,
            op_types_to_quantize=["MatMul"],
            nodes_to_quantize=quantised,
        )
        os.replace(tmp, target)
    finally:
        logging.getLogger().removeFilter(quiet)
        split.unlink(missing_ok=True)
        tmp.unlink(missing_ok=True)
    return target


class _Unadvised(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "pre-processing before quantization" not in record.getMessage()
