#pragma once
// Requests that work against `cradle-cli serve` for one bundle, ready to copy:
// what the command prints when it starts and what the export dialog's *Serve*
// shows. Language models get Cradle's own /v1/generate, OpenAI's endpoint
// (chat where the model has a chat format, plain completions otherwise) with
// curl, and OpenAI's Python and JavaScript clients; classifiers and
// regressors a /v1/predict that fits their input. core.OpenAiApiTest runs the
// curl and JavaScript ones against a running service.
#include <string>
#include <vector>

#include "core/export/model_bundle.h"

namespace cradle {

struct SampleRequest {
  std::string title;     // "curl", "curl, OpenAI's API", "Python (openai)", "JavaScript (openai)"
  std::string language;  // "sh", "python" or "javascript"
  std::string code;
};

// The name the service gives the bundle's model (GET /v1/models, OpenAI's "model" field):
// the experiment's name, or the model folder's.
std::string served_model_id(const ModelBundle& bundle);

// `address`: http://HOST:PORT. With `api_key`, the samples read the key from $CRADLE_API_KEY.
std::vector<SampleRequest> sample_requests(const ModelBundle& bundle, const std::string& address, bool api_key);

}  // namespace cradle
