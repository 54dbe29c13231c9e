#!/bin/sh
# Installs the headless browser the dashboard test (DashboardIT) drives: Debian's chromium and its
# chromedriver, when they are missing. Run by `mvn verify` before the integration tests; needs
# root and the Debian package mirrors (CI has both). Without them it says so and leaves it to the
# test, which fails with a message naming this script.
set -u
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: chromium and chromium-driver are missing and this is not root on Debian; install them to run DashboardIT" >&2
  exit 0
fi
echo "install-browser: installing chromium and chromium-driver (Debian packages)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null \
  || echo "install-browser: apt-get failed; DashboardIT will fail" >&2
exit 0
