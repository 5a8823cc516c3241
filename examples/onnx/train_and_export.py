"""Trains a small matrix-factorisation recommender with numpy and exports it as an ONNX model modelship deploys.

This stands for a model trained outside modelship (PyTorch, scikit-learn, implicit...): whatever the training, the
export must meet the contract in docs/model-format.md ("ONNX models"). Requires numpy and onnx:

    python -m venv .venv && .venv/bin/pip install numpy onnx
    .venv/bin/python examples/onnx/train_and_export.py --ratings train.csv --out model.onnx --factors 32
"""

import argparse
import csv
import hashlib
import json
import subprocess

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def read_ratings(path):
    with open(path, newline="") as f:
        rows = [(int(r["userId"]), int(r["movieId"])) for r in csv.DictReader(f)]
    users = sorted({u for u, _ in rows})
    items = sorted({i for _, i in rows})
    return rows, users, items


def train(rows, users, items, factors, seed):
    """Truncated SVD of the user-item interaction matrix: user vectors U*S, item vectors V."""
    user_pos = {u: n for n, u in enumerate(users)}
    item_pos = {i: n for n, i in enumerate(items)}
    matrix = np.zeros((len(users), len(items)), dtype=np.float64)
    for u, i in rows:
        matrix[user_pos[u], item_pos[i]] = 1.0
    rng = np.random.default_rng(seed)
    # A randomised range finder keeps this fast on ml-latest-small's 610 x 9,700 matrix.
    sketch = matrix @ rng.standard_normal((len(items), factors + 10))
    basis, _ = np.linalg.qr(sketch)
    u_small, s, vt = np.linalg.svd(basis.T @ matrix, full_matrices=False)
    user_factors = (basis @ u_small[:, :factors]) * s[:factors]
    item_factors = vt[:factors].T
    popularity = matrix.sum(axis=0)
    return user_factors.astype(np.float32), item_factors.astype(np.float32), popularity.astype(np.float32)


def export(path, users, items, user_factors, item_factors, popularity, provenance):
    """The contract: inputs user_index, mask and k; outputs top_scores and top_items; ids in metadata_props."""
    n_items = len(items)
    graph = helper.make_graph(
        nodes=[
            helper.make_node("Gather", ["user_factors", "user_index"], ["user_vectors"], axis=0),
            helper.make_node("MatMul", ["user_vectors", "item_factors_t"], ["dot"]),
            helper.make_node("Add", ["dot", "mask"], ["scores"]),
            helper.make_node("TopK", ["scores", "k"], ["top_scores", "top_items"], axis=-1, largest=1, sorted=1),
        ],
        name="svd_recommender",
        inputs=[
            helper.make_tensor_value_info("user_index", TensorProto.INT64, ["batch"]),
            helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["batch", n_items]),
            helper.make_tensor_value_info("k", TensorProto.INT64, [1]),
        ],
        outputs=[
            helper.make_tensor_value_info("top_scores", TensorProto.FLOAT, ["batch", "k"]),
            helper.make_tensor_value_info("top_items", TensorProto.INT64, ["batch", "k"]),
        ],
        initializer=[
            numpy_helper.from_array(user_factors, "user_factors"),
            numpy_helper.from_array(np.ascontiguousarray(item_factors.T), "item_factors_t"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="examples/onnx")
    model.ir_version = 8
    props = {
        "modelship.item_ids": json.dumps(items),
        "modelship.user_ids": json.dumps(users),
        "modelship.fallback_scores": json.dumps([float(x) for x in popularity]),
        **provenance,
    }
    helper.set_model_props(model, props)
    onnx.checker.check_model(model)
    onnx.save(model, path)


def git_commit():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratings", required=True, help="ratings CSV with userId,movieId,rating,timestamp")
    parser.add_argument("--out", required=True)
    parser.add_argument("--factors", type=int, default=32)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--code-version", help="the code that trained it (default: the git commit of the working directory)")
    args = parser.parse_args()
    rows, users, items = read_ratings(args.ratings)
    user_factors, item_factors, popularity = train(rows, users, items, args.factors, args.seed)
    with open(args.ratings, "rb") as f:
        data_version = hashlib.sha256(f.read()).hexdigest()
    code_version = args.code_version or git_commit()
    provenance = {"modelship.training_data_version": data_version, "modelship.code_version": code_version}
    export(args.out, users, items, user_factors, item_factors, popularity, provenance)
    print(f"wrote {args.out}: {len(users)} users, {len(items)} items, {args.factors} factors")


if __name__ == "__main__":
    main()
