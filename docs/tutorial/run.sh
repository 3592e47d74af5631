#!/usr/bin/env bash
# Reproduce the README tutorial: train two versions on labels.csv with the two-frame codebook,
# tag and score an article, benchmark both versions on heldout.csv.  Outputs go to output/.
# Models go to a temporary registry (never committed).
set -euo pipefail
cd "$(dirname "$0")"
export FRAMING_MODELS="${FRAMING_MODELS:-$(mktemp -d)}"
mkdir -p output
framing annotations label-config --codebook codebook.yaml -o output/label-config.xml
framing train --data labels.csv --group-field doc --codebook codebook.yaml --name energy --version 0.1.0 \
  --params '{"char_ngram_range": null, "min_df": 1, "cv": 3}' | tee output/train-0.1.0.txt
framing train --data labels.csv --group-field doc --codebook codebook.yaml --name energy --version 0.2.0 \
  --params '{"min_df": 1, "cv": 3}' | tee output/train-0.2.0.txt
cp "$FRAMING_MODELS/energy/0.2.0/README.md" output/model-card-0.2.0.md
framing train --data labels.csv --group-field document --codebook codebook.yaml --name energy --version 0.3.0 \
  2> output/train-error.txt || true
framing tag article.txt --model energy@0.2.0 | tee output/tag.txt
framing score article.txt --model energy@0.2.0 --level article -o output/scores.jsonl --overwrite
framing bench --models energy@0.1.0 energy@0.2.0 --data heldout.csv --group-field doc --resamples 1000 \
  -o output/bench | tee output/bench.txt
framing bench --models energy@0.2.0 --data labels.csv --group-field doc -o output/refused \
  2> output/bench-refused.txt || true
cat output/bench-refused.txt
