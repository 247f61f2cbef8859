#!/usr/bin/env bash
# Tries the packages as a new user would: packs TokenQuota and TokenQuota.Sqlite into a temporary folder, creates a
# new console app elsewhere, adds the packages from that folder (plus nuget.org for Dapper, Microsoft.Data.Sqlite, …),
# pastes the README's quick start and admin snippets into Program.cs unchanged, then runs the equivalent of the
# seed's "Testing" script on a fresh database. Exits non-zero if the packages are incomplete, a snippet does not
# compile, or any expectation fails.
#   KEEP=1 ./build/try-packages.sh   keeps the temporary folder for inspection.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tokenquota-try.XXXXXX")
cleanup() { if [ "${KEEP:-0}" = "1" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT
fail() { echo "try-packages: FAILED: $*" >&2; exit 1; }

# A version of its own, so the NuGet cache can never serve a package packed earlier under the same number.
VERSION="0.1.0-try.$(date -u +%Y%m%d%H%M%S)"
PACKAGES="$WORK/packages"
APP="$WORK/app"

echo "== pack $VERSION into $PACKAGES"
for project in src/TokenQuota src/TokenQuota.Sqlite; do
  # A separate artifacts path keeps this build out of the repository's bin/ and obj/ folders.
  dotnet pack "$project" -c Release -o "$PACKAGES" -p:Version="$VERSION" --artifacts-path "$WORK/artifacts" -nologo \
    > "$WORK/pack.log" 2>&1 || { cat "$WORK/pack.log"; fail "dotnet pack $project"; }
done

echo "== package contents"
for id in TokenQuota TokenQuota.Sqlite; do
  nupkg="$PACKAGES/$id.$VERSION.nupkg"
  [ -f "$nupkg" ] || fail "$nupkg was not produced"
  files=$(unzip -Z1 "$nupkg")
  nuspec=$(unzip -p "$nupkg" "$id.nuspec")
  for file in README.md LICENSE "lib/net10.0/$id.dll" "lib/net10.0/$id.xml"; do
    grep -qxF "$file" <<< "$files" || fail "$id package lacks $file"
  done
  for field in '<readme>README.md</readme>' '<license type="expression">MIT</license>' '<repository type="git" url="https://' '<projectUrl>' '<description>'; do
    grep -qF "$field" <<< "$nuspec" || fail "$id nuspec lacks $field"
  done
  echo "ok   $id: README.md, LICENSE, lib/net10.0/$id.dll + .xml docs, MIT, repository metadata"
done

echo "== new console app in $APP"
dotnet new console -o "$APP" -n TryTokenQuota --framework net10.0 > "$WORK/new.log" 2>&1 || { cat "$WORK/new.log"; fail "dotnet new console"; }
cat > "$APP/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$PACKAGES" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
</configuration>
EOF
(
  cd "$APP"
  dotnet add package TokenQuota.Sqlite --version "$VERSION" > "$WORK/add.log" 2>&1 || { cat "$WORK/add.log"; exit 1; }
  # The README's installation section: a plain console app also needs a service provider.
  dotnet add package Microsoft.Extensions.DependencyInjection >> "$WORK/add.log" 2>&1 || { cat "$WORK/add.log"; exit 1; }
) || fail "dotnet add package"

# The README's snippets, verbatim: the first csharp block after each heading.
snippet() { awk -v heading="$1" '$0 == heading { found = 1; next } found && /^```csharp/ { inside = 1; next } inside && /^```/ { exit } inside { print }' README.md; }
QUICK_START=$(snippet "## Quick start")
ADMIN=$(snippet "### Administering profiles")
[ -n "$QUICK_START" ] || fail "no csharp block under '## Quick start' in README.md"
[ -n "$ADMIN" ] || fail "no csharp block under '### Administering profiles' in README.md"

{
  echo "// ---- README.md, Quick start (verbatim) ----"
  echo "$QUICK_START"
  echo
  echo "// ---- README.md, Administering profiles (verbatim) ----"
  echo "$ADMIN"
  cat <<'EOF'

// ---- The seed's "Testing" script, with expectations ----
var failures = 0;
void Expect(bool condition, string what)
{
    Console.WriteLine($"{(condition ? "ok  " : "FAIL")} {what}");
    failures += condition ? 0 : 1;
}

Console.WriteLine();
Expect(status.ProfileName == "Free" && status.InputTokens.Used == inputTokens && status.OutputTokens.Used == outputTokens,
    $"quick start: alice on Free with {inputTokens}/{outputTokens} tokens recorded");
Expect(effective?.Name == "Free" && effective.IsDefault, "admin snippet: bob is back on the default profile (Free)");
var starterNow = await manager.GetAsync(starter.Id);
Expect(starterNow.OutputTokensPerMonth is null && starterNow.UserCount == 0, "admin snippet: Starter has unlimited output and no users");

var seedUser = "your-user-id";

// Record some usage
await quotas.RecordAsync(seedUser, inputTokens: 1000, outputTokens: 500);

// Check quota
var seedCheck = await quotas.CheckAsync(seedUser, inputTokens: 5000, outputTokens: 2500);
Console.WriteLine($"Allowed: {seedCheck.IsAllowed}, Message: {seedCheck.Message}");
Expect(seedCheck.IsAllowed && seedCheck.Message.Length == 0, "check 5000/2500 after recording 1000/500 is allowed");
Expect(seedCheck.Input == new TokenLimitFigures(100_000, 1000, 5000, 99_000), "check carries the input figures");
Expect(seedCheck.Output == new TokenLimitFigures(50_000, 500, 2500, 49_500), "check carries the output figures");

// Get status
var seedStatus = await quotas.GetStatusAsync(seedUser);
var json = System.Text.Json.JsonSerializer.Serialize(seedStatus);
Console.WriteLine(json);
var period = DateTime.UtcNow.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
Expect(json.StartsWith($"{{\"has_quota\":true,\"period\":\"{period}\",\"profile_name\":\"Free\",\"profile_id\":1,", StringComparison.Ordinal),
    "status JSON: has_quota, period (UTC month), profile_name Free, profile_id 1");
Expect(json.Contains("\"input_tokens\":{\"limit\":100000,\"used\":1000,\"remaining\":99000,\"percentage_used\":1}", StringComparison.Ordinal),
    "status JSON: input_tokens 1000 used of 100,000");
Expect(json.Contains("\"output_tokens\":{\"limit\":50000,\"used\":500,\"remaining\":49500,\"percentage_used\":1}", StringComparison.Ordinal),
    "status JSON: output_tokens 500 used of 50,000");
Expect(json.Contains("\"rate_limits\":{\"prompts_per_hour\":50,\"prompts_per_day\":500,\"config_changes_per_hour\":5}", StringComparison.Ordinal),
    "status JSON: Free rate limits 50/hour, 500/day, 5 config changes/hour");

// Push the user to 99,500 input tokens: 500 more still fit, 501 do not.
await quotas.RecordAsync(seedUser, inputTokens: 98_500, outputTokens: 0);
var atLimit = await quotas.CheckAsync(seedUser, inputTokens: 500, outputTokens: 0);
Expect(atLimit.IsAllowed, "99,500 used + 500 requested lands exactly on 100,000: allowed");
var overLimit = await quotas.CheckAsync(seedUser, inputTokens: 501, outputTokens: 0);
Console.WriteLine($"Allowed: {overLimit.IsAllowed}, Message: {overLimit.Message}");
Expect(!overLimit.IsAllowed && overLimit.DeniedDimension == TokenDimension.Input, "99,500 used + 501 requested: denied on input");
Expect(overLimit.Message == "Input token quota exceeded. Limit: 100,000/month, Used: 99,500, Remaining: 500", "denial message format");

// Past the limit: recording is never refused (the usage happened), every later check is.
await quotas.RecordAsync(seedUser, inputTokens: 1_000, outputTokens: 0);
var pastLimit = await quotas.CheckAsync(seedUser, inputTokens: 1, outputTokens: 0);
Console.WriteLine($"Allowed: {pastLimit.IsAllowed}, Message: {pastLimit.Message}");
Expect(!pastLimit.IsAllowed && pastLimit.Message == "Input token quota exceeded. Limit: 100,000/month, Used: 100,500, Remaining: 0",
    "100,500 used: denied, Remaining: 0");
var finalStatus = await quotas.GetStatusAsync(seedUser);
Expect(finalStatus.InputTokens is { Used: 100_500, Remaining: 0, PercentageUsed: 100.0 }, "status: 100,500 used, 0 remaining, 100%");

Console.WriteLine(failures == 0 ? "try-packages: all expectations met" : $"try-packages: {failures} expectation(s) failed");
Environment.ExitCode = failures == 0 ? 0 : 1;
EOF
} > "$APP/Program.cs"

echo "== build (warnings as errors)"
(cd "$APP" && dotnet build -warnaserror -nologo > "$WORK/build.log" 2>&1) || { grep -E "error|warning" "$WORK/build.log" | sort -u; fail "the README snippets do not compile against the packages (Program.cs: $APP/Program.cs)"; }

echo "== run on a fresh database"
rm -f "$APP"/tokenquota.db*
set +e
(cd "$APP" && dotnet run --no-build) | tee "$WORK/run.log"
rc=${PIPESTATUS[0]}
set -e
[ "$rc" = "0" ] || fail "the app exited with $rc"
grep -qxF "try-packages: all expectations met" "$WORK/run.log" || fail "the app did not reach its last expectation"

if command -v sqlite3 > /dev/null 2>&1; then
  echo "== sqlite3 $APP/tokenquota.db \"SELECT * FROM consumption_profiles;\""
  (cd "$APP" && sqlite3 tokenquota.db "SELECT * FROM consumption_profiles;") | tee "$WORK/sqlite.log"
  [ "$(grep -c . "$WORK/sqlite.log")" = "5" ] || fail "expected the four seeded profiles and Starter"
fi

echo "try-packages: passed ($VERSION)"
