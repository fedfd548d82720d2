#!/usr/bin/env bash
# Compiles bench/real/*.ts (into bench/real/.build) and runs the real-plan benchmark.
#
#   bash bench/real/run.sh [--reps 5] [--sizes 200,1000] [--timer gnu|python] [--no-shared] [--plan x.json]...
#   bash bench/real/run.sh --profile [plan.json] [--top 15]     # one `node --cpu-prof` run of the checker
#
# Plans come from bench/real/generate.sh (cached in bench/real/.plans; the first 1000-copy plan takes
# many minutes). Needs dist/ (npm run build), terraform + the provider mirror for new plans, and
# /usr/bin/time or python3; jq is optional.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
(cd "$root" && node node_modules/typescript/bin/tsc -p bench/real/tsconfig.json)
if [ "${1:-}" = "--profile" ]; then
  shift
  exec node "$here/.build/profile.js" "$@"
fi
exec node "$here/.build/run.js" "$@"
