#!/usr/bin/env bash
# Runs every test of the repository: unit tests, and API tests against the real host on a real SQLite file, then the
# API tests again on PostgreSQL (a throw-away server from Debian's packages, one database per test).
# Installs what the tests need when it is missing: the .NET 10 SDK must be on the machine; Debian's Chromium (for the
# browser tests, driven by Playwright — never a downloaded browser) and PostgreSQL (for the store tests) are installed
# with apt-get when absent.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET 10 SDK is required (https://dot.net); install it and run this again." >&2
  exit 1
fi

# Debian packages the tests need, installed once when missing: Chromium (browser tests) and PostgreSQL (the store
# tests start their own server from its binaries, on a free port in a temporary folder).
missing=()
if [ -z "${SMX_CHROMIUM:-}" ] && ! [ -x /usr/bin/chromium ]; then missing+=(chromium); fi
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then missing+=(postgresql); fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing ${missing[*]} for the tests (apt-get)..."
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

dotnet build SmartMaintenance.slnx -c Release -nologo -v q
# Formatting is part of the build contract: the repository's .editorconfig, no diff.
dotnet format SmartMaintenance.slnx --verify-no-changes --no-restore
# No package with a known vulnerability, direct or transitive, as NuGet's advisory feed lists them today.
audit="$(dotnet list SmartMaintenance.slnx package --vulnerable --include-transitive 2>&1)" || { echo "$audit" >&2; exit 1; }
if grep -q "has the following vulnerable packages" <<<"$audit"; then
  echo "$audit" >&2
  echo "Vulnerable packages found (above): update them before the tests can pass." >&2
  exit 1
fi
echo "Package audit: no known vulnerable packages."
status=0
dotnet test SmartMaintenance.slnx -c Release --no-build -nologo 2>&1 | tee "$log" || status=$?

# The API tests again with PostgreSQL as the store (SMX_POSTGRES in each test's host). Left out, because they do not
# depend on the store or test SQLite itself: the CLI commands (files in, files out), the crash and disk-full tests
# (SQLite's file under SIGKILL and a full disk), the fuzzer (it fingerprints the SQLite file), UI asset and resource
# checks, and the two classes that train the demo's models (minutes of CPU; their stores are in the contract tests).
echo "API tests on PostgreSQL..."
export SMX_PG_FAST=1
# shellcheck source=scripts/postgres-temp.sh
source scripts/postgres-temp.sh
trap 'postgres_temp_stop; rm -f "$log"' EXIT
SMX_TEST_POSTGRES="$SMX_PG_ADMIN" dotnet test tests/SmartMaintenance.IntegrationTests -c Release --no-build -nologo \
  --filter "FullyQualifiedName!~CrashTests&FullyQualifiedName!~DiskFullTests&FullyQualifiedName!~EndpointFuzz&FullyQualifiedName!~.Cli&FullyQualifiedName!~UiAssetsCheck&FullyQualifiedName!~Localisation&FullyQualifiedName!~FleetTraining&FullyQualifiedName!~GoldenPathDemo" \
  2>&1 | tee -a "$log" || status=$?

# One closing line for people and CI: totals over every test project.
awk -F'[:,]' '/(Passed|Failed)! +- Failed:/ { failed += $2; passed += $4; skipped += $6 }
  END { printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped }' "$log"
exit $status
