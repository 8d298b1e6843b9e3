#!/usr/bin/env bash
# Load benchmark of `ownerc serve` with wrk (Debian package wrk): requests/s and p99 latency at
# 64 connections for check and reserve+commit, side by side in ONE run with the HTTP floor (a
# bare minimal-API endpoint returning a constant, bench/HttpFloor). Prints a Markdown table for
# docs/performance.md. Usage: bench/serve/run.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${1:-10}"
work="$(mktemp -d)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
dotnet build -c Release -v q src/AccountabilityDsl.Cli >/dev/null
dotnet build -c Release -v q bench/HttpFloor >/dev/null

# Start a server on a free loopback port; sets $address once it listens.
start() {
  local log="$work/$1.log"; shift
  "$@" >"$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 600); do
    if grep -qo 'Now listening on: http://127.0.0.1:[0-9]*' "$log"; then
      address=$(grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -1); return
    fi
    sleep 0.1
  done
  echo "server did not start: $(cat "$log")" >&2; exit 1
}

cp samples/retail-bank.owner "$work/"
start serve dotnet src/AccountabilityDsl.Cli/bin/Release/net10.0/ownerc.dll serve "$work/retail-bank.owner" --urls http://127.0.0.1:0 --ledger "sqlite:$work/ledger.db"
serve=$address
ASPNETCORE_URLS=http://127.0.0.1:0 start floor dotnet bench/HttpFloor/bin/Release/net10.0/HttpFloor.dll
floor=$address

run() { # name url script
  wrk -t2 -c64 -d"${duration}s" --latency -s "$3" "$2" >"$work/$1.wrk"
  local rps p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/$1.wrk")
  p99=$(awk '$1 == "99%" {print $2}' "$work/$1.wrk")
  echo "$1 $rps $p99"
}

# Warm up every endpoint (JIT, SQLite page cache), then measure.
wrk -t2 -c16 -d2s -s bench/serve/check.lua "$floor/floor" >/dev/null
wrk -t2 -c16 -d2s -s bench/serve/check.lua "$serve/v1/RetailBank/check" >/dev/null
wrk -t2 -c16 -d2s -s bench/serve/reserve-commit.lua "$serve/v1/RetailBank/reserve" >/dev/null

results=("$(run floor "$floor/floor" bench/serve/check.lua)"
         "$(run check "$serve/v1/RetailBank/check" bench/serve/check.lua)"
         "$(run reserve-commit "$serve/v1/RetailBank/reserve" bench/serve/reserve-commit.lua)")
floor_rps=$(echo "${results[0]}" | awk '{print $2}')
echo "| endpoint | requests/s | p99 latency | vs floor |"
echo "|---|---:|---:|---:|"
for r in "${results[@]}"; do
  read -r name rps p99 <<<"$r"
  ratio=$(awk -v a="$rps" -v b="$floor_rps" 'BEGIN { printf "%.0f %%", 100 * a / b }')
  case "$name" in
    floor) label="HTTP floor (constant, minimal API)";;
    check) label="POST /v1/RetailBank/check";;
    *) label="POST reserve + commit (each counted)";;
  esac
  echo "| $label | $rps | $p99 | $ratio |"
done
