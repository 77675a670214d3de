// Linked into every Cradle executable (the studio, cradle-cli, the test suites,
// the benchmarks): OpenMP threads sleep at a barrier instead of spinning,
// unless the user's environment already says how they wait (OMP_WAIT_POLICY).
//
// Why: LibTorch's intra-op threads are OpenMP's (libgomp). A thread waiting
// at the end of a parallel region spins on its core until a descheduled
// partner arrives, so on a machine busy with other work every small operation
// costs a time slice: a PPO test that takes 14 s alone took over 300 s beside
// two trainings (PASSIVE: 23 s), while an idle Fashion-MNIST epoch trains as
// fast either way (1,746 and 1,770 samples/s on a Sapphire Rapids Xeon).
//
// Passive alone sends a waiting thread to sleep at once, and waking it (a
// futex) takes tens of microseconds: generation at batch 1 runs ~250 short
// parallel regions per token back to back (models/few_rows_linear.h), where
// those wake-ups cost a quarter of every token (SmolLM-135M's shape: 42.8
// tokens/s, 58.5 with GOMP_SPINCOUNT=1000). So a thread first polls about a
// thousand times (microseconds, nothing on a busy machine), then sleeps.
// GOMP_SPINCOUNT in the user's environment is kept.
//
// How: libgomp reads OMP_WAIT_POLICY once, in its constructor, and the C
// library sets up the environment only after this program's .preinit_array
// has run, so setenv() here would be undone. The process is instead executed
// again with the variable added, from .preinit_array: before any library's
// constructor (LibTorch's take most of a start), so the second start costs
// only the loading.
#include <unistd.h>

#include <cstring>

namespace {

bool starts_with(const char* text, const char* prefix) { return std::strncmp(text, prefix, std::strlen(prefix)) == 0; }

void prefer_passive_openmp_waits(int, char** argv, char** envp) {
  static char* environment[4096];
  std::size_t count = 0;
  bool spin_chosen = false;
  for (; envp[count] != nullptr; ++count) {
    if (starts_with(envp[count], "OMP_WAIT_POLICY=")) return;             // the user chose
    if (count + 3 >= sizeof environment / sizeof environment[0]) return;  // no room: run as it is
    spin_chosen = spin_chosen || starts_with(envp[count], "GOMP_SPINCOUNT=");
    environment[count] = envp[count];
  }
  static char passive[] = "OMP_WAIT_POLICY=PASSIVE";
  static char short_spin[] = "GOMP_SPINCOUNT=1000";
  environment[count++] = passive;
  if (!spin_chosen) environment[count++] = short_spin;
  environment[count] = nullptr;
  execve("/proc/self/exe", argv, environment);  // returns only if it failed: then run as it is
}

__attribute__((section(".preinit_array"),
               used)) void (*const kPreferPassiveOpenmpWaits)(int, char**, char**) = prefer_passive_openmp_waits;

}  // namespace
