#!/usr/bin/env bash
# Issue 10's measurements on a many-core machine, in one run inside one time budget (see bench/device.ts for
# the steps, the plan and the environment variables). On the device machine, from the device kit:
#
#   here:   KIT_BUILD="npm run build:bench" ../shared/tools/device-kit
#   there:  source .device-kit/activate.sh && bash bench/device.sh
#
# Everything lands in $OUT (device.log is this script's whole output). A dry run of every step with tiny
# budgets: DEVICE_QUICK=1 bash bench/device.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -d node_modules/esbuild ]; then
  node build/bench.mjs # a development checkout: bundle what is checked out now
elif [ -f dist/bench/device.mjs ]; then
  # The device kit: it prunes the development dependencies after its build step, which rewrites package-lock.json,
  # so bin/kiln.mjs (the workers' command) would find dist/cli older than its sources and try to rebuild it
  # without esbuild. The bundles were built from these very sources: mark them current.
  touch dist/cli/* dist/bench/*
else
  echo "device.sh: no dist/bench/device.mjs and no esbuild to build it: build the kit with KIT_BUILD=\"npm run build:bench\"" >&2
  exit 2
fi
node bin/kiln.mjs help >/dev/null || { echo "device.sh: 'node bin/kiln.mjs help' fails: the workers could not start" >&2; exit 2; }
export OUT="${OUT:-$PWD/device-out}"
mkdir -p "$OUT"
node dist/bench/device.mjs 2>&1 | tee "$OUT/device.log"
