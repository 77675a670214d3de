#pragma once
// An evaluation written for people and programs: report.json (every metric),
// report.html (self-contained: metrics tables, the confusion matrix as a
// coloured table, per-class bars, thumbnails embedded as PNG, charts as
// inline SVG, generated text; no script, no network) and predictions.csv
// (one row per sample, so anyone can recompute the metrics).
#include <filesystem>
#include <string>
#include <vector>

#include "core/eval/evaluation_result.h"
#include "core/experiment/json_object_reader.h"

namespace cradle {

Json evaluation_to_json(const EvaluationResult& result);
std::string evaluation_to_html(const EvaluationResult& result);
std::string predictions_csv(const EvaluationResult& result);

// <run>/evaluation/<split>-<checkpoint>, the checkpoint a file's stem when a file was given.
std::filesystem::path default_evaluation_dir(const EvaluationResult& result);

// Writes the three files into `dir` (created, or replaced whole) and returns
// their paths; on failure (a full disk) `dir` is as it was.
std::vector<std::filesystem::path> write_evaluation_report(const EvaluationResult& result,
                                                           const std::filesystem::path& dir);

// Text with &, <, >, " and ' escaped for HTML.
std::string html_escape(const std::string& text);

}  // namespace cradle
