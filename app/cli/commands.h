#pragma once
// The cradle-cli subcommands. Each returns the process exit code and throws
// cradle::Error for bad input, which main() turns into one line.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/eval/text_generation.h"
#include "core/run/pruning_experiment.h"
#include "core/train/learning_rate_range.h"

namespace cradle::cli {

// The experiment file and its --set overrides: what inspect and the data commands read.
struct ExperimentRequest {
  std::filesystem::path experiment_file;
  std::vector<std::string> overrides;
};

// Validates the experiment; prints what it trains, its model's layer table and the schedule.
int inspect(const ExperimentRequest& request);
struct EvaluateRequest {
  std::filesystem::path run_dir;
  std::string split = "test";
  std::string checkpoint = "last";
  std::filesystem::path out;  // default <run>/evaluation/<split>-<checkpoint>
};
// Prints the metrics; writes report.json, report.html and predictions.csv.
int evaluate(const EvaluateRequest& request);

struct GenerateRequest {
  std::filesystem::path run_dir;  // a run folder, or a Hugging Face model folder
  std::string checkpoint = "last";
  std::string prompt;
  SamplingOptions sampling;
  bool plain_text = false;        // a model folder's prompt continued as text, not put in its chat template
  std::string weights = "auto";   // a model folder's weights while generating: auto | float32 | bfloat16
  std::filesystem::path adapter;  // a model folder: a peft LoRA adapter folded in first
};
// Streams the continuation to stdout, the speed to stderr.
int generate(const GenerateRequest& request);

struct PipelineRequest {
  std::filesystem::path file;
  std::filesystem::path out;  // default runs/<pipeline name>
};
// The stages of a pipeline file, each in a folder named after it; completed
// stages are skipped, stopped ones resumed.
int run_pipeline(const PipelineRequest& request);

struct ExportRequest {
  std::filesystem::path run_dir;  // a run folder, or a Hugging Face model folder (--format gguf | hf)
  std::filesystem::path out;      // a bundle folder, NAME.cradle for one zip file, NAME.gguf, or a Hub folder
  std::string format = "bundle";  // "bundle" | "gguf" | "hf"
  std::string gguf_type = "f16";  // gguf: the matrices' type, f32 | f16 | q8_0
  std::string dtype;              // hf: float32 | float16 | bfloat16; default the source's
  std::filesystem::path adapter;  // gguf, hf: a peft LoRA adapter merged into the model folder's weights
  bool onnx = false;              // also model/model.onnx, checked against ONNX Runtime and OpenCV
};
// Writes a model bundle of a finished run (core/export/model_bundle.h), or a
// GGUF file and Ollama Modelfile (core/hub/hub_gguf_export.h) or a Hub folder
// (core/hub/hub_folder_export.h) of a Hugging Face model folder, and prints what it holds.
int export_bundle(const ExportRequest& request);

struct MergeRequest {
  std::filesystem::path model;    // a Hugging Face model folder
  std::filesystem::path adapter;  // a peft LoRA adapter folder for it
  std::filesystem::path out;      // the merged Hub folder to create
  std::string dtype;              // float32 | float16 | bfloat16; default the model folder's
};
// The adapter folded into the model's weights, written as a Hub folder.
int merge_adapter(const MergeRequest& request);

struct PredictRequest {
  std::filesystem::path bundle;
  std::vector<std::string> inputs;  // image files, texts or prompts, by the bundle's kind
  std::int64_t top_k = 3;
  bool json = false;  // one JSON object per input, a line each
  SamplingOptions sampling;
};
int predict(const PredictRequest& request);

struct ServeRequest {
  std::filesystem::path bundle;
  std::string host = "127.0.0.1";
  int port = 8080;
  int threads = 32;
  int max_connections_per_client = 16;
  bool host_given = false;  // --host on the command line: otherwise loopback only
  std::string api_key;      // --api-key, or the CRADLE_API_KEY environment variable
  int max_batch = 32;
};
// Serves the bundle over HTTP until Ctrl+C (core/serve/prediction_service.h).
int serve(const ServeRequest& request);

struct PruneRequest : PruningStageRequest {  // the stage (core/run/pruning_experiment.h) and where its run goes
  std::filesystem::path out_dir;
};
// Stage prune of a finished run (its frozen experiment with the stage added), trained in the terminal.
int prune(const PruneRequest& request);

struct DistillRequest {
  std::filesystem::path teacher_run;
  std::filesystem::path student_experiment;
  double alpha = -1;       // < 0: the default 0.5
  double temperature = 0;  // 0: the default 2
  std::vector<std::string> overrides;
  std::filesystem::path out_dir;
};
// Stage distill: the student experiment trained from the teacher run, in the terminal.
int distill(const DistillRequest& request);

struct QuantizeRequest {
  std::filesystem::path run_dir;
  std::filesystem::path out_dir;  // default <run>-int8
  std::string engine = "auto";
};
// Writes the int8 run folder (core/run/run_quantization.h) and prints the comparison.
int quantize(const QuantizeRequest& request);

struct CompareRequest {
  std::vector<std::filesystem::path> runs;  // two or more run folders
};
// Side by side: the experiment fields that differ, and every final metric.
int compare(const CompareRequest& request);

struct DataStatsRequest : ExperimentRequest {
  std::filesystem::path out;  // also the statistics as JSON, when given
};
// Prints the dataset statistics.
int data_stats(const DataStatsRequest& request);

struct DataTokenizeRequest : ExperimentRequest {
  std::filesystem::path out_dir;    // the corpus folder to create
  std::filesystem::path tokenizer;  // a tokenizer.json (such as a run's) to write with instead of training one
  bool stream = false;              // one input file in memory at a time (TokenCorpusWriteOptions::stream)
};
// Writes the experiment's text as a token corpus folder (core/data/token_corpus.h)
// and prints the experiment fields that train on it.
int data_tokenize(const DataTokenizeRequest& request);

struct DataPreviewRequest : ExperimentRequest {
  std::filesystem::path out_dir;
  std::int64_t samples = 8;  // per preprocessing step
};
// Writes before/after samples of every preprocessing step into out_dir.
int data_preview(const DataPreviewRequest& request);

struct RunsRequest {
  std::filesystem::path runs_dir = "runs";
  std::string experiment;  // only this experiment's runs, when given
};
// The runs in a folder, newest first.
int list_runs(const RunsRequest& request);

// The data cache: its entries; trimmed to a size; emptied.
struct CachePruneRequest {
  std::string max_size;  // "2G", "500M"; empty: the configured limit
};
int cache_list();
int cache_prune(const CachePruneRequest& request);
int cache_clear();

struct LearningRateFindRequest {
  std::filesystem::path experiment_file;
  std::vector<std::string> overrides;
  LearningRateRange range;
  std::filesystem::path out;  // the curve as JSON, when given
};
// The range test (core/run/learning_rate_finder.h): the curve, the suggested
// rate and the command to train at it; 1 when the loss never fell.
int find_learning_rate(const LearningRateFindRequest& request);

struct SweepRequest {
  std::filesystem::path sweep_file;
  std::filesystem::path out;  // default runs/<sweep name>
  std::int64_t parallel = 0;  // 0: the file's
};
// Runs (or continues) a sweep (core/tune/sweep_runner.h): trials one at a time
// in this process, or `parallel` cradle-cli processes at once; prints the ranking.
int sweep(const SweepRequest& request);

}  // namespace cradle::cli
