#!/bin/bash
# Same-hour A/B of two commits on a small Office-Caltech grid: the module's default rows on
# 3 tasks x 1 seed, alternating old and new, REPEATS times; prints each grid's wall seconds.
# Results go to /tmp/ab_{old,new}_<repeat>/ (compare their results.csv: same accuracies?).
#   benchmarks/overhead_ab.sh OLD_COMMIT [REPEATS]   (run from the repository root)
set -e
old_commit=${1:?usage: benchmarks/overhead_ab.sh OLD_COMMIT [REPEATS]}
repeats=${2:-2}
root=$(pwd)
data=${TFTRANSFER_DATA_DIR:-$root/../shared/data}
worktree=$(mktemp -d /tmp/old_tft.XXXX)
git worktree add -f "$worktree" "$old_commit" > /dev/null
trap 'git worktree remove --force "$worktree"' EXIT
for rep in $(seq 1 "$repeats"); do
  for side in old new; do
    dir=$root; [ $side = old ] && dir=$worktree
    out=/tmp/ab_${side}_$rep; rm -rf "$out"
    start=$(date +%s.%N)
    (cd "$dir" && "$root/.venv/bin/python" -m experiments.office_caltech_surf \
        --tasks "A->W,C->D,W->A" --seeds 1 --data-dir "$data" --out "$out" > "$out.log" 2>&1)
    echo "$side rep $rep: $(echo "$(date +%s.%N) - $start" | bc) s"
  done
done
