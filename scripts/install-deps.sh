#!/usr/bin/env bash
# Installs every build, test and run dependency of Cradle from Debian's packages.
# Idempotent: prints nothing and touches nothing when all packages are present.
# Run as root (or with sudo). Usage: scripts/install-deps.sh
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config
  # engine: LibTorch (CPU) and a fast BLAS. Without libopenblas0-pthread LibTorch
  # falls back to the reference BLAS, about 30 times slower on matrix products.
  libtorch-dev libopenblas0-pthread libblas-dev libgloo-dev zlib1g-dev
  # configuration, command line, HTTP
  nlohmann-json3-dev libcli11-dev libcpp-httplib-dev
  # GUI
  qt6-base-dev qt6-svg-dev qt6-tools-dev qt6-l10n-tools libqcustomplot-dev
  # a CJK font, so the Simplified Chinese interface shows characters, not boxes
  fonts-wqy-microhei
  # data
  libopencv-dev libsentencepiece-dev libonnx-dev libicu-dev
  dataset-fashion-mnist fortunes fortunes-zh
  # headless GUI tests and screenshots
  xvfb xauth imagemagick
  # a test renders an evaluation report (report.html) in headless Chromium
  chromium
  # fuzzing the parsers (libFuzzer)
  clang libclang-rt-14-dev
  # benchmarks: the PyTorch reference of bench/train_vs_pytorch.sh
  python3-torch
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then exec sudo "$0" "$@"; fi
  echo "install-deps: these packages are missing and installing them needs root: ${missing[*]}" >&2
  exit 1
fi

echo "install-deps: installing ${#missing[@]} package(s): ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
