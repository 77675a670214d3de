#pragma once
// `cradle-cli train EXP --nproc N` (and `resume RUN --nproc N`): starts N
// copies of this program on this machine, each one rank of a data-parallel
// group, with the variables torchrun would set (RANK, WORLD_SIZE, LOCAL_RANK,
// LOCAL_WORLD_SIZE, MASTER_ADDR=127.0.0.1, MASTER_PORT a free port). Rank 0's
// output is the run's progress. When a worker fails, the others are stopped
// (those still running 5 s later get SIGTERM, then SIGKILL) and the first failure's exit code is
// returned. Ctrl+C reaches every worker from the terminal; they stop together.
#include <string>
#include <vector>

namespace cradle::cli {

// `arguments` are the workers' command line after the program name.
int run_local_workers(int nproc, const std::vector<std::string>& arguments);

}  // namespace cradle::cli
