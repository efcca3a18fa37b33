#!/usr/bin/env bash
# Runs Tollgate's whole test suite: build (warnings are errors), formatting check, then every test project.
# Installs what the tests need when it is missing: Debian's postgresql package (Tollgate.Storage.Postgres.Tests starts
# its own throwaway server with initdb/pg_ctl) and redis-server (for the Redis tests of issue 6). Prints one closing line "N passed, N failed, N skipped" and exits non-zero on
# any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK is required (https://dot.net)." >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Step 1: the servers the tests start themselves. Installed only when missing, with apt-get (Debian/Ubuntu, as root).
# No cluster is created or started by the package: the tests run their own on a free loopback port.
missing=()
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then missing+=(postgresql); fi
if ! command -v redis-server >/dev/null 2>&1; then missing+=(redis-server); fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== install ${missing[*]}"
    mkdir -p /etc/postgresql-common
    [ -f /etc/postgresql-common/createcluster.conf ] || echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    # The PostgreSQL tests then report themselves skipped, or fail under CI=true.
    echo "test.sh: ${missing[*]} missing and cannot be installed here (needs root and apt-get)." >&2
  fi
fi

echo "== build"
dotnet build Tollgate.slnx -c Release -nologo -v quiet

echo "== format"
dotnet format Tollgate.slnx --verify-no-changes --no-restore

echo "== test"
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0
for project in tests/*.Tests/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  echo "-- $name"
  if ! dotnet test "$project" -c Release --no-build -nologo \
      --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
      --logger "console;verbosity=minimal" -- RunConfiguration.TestSessionTimeout=1200000; then
    status=1
  fi
done

# One closing line over every project, read from the TRX result files.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(echo "$counters" | sed -n 's/.* passed="\([0-9]*\)".*/\1/p')
  f=$(echo "$counters" | sed -n 's/.* failed="\([0-9]*\)".*/\1/p')
  t=$(echo "$counters" | sed -n 's/.* total="\([0-9]*\)".*/\1/p')
  e=$(echo "$counters" | sed -n 's/.* executed="\([0-9]*\)".*/\1/p')
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${t:-0} - ${e:-0}))
done
echo
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$passed" -eq 0 ]; then
  echo "test.sh: no test ran" >&2
  status=1
fi
exit $status
