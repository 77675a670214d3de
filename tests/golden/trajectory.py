#!/usr/bin/env python3
"""Golden trajectories: what a short training run computed, and whether two agree.

  trajectory.py summarise RUN_DIR            the run's logged losses and metrics, and its final ones, as JSON
  trajectory.py compare REFERENCE NOW [--exact] [--rtol R] [--atol A] [--accuracy-atol C]
                                             every summary in REFERENCE against NOW's namesake

A summary keeps from metrics.jsonl every "train" and "eval" line's step, split and numeric
fields except the timings (they differ on every run), and from report.json the final
metrics and the epochs and steps done. `--exact` asks for the same numbers bit for bit
(one machine, the same thread count: before and after a change meant to alter nothing);
without it a number passes within rtol of the reference's (relative) or atol (absolute,
for values near zero), an accuracy within C absolute (a count of flipped samples: a
sample near the decision boundary falls either way): what holds across processors, whose
kernels round differently.
"""
import json
import math
import os
import sys

TIMINGS = {"samples_per_sec", "data_wait_s", "forward_s", "backward_s", "optimizer_s", "wall_time", "tokens_per_sec",
           "generation_s", "seconds", "wall_seconds"}


def numbers(line):
    return {k: v for k, v in line.items() if isinstance(v, (int, float)) and not isinstance(v, bool) and k not in TIMINGS}


def summarise(run):
    points = []
    with open(os.path.join(run, "metrics.jsonl"), encoding="utf-8") as f:
        for text in f:
            line = json.loads(text)
            if line.get("kind") in ("train", "eval"):
                point = {"kind": line["kind"], "split": line.get("split", "")}
                point.update(numbers(line))
                points.append(point)
    with open(os.path.join(run, "report.json"), encoding="utf-8") as f:
        report = json.load(f)
    final = {"status": report.get("status"), "epochs_completed": report.get("epochs_completed"), "steps": report.get("steps")}
    metrics = report.get("metrics", {})
    for split, values in (metrics.items() if isinstance(metrics, dict) else []):
        if isinstance(values, dict):
            final[split] = numbers(values)
    return {"points": points, "final": final}


def is_accuracy(where):
    return where.rsplit(".", 1)[-1].endswith("accuracy")


def differences(reference, now, exact, rtol, atol, where="", accuracy_atol=0.0):
    """Every place where `now` differs from `reference`, as readable lines."""
    found = []
    if isinstance(reference, dict) and isinstance(now, dict):
        for key in reference:
            if key not in now:
                found.append(f"{where}.{key}: missing")
            else:
                found += differences(reference[key], now[key], exact, rtol, atol, f"{where}.{key}", accuracy_atol)
        found += [f"{where}.{key}: not in the reference" for key in now if key not in reference]
    elif isinstance(reference, list) and isinstance(now, list):
        if len(reference) != len(now):
            found.append(f"{where}: {len(now)} entries, the reference has {len(reference)}")
        for i, (a, b) in enumerate(zip(reference, now)):
            found += differences(a, b, exact, rtol, atol, f"{where}[{i}]", accuracy_atol)
    elif isinstance(reference, (int, float)) and isinstance(now, (int, float)) and not isinstance(reference, bool):
        if exact:
            same = reference == now or (math.isnan(reference) and math.isnan(now))
        else:
            same = math.isclose(reference, now, rel_tol=rtol, abs_tol=max(atol, accuracy_atol) if is_accuracy(where) else atol)
        if not same:
            found.append(f"{where}: {now!r}, the reference {reference!r} (relative difference "
                         f"{abs(now - reference) / max(abs(reference), 1e-300):.3g})")
    elif reference != now:
        found.append(f"{where}: {now!r}, the reference {reference!r}")
    return found


def largest_relative_difference(reference, now):
    if isinstance(reference, dict) and isinstance(now, dict):
        return max([largest_relative_difference(reference[k], now[k]) for k in reference if k in now] or [0.0])
    if isinstance(reference, list) and isinstance(now, list):
        return max([largest_relative_difference(a, b) for a, b in zip(reference, now)] or [0.0])
    if isinstance(reference, (int, float)) and isinstance(now, (int, float)) and not isinstance(reference, bool):
        return abs(now - reference) / max(abs(reference), 1e-12)
    return 0.0


def compare(reference_dir, now_dir, exact, rtol, atol, accuracy_atol):
    names = sorted(n for n in os.listdir(reference_dir) if n.endswith(".json"))
    if not names:
        print(f"golden: no references in {reference_dir}", file=sys.stderr)
        return 1
    failed = 0
    for name in names:
        with open(os.path.join(reference_dir, name), encoding="utf-8") as f:
            reference = json.load(f)
        path = os.path.join(now_dir, name)
        if not os.path.exists(path):
            print(f"golden: {name}: no run to compare (expected {path})")
            failed += 1
            continue
        with open(path, encoding="utf-8") as f:
            now = json.load(f)
        found = differences(reference, now, exact, rtol, atol, "", accuracy_atol)
        largest = largest_relative_difference(reference, now)
        if found:
            failed += 1
            print(f"golden: {name}: {len(found)} difference(s), the largest relative {largest:.3g}; the first:")
            for line in found[:5]:
                print(f"  {line}")
        else:
            print(f"golden: {name}: {'identical' if exact else 'within tolerance'} "
                  f"({len(reference['points'])} points, largest relative difference {largest:.3g})")
    print(f"golden: {len(names) - failed} of {len(names)} trajectories agree")
    return 1 if failed else 0


def main(argv):
    if len(argv) >= 3 and argv[1] == "summarise":
        json.dump(summarise(argv[2]), sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    if len(argv) >= 4 and argv[1] == "compare":
        options = argv[4:]
        exact = "--exact" in options
        rtol = float(options[options.index("--rtol") + 1]) if "--rtol" in options else 0.05
        atol = float(options[options.index("--atol") + 1]) if "--atol" in options else 1e-3
        accuracy_atol = float(options[options.index("--accuracy-atol") + 1]) if "--accuracy-atol" in options else 0.0
        return compare(argv[2], argv[3], exact, rtol, atol, accuracy_atol)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
