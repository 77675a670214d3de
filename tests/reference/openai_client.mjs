// A real client nobody here wrote against `cradle-cli serve`'s OpenAI API:
// OpenAI's official JavaScript package (`openai`, from the npm registry,
// installed by scripts/install-deps.sh).
//
//   node openai_client.mjs NPM_ROOT BASE_URL API_KEY MODEL chat|completions
//
// Prints one JSON object: the model list, a plain and a streamed answer at
// temperature 0 (text, finish_reason, usage, chunk count), two choices of one
// sampled request, and the errors the client raised for a bad temperature,
// a wrong key, tools, and an unknown model (status, type, param, code).
import { createRequire } from "node:module";
import path from "node:path";

const [npmRoot, baseURL, apiKey, model, mode] = process.argv.slice(2);
const require = createRequire(path.join(npmRoot, "package.json"));
const OpenAI = require("openai");

const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 60000 });
const chat = mode === "chat";
const request = (extra) =>
  chat
    ? { model, messages: [{ role: "user", content: "the cat" }], max_tokens: 12, temperature: 0, ...extra }
    : { model, prompt: "the cat", max_tokens: 12, temperature: 0, ...extra };
const create = (body) => (chat ? client.chat.completions.create(body) : client.completions.create(body));
const textOf = (choice) => (chat ? choice.message.content : choice.text);

async function caught(promise) {
  try {
    await promise;
    return { status: 0 };
  } catch (error) {
    return { status: error.status ?? -1, type: error.type ?? null, param: error.param ?? null,
             code: error.code ?? null, message: String(error.message) };
  }
}

const out = {};
const models = await client.models.list();
out.models = models.data.map((m) => m.id);

const plain = await create(request({ seed: 7 }));
out.plain = { object: plain.object, text: textOf(plain.choices[0]), finish_reason: plain.choices[0].finish_reason,
              usage: plain.usage, id: plain.id };

let streamed = "", chunks = 0, finish = null, usage = null, role = null;
const stream = await create(request({ seed: 7, stream: true, stream_options: { include_usage: true } }));
for await (const chunk of stream) {
  chunks += 1;
  if (chunk.usage) usage = chunk.usage;
  for (const choice of chunk.choices) {
    if (chat) {
      if (choice.delta.role) role = choice.delta.role;
      streamed += choice.delta.content ?? "";
    } else {
      streamed += choice.text ?? "";
    }
    if (choice.finish_reason) finish = choice.finish_reason;
  }
}
out.streamed = { text: streamed, finish_reason: finish, usage, chunks, role };

const two = await create(request({ n: 2, temperature: 1, seed: 3 }));
out.choices = two.choices.map((c) => ({ index: c.index, text: textOf(c) }));

out.bad_temperature = await caught(create(request({ temperature: 5 })));
out.wrong_key = await caught(new OpenAI({ baseURL, apiKey: apiKey + "x", maxRetries: 0 }).models.list());
out.tools = await caught(
  create(request({ tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }] })));
out.unknown_model = await caught(create(request({ model: "gpt-4o" })));
console.log(JSON.stringify(out));
