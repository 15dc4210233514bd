#!/usr/bin/env bash
# Install the W3C Nu HTML checker (vnu-jar, from the npm registry) that the accessibility walks run on
# every page they visit (anef/testing/nu.py); it needs Java 11+ (Debian: apt-get install default-jre-headless).
# The jar lands in ~/.cache/anef/vnu-<version>/, outside the repository; a second run does nothing.
set -euo pipefail
VNU_VERSION="26.9.27"  # keep in step with anef/testing/nu.py
target="${HOME}/.cache/anef/vnu-${VNU_VERSION}"
if [ ! -f "${target}/node_modules/vnu-jar/build/dist/vnu.jar" ]; then
  mkdir -p "$target"
  npm install --prefix "$target" --no-audit --no-fund --silent "vnu-jar@${VNU_VERSION}"
fi
echo "${target}/node_modules/vnu-jar/build/dist/vnu.jar"
