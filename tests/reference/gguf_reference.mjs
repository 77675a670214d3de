// The Hub's own GGUF reader (@huggingface/gguf, installed from the npm registry
// by scripts/install-deps.sh) on a file Cradle wrote
// (core/hub/hub_gguf_export.h): it parses the header, metadata and tensor
// infos, or throws.
//
//   node gguf_reference.mjs NPM_ROOT FILE
//
// Prints one JSON object: {"metadata": {key: {"type": T, "value": V}},
// "tensors": [{"name", "shape", "dtype", "offset"}], "tensorDataOffset": N,
// "parameterCount": N}. Big integers print as numbers; long arrays as their
// length and first and last elements.
import { createRequire } from "node:module";
import path from "node:path";

const [npmRoot, file] = process.argv.slice(2);
const require = createRequire(path.join(npmRoot, "package.json"));
const { gguf } = require("@huggingface/gguf");

const plain = (value) => (typeof value === "bigint" ? Number(value) : value);
const { typedMetadata, tensorInfos, tensorDataOffset, parameterCount } = await gguf(path.resolve(file), {
  allowLocalFile: true,
  typedMetadata: true,
  computeParametersCount: true,
});
const metadata = {};
for (const [key, { type, value, subType }] of Object.entries(typedMetadata)) {
  metadata[key] = Array.isArray(value)
    ? { type, subType, length: value.length, first: plain(value[0]), last: plain(value[value.length - 1]) }
    : { type, value: plain(value) };
}
console.log(
  JSON.stringify({
    metadata,
    tensors: tensorInfos.map((t) => ({ name: t.name, shape: t.shape.map(plain), dtype: t.dtype, offset: plain(t.offset) })),
    tensorDataOffset: plain(tensorDataOffset),
    parameterCount,
  }),
);
