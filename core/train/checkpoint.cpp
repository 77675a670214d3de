#include "core/train/checkpoint.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstdio>

#include "core/common/error.h"
#include "core/train/archive_file.h"

namespace cradle {
namespace fs = std::filesystem;
namespace {

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// Reads every parameter and buffer, checking names and shapes, so a file
// written for another architecture is refused instead of silently reshaping
// the model. LibTorch archives nest one sub-archive per child module.
void read_module_state(torch::serialize::InputArchive& archive, torch::nn::Module& module, const fs::path& path,
                       const std::string& prefix) {
  torch::NoGradGuard no_grad;
  const auto restore = [&](const std::string& name, torch::Tensor& target, bool is_buffer) {
    torch::Tensor value;
    if (!archive.try_read(name, value, is_buffer))
      throw DataError(path.string() + ": has no tensor \"" + prefix + name + "\"; it was saved for another model");
    if (value.sizes() != target.sizes())
      throw DataError(path.string() + ": tensor \"" + prefix + name + "\" has shape " + c10::str(value.sizes()) +
                      ", the model expects " + c10::str(target.sizes()));
    target.copy_(value);
  };
  for (auto& p : module.named_parameters(/*recurse=*/false)) restore(p.key(), p.value(), false);
  for (auto& b : module.named_buffers(/*recurse=*/false)) restore(b.key(), b.value(), true);
  for (auto& child : module.named_children()) {
    torch::serialize::InputArchive child_archive;
    if (!archive.try_read(child.key(), child_archive))
      throw DataError(path.string() + ": has no layer \"" + prefix + child.key() +
                      "\"; it was saved for another model");
    read_module_state(child_archive, *child.value(), path, prefix + child.key() + ".");
  }
}

torch::serialize::InputArchive open_archive(const fs::path& path) {
  if (!fs::exists(path)) throw IoError(path.string() + ": no such file");
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path.string());
  } catch (const c10::Error& error) {
    throw DataError(path.string() + ": not a readable LibTorch archive (" + first_line(error.what_without_backtrace()) +
                    ")");
  }
  return archive;
}

// As read_module_state, but what does not match is listed instead of refused. A
// layer is taken whole or not at all: a new head whose bias happens to have the
// old one's shape keeps its fresh initialisation.
void read_matching_state(torch::serialize::InputArchive* archive, torch::nn::Module& module, const std::string& prefix,
                         std::vector<std::string>& unmatched) {
  torch::NoGradGuard no_grad;
  struct Pending {
    std::string name;
    torch::Tensor target, value;
  };
  std::vector<Pending> fitting;
  std::vector<std::string> reasons;
  const auto check = [&](const std::string& name, torch::Tensor& target, bool is_buffer) {
    torch::Tensor value;
    if (!archive || !archive->try_read(name, value, is_buffer))
      reasons.push_back(prefix + name + ": not there");
    else if (value.sizes() != target.sizes())
      reasons.push_back(prefix + name + ": shape " + c10::str(value.sizes()) + " there, " + c10::str(target.sizes()) +
                        " here");
    else
      fitting.push_back({prefix + name, target, value});
  };
  for (auto& p : module.named_parameters(/*recurse=*/false)) check(p.key(), p.value(), false);
  for (auto& b : module.named_buffers(/*recurse=*/false)) check(b.key(), b.value(), true);
  if (reasons.empty()) {
    for (auto& f : fitting) f.target.copy_(f.value);
  } else {
    unmatched.insert(unmatched.end(), reasons.begin(), reasons.end());
    for (const auto& f : fitting) unmatched.push_back(f.name + ": fits, but the rest of its layer does not");
  }
  for (auto& child : module.named_children()) {
    torch::serialize::InputArchive child_archive;
    const bool found = archive && archive->try_read(child.key(), child_archive);
    read_matching_state(found ? &child_archive : nullptr, *child.value(), prefix + child.key() + ".", unmatched);
  }
}

}  // namespace

std::vector<std::string> load_matching_weights(const fs::path& path, torch::nn::Module& model) {
  auto archive = open_archive(path);
  std::vector<std::string> unmatched;
  try {
    torch::serialize::InputArchive model_archive;  // a checkpoint holds the model as a sub-archive
    read_matching_state(archive.try_read("model", model_archive) ? &model_archive : &archive, model, "", unmatched);
  } catch (const c10::Error& error) {
    throw DataError(path.string() + ": corrupt model file (" + first_line(error.what_without_backtrace()) + ")");
  }
  return unmatched;
}

void save_checkpoint(const fs::path& path, const torch::nn::Module& model, const torch::optim::Optimizer& optimizer,
                     CheckpointPosition position, const LoopState* loop) {
  torch::serialize::OutputArchive archive;
  torch::serialize::OutputArchive model_archive, optimizer_archive;
  model.save(model_archive);
  optimizer.save(optimizer_archive);
  archive.write("model", model_archive);
  archive.write("optimizer", optimizer_archive);
  archive.write("epoch", torch::tensor(position.epoch));
  archive.write("step", torch::tensor(position.step));
  if (loop) {
    torch::serialize::OutputArchive loop_archive;
    if (loop->cpu_generator.defined()) loop_archive.write("cpu_generator", loop->cpu_generator);
    if (loop->cuda_generator.defined()) loop_archive.write("cuda_generator", loop->cuda_generator);
    loop_archive.write("plateau", torch::tensor({loop->plateau_scale, loop->plateau_best}, torch::kFloat64));
    loop_archive.write("counters",
                       torch::tensor({loop->plateau_bad_epochs, loop->best_epoch, loop->epochs_without_improvement}));
    loop_archive.write("best_metric", torch::tensor(loop->best_metric, torch::kFloat64));
    if (loop->kl_coefficient)
      loop_archive.write("kl_coefficient", torch::tensor(*loop->kl_coefficient, torch::kFloat64));
    archive.write("loop", loop_archive);
  }
  save_archive_atomically(path, archive);
}

CheckpointPosition load_checkpoint(const fs::path& path, torch::nn::Module& model, torch::optim::Optimizer* optimizer,
                                   LoopState* loop) {
  auto archive = open_archive(path);
  try {
    torch::serialize::InputArchive model_archive;
    if (!archive.try_read("model", model_archive))
      throw DataError(path.string() + ": not a Cradle checkpoint (no model)");
    read_module_state(model_archive, model, path, "");
    if (optimizer) {
      torch::serialize::InputArchive optimizer_archive;
      if (!archive.try_read("optimizer", optimizer_archive))
        throw DataError(path.string() + ": not a Cradle checkpoint (no optimizer state)");
      optimizer->load(optimizer_archive);
    }
    torch::Tensor epoch, step;
    if (!archive.try_read("epoch", epoch) || !archive.try_read("step", step))
      throw DataError(path.string() + ": not a Cradle checkpoint (no position)");
    if (loop) {
      torch::serialize::InputArchive loop_archive;
      torch::Tensor plateau, counters, best_metric;
      if (!archive.try_read("loop", loop_archive) || !loop_archive.try_read("plateau", plateau) ||
          !loop_archive.try_read("counters", counters) || !loop_archive.try_read("best_metric", best_metric) ||
          plateau.numel() != 2 || counters.numel() != 3)
        throw DataError(path.string() + ": has no training-loop state to resume from (written by an older Cradle?)");
      torch::Tensor generator;
      if (loop_archive.try_read("cpu_generator", generator)) loop->cpu_generator = generator;
      torch::Tensor cuda_generator;
      if (loop_archive.try_read("cuda_generator", cuda_generator)) loop->cuda_generator = cuda_generator;
      loop->plateau_scale = plateau[0].item<double>();
      loop->plateau_best = plateau[1].item<double>();
      loop->plateau_bad_epochs = counters[0].item<std::int64_t>();
      loop->best_epoch = counters[1].item<std::int64_t>();
      loop->epochs_without_improvement = counters[2].item<std::int64_t>();
      loop->best_metric = best_metric.item<double>();
      torch::Tensor kl_coefficient;
      if (loop_archive.try_read("kl_coefficient", kl_coefficient)) loop->kl_coefficient = kl_coefficient.item<double>();
    }
    return {epoch.item<std::int64_t>(), step.item<std::int64_t>()};
  } catch (const c10::Error& error) {
    throw DataError(path.string() + ": corrupt checkpoint (" + first_line(error.what_without_backtrace()) + ")");
  }
}

std::string EpochCheckpoints::file_name(std::int64_t epoch) {
  char name[32];
  std::snprintf(name, sizeof name, "epoch-%04lld.pt", static_cast<long long>(epoch));
  return name;
}

EpochCheckpoints::EpochCheckpoints(std::int64_t keep, const fs::path& dir) : keep_(keep) {
  std::error_code ec;
  if (dir.empty()) return;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (is_epoch_checkpoint(name) && entry.path().extension() == ".pt") files_.push_back(entry.path());
  }
  std::sort(files_.begin(), files_.end());  // epoch-0001.pt, epoch-0002.pt, ...: oldest first
}

void EpochCheckpoints::added(const fs::path& path) {
  if (std::find(files_.begin(), files_.end(), path) == files_.end()) files_.push_back(path);
  while (static_cast<std::int64_t>(files_.size()) > keep_) {
    std::error_code ec;
    fs::remove(files_.front(), ec);
    files_.erase(files_.begin());
  }
}

void save_model_weights(const fs::path& path, const torch::nn::Module& model) {
  torch::serialize::OutputArchive archive;
  model.save(archive);
  save_archive_atomically(path, archive);
}

void load_model_weights(const fs::path& path, torch::nn::Module& model) {
  auto archive = open_archive(path);
  try {
    read_module_state(archive, model, path, "");
  } catch (const c10::Error& error) {
    throw DataError(path.string() + ": corrupt model file (" + first_line(error.what_without_backtrace()) + ")");
  }
}

}  // namespace cradle
