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
  # a test reads the service's listen backlog with ss
  iproute2
  # a test renders an evaluation report (report.html) in headless Chromium
  chromium
  # fuzzing the parsers (libFuzzer)
  clang libclang-rt-14-dev
  # the house style, checked by the test suite (tests/format/check_format.sh)
  clang-format-14
  # the Debian package's checks (tests/package/check_package.sh)
  lintian desktop-file-utils appstream
  # benchmarks: the PyTorch reference of bench/train_vs_pytorch.sh
  python3-torch
  # Node.js runs ONNX Runtime, which checks exported ONNX graphs (below)
  nodejs
)

# ONNX Runtime is not packaged by Debian; its Node.js package from the npm
# registry carries the CPU library. The ONNX exporter runs every exported graph
# through it (core/export/onnx_runtime_check.h). --ignore-scripts: the install
# script only fetches GPU extras.
onnxruntime_root=/usr/local/lib/cradle
onnxruntime_version=1.30.0
onnxruntime_missing() {
  ! grep -qs "\"version\": \"$onnxruntime_version\"" "$onnxruntime_root/node_modules/onnxruntime-node/package.json"
}
install_onnxruntime() {
  echo "install-deps: installing onnxruntime-node $onnxruntime_version under $onnxruntime_root"
  mkdir -p "$onnxruntime_root"
  npm install --prefix "$onnxruntime_root" --ignore-scripts --no-audit --no-fund --loglevel=error \
    "onnxruntime-node@$onnxruntime_version" >/dev/null
  # only this machine's library is needed
  local bin="$onnxruntime_root/node_modules/onnxruntime-node/bin/napi-v6"
  rm -rf "$bin/darwin" "$bin/win32"
  find "$bin/linux" -mindepth 1 -maxdepth 1 ! -name "$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')" -exec rm -rf {} +
}

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# npm comes with some builds of nodejs (NodeSource's) and conflicts with Debian's npm package there
command -v npm >/dev/null || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && ! onnxruntime_missing && exit 0

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then exec sudo "$0" "$@"; fi
  echo "install-deps: installing these needs root: ${missing[*]} onnxruntime-node" >&2
  exit 1
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${#missing[@]} package(s): ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if onnxruntime_missing; then install_onnxruntime; fi
echo "install-deps: done"
