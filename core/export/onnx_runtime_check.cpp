#include "core/export/onnx_runtime_check.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <torch/torch.h>
#include <unistd.h>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include <cerrno>
#include <cstdlib>
#include <filesystem>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/experiment/json_object_reader.h"

extern char** environ;

namespace cradle {
namespace fs = std::filesystem;
namespace {

torch::Tensor reference_outputs(torch::nn::Sequential& model, const torch::Tensor& inputs) {
  torch::NoGradGuard no_grad;
  model->eval();
  return model->forward(inputs).to(torch::kFloat32).contiguous();
}

// Runs a session over the inputs named in the request file, writes each
// output's float32 values next to it and a result file naming the runtime.
constexpr const char* kRunnerScript = R"JS(
const fs = require('fs');
const path = require('path');
const [packageDir, requestFile] = process.argv.slice(2);
const ort = require(packageDir);
(async () => {
  const request = JSON.parse(fs.readFileSync(requestFile, 'utf8'));
  const session = await ort.InferenceSession.create(request.model, { intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
  const outputs = [];
  for (const [i, input] of request.inputs.entries()) {
    const bytes = Uint8Array.from(fs.readFileSync(input.file));  // a copy: typed arrays need aligned buffers
    const data = input.type === 'int64' ? new BigInt64Array(bytes.buffer) : new Float32Array(bytes.buffer);
    const result = await session.run({ [request.input_name]: new ort.Tensor(input.type, data, input.dims) });
    const tensor = result[request.output_name];
    const file = path.join(path.dirname(requestFile), `output_${i}.bin`);
    fs.writeFileSync(file, Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
    outputs.push({ file, dims: tensor.dims, type: tensor.type });
  }
  fs.writeFileSync(path.join(path.dirname(requestFile), 'result.json'),
                   JSON.stringify({ runtime: 'ONNX Runtime ' + ort.env.versions.common, outputs }));
})().catch((error) => { console.error(error && error.message ? error.message : String(error)); process.exit(1); });
)JS";

bool is_executable_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (!path) return false;
  std::string entries = path;
  std::size_t start = 0;
  while (start <= entries.size()) {
    const std::size_t end = entries.find(':', start);
    const std::string dir = entries.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!dir.empty() && ::access((fs::path(dir) / program).c_str(), X_OK) == 0) return true;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return false;
}

// Runs `node script args...` with its output in `log`; the exit status.
int run_node(const std::vector<std::string>& args, const fs::path& log) {
  std::vector<char*> argv;
  std::vector<std::string> owned = {"node"};
  owned.insert(owned.end(), args.begin(), args.end());
  for (auto& a : owned) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, "node", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

OnnxRuntimeCheck check_onnx_with_opencv(const OnnxGraph& graph, torch::nn::Sequential& model,
                                        const torch::Tensor& inputs, double tolerance) {
  OnnxRuntimeCheck check;
  check.runtime = std::string("OpenCV DNN ") + CV_VERSION;
  check.tolerance = tolerance;
  if (graph.token_input)
    throw OnnxRuntimeUnable("ONNX check: OpenCV's DNN module " CV_VERSION
                            " cannot run token models (Gather with computed indices); "
                            "ONNX Runtime checks them");
  cv::dnn::Net net;
  try {
    net = cv::dnn::readNetFromONNX(graph.bytes.data(), graph.bytes.size());
  } catch (const cv::Exception& error) {
    throw OnnxRuntimeUnable("OpenCV " CV_VERSION " cannot read the graph: " + std::string(error.what()));
  }
  const auto x = inputs.to(torch::kCPU, torch::kFloat32).contiguous();
  const auto expected = reference_outputs(model, x);
  std::vector<int> dims(x.sizes().begin(), x.sizes().end());
  cv::Mat blob(static_cast<int>(dims.size()), dims.data(), CV_32F, const_cast<float*>(x.data_ptr<float>()));
  net.setInput(blob);
  cv::Mat result;
  try {
    result = net.forward();
  } catch (const cv::Exception& error) {
    throw OnnxRuntimeUnable("OpenCV " CV_VERSION " cannot run the graph: " + std::string(error.what()));
  }
  if (static_cast<std::int64_t>(result.total()) != expected.numel())
    throw Error("ONNX export: OpenCV's output has " + std::to_string(result.total()) + " values, LibTorch's " +
                std::to_string(expected.numel()));
  const auto got = torch::from_blob(result.ptr<float>(), {expected.numel()}, torch::kFloat32);
  check.samples = x.size(0);
  check.max_abs_difference = (got - expected.reshape({-1})).abs().max().item<double>();
  check.passed = check.max_abs_difference <= tolerance;
  return check;
}

std::optional<std::string> find_onnxruntime_node() {
  if (!is_executable_on_path("node")) return std::nullopt;
  std::vector<fs::path> candidates;
  if (const char* named = std::getenv("CRADLE_ONNXRUNTIME_NODE"); named && *named) {
    candidates.push_back(named);
    candidates.push_back(fs::path(named) / "node_modules" / "onnxruntime-node");
  }
  for (const char* root : {"/usr/local/lib/cradle", "/usr/lib/cradle"})
    candidates.push_back(fs::path(root) / "node_modules" / "onnxruntime-node");
  for (const auto& c : candidates)
    if (fs::exists(c / "package.json") && fs::exists(c / "dist")) return fs::absolute(c).string();
  return std::nullopt;
}

OnnxRuntimeCheck check_onnx_with_onnxruntime(const OnnxGraph& graph, torch::nn::Sequential& model,
                                             const std::vector<torch::Tensor>& batches, double tolerance) {
  const auto package = find_onnxruntime_node();
  if (!package)
    throw OnnxRuntimeUnable(
        "ONNX check: ONNX Runtime is not installed (Node.js with the onnxruntime-node package; scripts/install-deps.sh "
        "installs both, CRADLE_ONNXRUNTIME_NODE names another copy)");
  char pattern[] = "/tmp/cradle-onnxruntime.XXXXXX";
  if (!::mkdtemp(pattern)) throw IoError("ONNX check: cannot create a temporary folder under /tmp");
  const fs::path dir = pattern;
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ignored;
      fs::remove_all(dir, ignored);
    }
  } cleanup{dir};
  write_text_atomically(dir / "model.onnx", graph.bytes);
  write_text_atomically(dir / "runner.js", kRunnerScript);
  Json request = {{"model", (dir / "model.onnx").string()},
                  {"input_name", graph.input_name},
                  {"output_name", graph.output_name},
                  {"inputs", Json::array()}};
  std::vector<torch::Tensor> expected;
  for (std::size_t i = 0; i < batches.size(); ++i) {
    const auto input = graph.token_input ? batches[i].to(torch::kCPU, torch::kInt64).contiguous()
                                         : batches[i].to(torch::kCPU, torch::kFloat32).contiguous();
    const fs::path file = dir / ("input_" + std::to_string(i) + ".bin");
    write_text_atomically(file, std::string(static_cast<const char*>(input.data_ptr()), input.nbytes()));
    request["inputs"].push_back(
        {{"file", file.string()}, {"dims", input.sizes().vec()}, {"type", graph.token_input ? "int64" : "float32"}});
    expected.push_back(reference_outputs(model, input));
  }
  write_text_atomically(dir / "request.json", request.dump());
  const int status =
      run_node({(dir / "runner.js").string(), *package, (dir / "request.json").string()}, dir / "log.txt");
  if (status != 0) {
    std::string log = fs::exists(dir / "log.txt") ? read_file(dir / "log.txt") : "";
    while (!log.empty() && (log.back() == '\n' || log.back() == ' ')) log.pop_back();
    throw OnnxRuntimeUnable("ONNX check: ONNX Runtime (" + *package + ") could not run the graph (exit " +
                            std::to_string(status) + "): " + (log.empty() ? "no message" : log.substr(0, 2000)));
  }
  const Json result = Json::parse(read_file(dir / "result.json"));
  OnnxRuntimeCheck check;
  check.runtime = result["runtime"].get<std::string>();
  check.tolerance = tolerance;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const Json& output = result["outputs"][i];
    const std::string bytes = read_file(output["file"].get<std::string>());
    if (output["dims"].get<std::vector<std::int64_t>>() != expected[i].sizes().vec() ||
        bytes.size() != static_cast<std::size_t>(expected[i].numel()) * sizeof(float))
      throw Error("ONNX check: ONNX Runtime's output has shape " + output["dims"].dump() + ", LibTorch's " +
                  Json(expected[i].sizes().vec()).dump());
    const auto got = torch::from_blob(const_cast<char*>(bytes.data()), {expected[i].numel()}, torch::kFloat32);
    check.max_abs_difference =
        std::max(check.max_abs_difference, (got - expected[i].reshape({-1})).abs().max().item<double>());
    check.samples += expected[i].size(0);
  }
  check.passed = check.max_abs_difference <= tolerance;
  return check;
}

}  // namespace cradle
