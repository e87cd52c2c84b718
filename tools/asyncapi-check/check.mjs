// Parses an AsyncAPI document with @asyncapi/parser and reports every error it finds.
// Usage: node check.mjs <document.json>; exit status 1 if the document has errors.
import { readFile } from "node:fs/promises";
import { Parser, DiagnosticSeverity } from "@asyncapi/parser";

const path = process.argv[2];
if (!path) {
  console.error("usage: node check.mjs <asyncapi document>");
  process.exit(2);
}
const { document, diagnostics } = await new Parser().parse(await readFile(path, "utf8"));
const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
for (const d of errors) {
  console.log(`error ${d.code} at ${d.path.join(".") || "(document)"}: ${d.message}`);
}
console.log(
  JSON.stringify({ errors: errors.length, warnings: diagnostics.length - errors.length, parsed: document !== undefined })
);
process.exit(errors.length === 0 && document !== undefined ? 0 : 1);
