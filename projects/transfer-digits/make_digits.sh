#!/usr/bin/env bash
# Writes the transfer-learning sample's data: a new ten-class image task,
# digits 0-9 rendered in every font this machine has (DejaVu, WenQuanYi),
# each drawn at a random size, angle, offset, blur and noise, as 28x28
# grayscale PNGs in digits/train/<digit>/ and digits/test/<digit>/.
# Usage: make_digits.sh [TRAIN_PER_CLASS] [TEST_PER_CLASS]   (default 10 100)
set -euo pipefail
cd "$(dirname "$0")"
train=${1:-10}
test=${2:-100}
mapfile -t fonts < <(fc-list --format '%{file}\n' | grep -E '\.(ttf|ttc|otf)$' | sort)
[ ${#fonts[@]} -gt 0 ] || { echo "make_digits: no fonts found (fc-list)" >&2; exit 1; }
RANDOM=7  # the same images every time
rm -rf digits
draw() {  # digit, file
  local font=${fonts[$((RANDOM % ${#fonts[@]}))]}
  convert -size 40x40 xc:black -font "$font" -pointsize $((20 + RANDOM % 9)) -fill white -gravity center \
    -annotate "+$((RANDOM % 7 - 3))+$((RANDOM % 7 - 3))" "$1" -background black -rotate $((RANDOM % 31 - 15)) -gravity center \
    -extent 40x40 -resize 28x28! -blur "0x0.$((RANDOM % 8))" -attenuate 0.4 +noise Gaussian -colorspace Gray \
    -depth 8 "PNG8:$2"
}
for split in train test; do
  count=$([ $split = train ] && echo "$train" || echo "$test")
  for digit in 0 1 2 3 4 5 6 7 8 9; do
    mkdir -p "digits/$split/$digit"
    for i in $(seq 1 "$count"); do draw "$digit" "digits/$split/$digit/$i.png"; done
  done
done
echo "make_digits: $((train * 10)) training and $((test * 10)) test images in $(pwd)/digits (${#fonts[@]} fonts)"
