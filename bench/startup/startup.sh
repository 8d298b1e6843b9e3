#!/usr/bin/env bash
# Start-up of ownerc (issue 11, point 8): a small `ownerc check` against `ownerc --version`,
# both measured by Debian's hyperfine in the same run, so that the ratio does not depend on how
# loaded the machine is. Target: check at most 2.5x --version.
#
#   bench/startup/startup.sh [runs]       (from anywhere; needs dotnet and hyperfine)
#
# It measures what users run: the ownerc tool packed as README's "Use it in an app" packs it
# (Native AOT for this machine's platform when clang or gcc is there, else ReadyToRun; extra
# arguments after [runs] go to dotnet pack, e.g. -p:NativeTool=false for the ReadyToRun tool) and
# installed with `dotnet tool install` from that folder. Prints the pack's time and the package's
# size, hyperfine's table and the ratio of the means; docs/performance.md has the figures.
set -euo pipefail
runs="${1:-20}"
shift || true
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

suffix="bench.$(date -u +%Y%m%d%H%M%S)"
started=$(date +%s)
dotnet pack "$root/src/AccountabilityDsl.Cli" -c Release -o "$out/feed" -p:VersionSuffix="$suffix" -v q -nologo "$@" >/dev/null
echo "pack: $(( $(date +%s) - started )) s; packages: $(cd "$out/feed" && ls -l --block-size=K *.nupkg | awk '{ print $9, $5 }' | tr '\n' ' ')"
# A package folder of its own, so that no cached ownerc of the same version can answer instead.
NUGET_PACKAGES="$out/packages" dotnet tool install ownerc --tool-path "$out/tool" --add-source "$out/feed" \
  --version "0.1.0-$suffix" >/dev/null
ownerc="$out/tool/ownerc"
sample="$root/samples/retail-bank.owner"

echo "installed: $(du -sh "$out/tool" | cut -f1); $(uptime)"
hyperfine --shell=none --warmup 3 --runs "$runs" --export-json "$out/startup.json" \
  -n version "$ownerc --version" \
  -n check "$ownerc check $sample"

python3 - "$out/startup.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
version, check = results["version"], results["check"]
ratio = check["mean"] / version["mean"]
cpu = lambda r: (r["user"] + r["system"]) * 1000
print(f"--version {version['mean'] * 1000:.0f} ms, check {check['mean'] * 1000:.0f} ms: check = {ratio:.2f}x --version (target <= 2.5x)")
print(f"CPU (user + system): --version {cpu(version):.0f} ms, check {cpu(check):.0f} ms ({cpu(check) / cpu(version):.2f}x)")
PY
