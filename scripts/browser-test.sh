#!/usr/bin/env bash
# Renders airace's report pages in headless Chromium and checks every
# figure is laid out and drawn (tests/report_browser.rs). Installs Debian's
# chromium if it is missing. Screenshots land in target/report-screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi
cargo test --test report_browser -- --nocapture
