#!/bin/sh
# Runs each fuzz target for SECONDS (default 180) from the seeds, keeping what libFuzzer
# finds in corpus/ and crashes in artifacts/ (neither is committed).
# Needs nightly and cargo-fuzz: `cargo install cargo-fuzz`.
set -eu
cd "$(dirname "$0")"
seconds="${1:-180}"
for target in sql_check url_params ckan_params; do
    mkdir -p "corpus/$target"
    echo "== $target: $seconds s"
    cargo +nightly fuzz run "$target" "corpus/$target" "seeds/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=16384
done
