#!/usr/bin/env bash
# The one test command: builds everything, starts what the tests need, runs every test project, stops what it
# started, and ends with one line "N passed, N failed, N skipped". Exit code 0 only when everything passed.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
CONFIGURATION=${CONFIGURATION:-Release}
OUT="$ROOT/build/out"
mkdir -p "$OUT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET SDK (dotnet) is not on PATH; install the .NET 10 SDK first." >&2
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

# Services the tests need are started by scripts in build/services/*.sh (each defines start/stop functions);
# they are stopped on exit, even when the tests fail.
cleanup() {
  for stop in "${STOPS[@]:-}"; do [ -n "$stop" ] && "$stop" || true; done
}
STOPS=()
SERVICE_ERRORS=()
trap cleanup EXIT
for service in build/services/*.sh; do
  [ -f "$service" ] || continue
  # shellcheck source=/dev/null
  source "$service"
done

echo "== build ($CONFIGURATION)"
dotnet build TokenQuota.sln -c "$CONFIGURATION" -nologo > "$OUT/build.log" 2>&1
build_rc=$?
grep -E "(error|warning) [A-Z]+[0-9]+" "$OUT/build.log" | sort -u | head -50
if [ "$build_rc" != "0" ]; then
  echo "test.sh: the build failed (exit code $build_rc); see build/out/build.log" >&2
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

passed=0; failed=0; skipped=0; status=0
for project in tests/*/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  echo "== test $name"
  log="$OUT/$name.log"
  dotnet test "$project" -c "$CONFIGURATION" --no-build -nologo --results-directory "$OUT/TestResults/$name" \
      --logger "trx;LogFileName=$name.trx" 2>&1 | tee "$log" | grep -E "^\s*(Passed!|Failed!|Skipped!)|^\s*Failed [A-Za-z]|error" || true
  rc=${PIPESTATUS[0]}
  line=$(grep -E "(Passed|Failed|Skipped)! +- +Failed: +[0-9]+" "$log" | tail -n1)
  if [ -z "$line" ]; then
    echo "test.sh: $name produced no result line (exit code $rc); see $log" >&2
    failed=$((failed + 1)); status=1; continue
  fi
  f=$(echo "$line" | sed -E 's/.*Failed: +([0-9]+).*/\1/')
  p=$(echo "$line" | sed -E 's/.*Passed: +([0-9]+).*/\1/')
  s=$(echo "$line" | sed -E 's/.*Skipped: +([0-9]+).*/\1/')
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  if [ "$rc" != "0" ] || [ "$f" != "0" ]; then status=1; fi
done

for error in "${SERVICE_ERRORS[@]:-}"; do
  if [ -n "$error" ]; then
    echo "test.sh: a service the tests need did not start, so its tests were skipped: $error" >&2
    failed=$((failed + 1)); status=1
  fi
done

echo "$passed passed, $failed failed, $skipped skipped"
exit $status
