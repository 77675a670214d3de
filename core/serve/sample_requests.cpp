#include "core/serve/sample_requests.h"

#include "core/data/table_encoding.h"

namespace cradle {

std::string served_model_id(const ModelBundle& bundle) {
  const std::string id = bundle.manifest.value("experiment", "");
  return id.empty() ? bundle.dir.filename().string() : id;
}

std::vector<SampleRequest> sample_requests(const ModelBundle& bundle, const std::string& address, bool api_key) {
  const std::string auth = api_key ? " -H \"Authorization: Bearer $CRADLE_API_KEY\"" : "";
  const std::string curl = "curl -s" + auth + " " + address;
  std::vector<SampleRequest> samples;
  if (bundle.experiment.task != Task::LanguageModel) {
    std::string body;
    if (bundle.input.kind == "image")
      body = "-d \"{\\\"inputs\\\": [\\\"$(base64 -w0 image.png)\\\"]}\"";
    else if (bundle.input.table)
      body = "-d '{\"inputs\": [" + example_table_row(*bundle.input.table).dump() + "]}'";
    else
      body = "-d '{\"inputs\": [\"some text\"]}'";
    samples.push_back({"curl", "sh", curl + "/v1/predict " + body});
    return samples;
  }
  const std::string model = served_model_id(bundle);
  samples.push_back({"curl", "sh", curl + "/v1/generate -d '{\"prompt\": \"Hello\", \"max_tokens\": 32}'"});
  const bool chat = bundle.chat;
  const std::string openai_body =
      chat ? "{\"model\": \"" + model + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Hello\"}]}"
           : "{\"model\": \"" + model + "\", \"prompt\": \"Hello\", \"max_tokens\": 32}";
  samples.push_back({"curl, OpenAI's API", "sh",
                     curl + (chat ? "/v1/chat/completions" : "/v1/completions") +
                         " -H 'Content-Type: application/json' -d '" + openai_body + "'"});
  const std::string python_key = api_key ? "os.environ[\"CRADLE_API_KEY\"]" : "\"none\"";
  samples.push_back({"Python (openai)", "python",
                     std::string(api_key ? "import os\n" : "") +
                         "from openai import OpenAI\nclient = OpenAI(base_url=\"" + address +
                         "/v1\", api_key=" + python_key + ")\n" +
                         (chat ? "reply = client.chat.completions.create(model=\"" + model +
                                     "\", messages=[{\"role\": \"user\", \"content\": \"Hello\"}])\n"
                                     "print(reply.choices[0].message.content)"
                               : "reply = client.completions.create(model=\"" + model +
                                     "\", prompt=\"Hello\", max_tokens=32)\nprint(reply.choices[0].text)")});
  const std::string js_key = api_key ? "process.env.CRADLE_API_KEY" : "\"none\"";
  samples.push_back(
      {"JavaScript (openai)", "javascript",
       "import OpenAI from \"openai\";\nconst client = new OpenAI({ baseURL: \"" + address +
           "/v1\", apiKey: " + js_key + " });\n" +
           (chat ? "const reply = await client.chat.completions.create({ model: \"" + model +
                       "\", messages: [{ role: \"user\", content: \"Hello\" }] });\n"
                       "console.log(reply.choices[0].message.content);"
                 : "const reply = await client.completions.create({ model: \"" + model +
                       "\", prompt: \"Hello\", max_tokens: 32 });\nconsole.log(reply.choices[0].text);")});
  return samples;
}

}  // namespace cradle
