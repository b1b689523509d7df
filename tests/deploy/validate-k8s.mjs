// Validates every document of the generated Kubernetes manifests against the Kubernetes schemas, offline
// (npm kubernetes-models). Usage: node tests/deploy/validate-k8s.mjs DIR... (default: deploy/kubernetes).
// The schemas do not reject unknown fields, so an unknown kind or a document without one fails here instead.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { loadAll } from "js-yaml";

const roots = process.argv.length > 2 ? process.argv.slice(2) : ["deploy/kubernetes"];
const files = roots.flatMap(function list(path) {
  return statSync(path).isDirectory()
    ? readdirSync(path).sort().flatMap((name) => list(join(path, name)))
    : /\.ya?ml$/.test(path) ? [path] : [];
});

let documents = 0;
const failures = [];
for (const file of files) {
  for (const doc of loadAll(readFileSync(file, "utf8"))) {
    if (doc == null) continue;
    documents++;
    const where = `${file}: ${doc.kind ?? "?"}/${doc.metadata?.name ?? "?"}`;
    try {
      if (typeof doc.apiVersion !== "string" || typeof doc.kind !== "string") {
        throw new Error("apiVersion and kind are required");
      }
      const group = await import(`kubernetes-models/${doc.apiVersion}`).catch(() => {
        throw new Error(`unknown apiVersion ${doc.apiVersion}`);
      });
      const Model = group[doc.kind];
      if (typeof Model !== "function") throw new Error(`unknown kind ${doc.kind} in ${doc.apiVersion}`);
      new Model(doc).validate();
    } catch (error) {
      failures.push(`${where}: ${error.message}`);
    }
  }
}

if (files.length === 0 || documents === 0) failures.push(`no Kubernetes documents under ${roots.join(", ")}`);
for (const failure of failures) console.error(`invalid: ${failure}`);
console.log(`${documents} Kubernetes documents in ${files.length} files: ${failures.length === 0 ? "valid" : `${failures.length} invalid`}`);
process.exit(failures.length === 0 ? 0 : 1);
