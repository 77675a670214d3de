// The independent reference for Cradle's chat templates
// (core/text/jinja/jinja_template.h): the Hub's JavaScript Jinja
// (@huggingface/jinja), installed from the npm registry by
// scripts/install-deps.sh.
//
//   node chat_template_reference.mjs NPM_ROOT CASES_JSON
//
// CASES_JSON is a list of {"template": ..., "variables": {...}}. Prints one
// JSON object per case: {"text": "..."} or {"error": "..."}.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";

const [npmRoot, casesFile] = process.argv.slice(2);
const require = createRequire(path.join(npmRoot, "package.json"));
const { Template } = require("@huggingface/jinja");

for (const { template, variables } of JSON.parse(readFileSync(casesFile, "utf8"))) {
  try {
    // (the package defines raise_exception itself)
    console.log(JSON.stringify({ text: new Template(template).render(variables) }));
  } catch (error) {
    console.log(JSON.stringify({ error: String(error.message) }));
  }
}
