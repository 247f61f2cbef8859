#!/usr/bin/env bash
# Adds every undeclared public symbol (RS0016) of the library projects to their PublicAPI.Unshipped.txt.
# Run it deliberately after changing the public API, then review the diff of the PublicAPI files.
set -euo pipefail
cd "$(dirname "$0")/.."
projects=("$@")
if [ ${#projects[@]} -eq 0 ]; then
  mapfile -t projects < <(ls src/*/*.csproj)
fi
for proj in "${projects[@]}"; do
  dir=$(dirname "$proj")
  unshipped="$dir/PublicAPI.Unshipped.txt"
  [ -f "$unshipped" ] || echo "#nullable enable" > "$unshipped"
  [ -f "$dir/PublicAPI.Shipped.txt" ] || echo "#nullable enable" > "$dir/PublicAPI.Shipped.txt"
  # Removed symbols (RS0017) are dropped from Unshipped; new ones (RS0016) are added.
  out=$(dotnet build "$proj" --no-incremental -p:TreatWarningsAsErrors=false 2>&1 || true)
  echo "$out" | grep -oP "RS0017: Symbol '\K[^']*(?=' is part of the declared API)" | sort -u > /tmp/pubapi-removed.txt || true
  echo "$out" | grep -oP "RS0016: Symbol '\K[^']*(?=' is not part of the declared public API)" | sort -u > /tmp/pubapi-added.txt || true
  { head -n1 "$unshipped"; tail -n +2 "$unshipped" | grep -vxFf /tmp/pubapi-removed.txt || true; cat /tmp/pubapi-added.txt; } \
    | { read -r first; echo "$first"; sort -u; } > "$unshipped.tmp"
  mv "$unshipped.tmp" "$unshipped"
  echo "$proj: +$(wc -l < /tmp/pubapi-added.txt) -$(wc -l < /tmp/pubapi-removed.txt)"
done
