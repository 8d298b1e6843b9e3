#!/usr/bin/env bash
# Start-up of ownerc (issue 11, point 8): a small `ownerc check` against `ownerc --version`,
# both measured by Debian's hyperfine in the same run, so that the ratio does not depend on how
# loaded the machine is. Target: check at most 2.5x --version.
#
#   bench/startup/startup.sh [runs]       (from the repository root; builds ownerc in Release)
#
# Prints hyperfine's table and the ratio of the means; docs/performance.md has the figures.
set -euo pipefail
runs="${1:-20}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

dotnet build "$root/src/AccountabilityDsl.Cli" -c Release -v q -nologo -o "$out/ownerc" >/dev/null
ownerc=(dotnet "$out/ownerc/ownerc.dll")
sample="$root/samples/retail-bank.owner"

hyperfine --shell=none --warmup 3 --runs "$runs" --export-json "$out/startup.json" \
  -n version "${ownerc[*]} --version" \
  -n check "${ownerc[*]} check $sample"

python3 - "$out/startup.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
version, check = results["version"]["mean"], results["check"]["mean"]
print(f"--version {version * 1000:.0f} ms, check {check * 1000:.0f} ms: check = {check / version:.2f}x --version (target <= 2.5x)")
PY
