# Sourced by the benchmarks: prints the processor they run on and the
# instruction sets that decide their figures (the same run is 1.7x slower on an
# AVX2-only Zen 3 than on an AVX-512 Xeon, and bfloat16 is emulated without
# avx512_bf16 or AMX), so every printed figure says where it came from.
print_processor() {
  local model flags wanted=() f
  model=$(grep -m1 -E '^(model name|Model|cpu model)' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
  flags=" $(grep -m1 -E '^(flags|Features)' /proc/cpuinfo | cut -d: -f2-) "
  for f in avx2 fma avx512f avx512_vnni avx_vnni avx512_bf16 amx_bf16 amx_int8 asimd sve; do
    [[ $flags == *" $f "* ]] && wanted+=("$f")
  done
  echo "processor: ${model:-unknown}; $(nproc) cores; ${wanted[*]:-no AVX2}"
}
print_processor
