#!/usr/bin/env bash
# End-to-end tests in a real VS Code: builds the .vsix, then runs test/e2e/scenarios.e2e.ts
# with Node's test runner. The tests install the .vsix into a fresh code-server, start the fake
# Vault and code-server on 127.0.0.1, and drive Chromium headless; screenshots and logs go to
# test-artifacts/e2e/. Needs `npm ci` at the root and test/e2e/setup.sh.
#   E2E_VSIX=path    use this .vsix instead of building one
#   E2E_TIMEOUT=s    bound of the whole run (default 1200 s)
#   E2E_KEEP=1       keep the scratch folder (workspace, code-server data)
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -x test/e2e/node_modules/.bin/code-server ]; then
  echo "test/e2e is not set up: run 'bash test/e2e/setup.sh' first" >&2
  exit 1
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/secretrefs-e2e.XXXXXX")
cleanup() {
  # If the test process died without its after() hook, code-server (and the extension host and
  # language server it started, all in its process group) is still running: stop it.
  local pidfile="$scratch/code-server/code-server.pid"
  if [ -f "$pidfile" ]; then
    kill -KILL -- "-$(cat "$pidfile")" 2>/dev/null || true
  fi
  if [ "${E2E_KEEP:-}" = 1 ]; then echo "e2e scratch folder kept: $scratch"; else rm -rf "$scratch"; fi
}
trap cleanup EXIT

if [ -z "${E2E_VSIX:-}" ]; then
  # --no-rewrite-relative-links: vsce refuses README's relative links (ARCHITECTURE.md) when
  # package.json names no repository; the links do not matter to the tests.
  npm run package --silent -- --no-rewrite-relative-links >/dev/null
  export E2E_VSIX="$PWD/secret-references.vsix"
fi
npx tsc -p test/e2e
export E2E_TMP="$scratch"
timeout --kill-after=30 "${E2E_TIMEOUT:-1200}" \
  node --import tsx --test --test-reporter=spec test/e2e/scenarios.e2e.ts
