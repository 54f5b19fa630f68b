#!/usr/bin/env bash
# Runs one fuzz target (or `all`, one after another) for MINUTES minutes each
# with libFuzzer on the nightly toolchain:
#   fuzz/run.sh TARGET|all MINUTES [JOBS]
# The corpus grows in fuzz/corpus/TARGET (not committed); the committed
# seeds in fuzz/seeds/TARGET start it. A crash lands in fuzz/artifacts/TARGET:
# copy it into fuzz/seeds/TARGET so tests/fuzz_replay.rs replays it on stable.
set -euo pipefail
cd "$(dirname "$0")"
target="${1:?usage: fuzz/run.sh TARGET|all MINUTES [JOBS]}"
minutes="${2:?usage: fuzz/run.sh TARGET|all MINUTES [JOBS]}"
jobs="${3:-1}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
rustup toolchain list | grep -q '^nightly' || { echo "no nightly toolchain: rustup toolchain install nightly" >&2; exit 1; }
if [ "$target" = all ]; then
  targets=$(cargo +nightly fuzz list)
else
  targets="$target"
fi
for t in $targets; do
  mkdir -p "corpus/$t"
  echo "==> $t for $minutes min"
  parallel=()
  if [ "$jobs" -gt 1 ]; then parallel=(-jobs="$jobs" -workers="$jobs"); fi
  cargo +nightly fuzz run -O "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time=$((minutes * 60)) -print_final_stats=1 "${parallel[@]}"
done
