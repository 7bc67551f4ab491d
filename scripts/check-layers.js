#!/usr/bin/env node
/**
 * Fails (exit 1) when a module imports from a higher layer. The layers, lowest first, are written
 * once in a JSON file (default scripts/layers.json): each is a list of paths under the root, a
 * folder or a file; a file belongs to the longest path that holds it. A module may import its own
 * layer and the layers below; type-only imports count too. A module in no layer fails the check,
 * so that every new folder is placed.
 *
 *   node scripts/check-layers.js [root] [layers.json]     # default: src scripts/layers.json
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const repo = path.resolve(__dirname, '..');
const root = path.resolve(repo, process.argv[2] ?? 'src');
const layersFile = path.resolve(repo, process.argv[3] ?? 'scripts/layers.json');
const { layers } = JSON.parse(fs.readFileSync(layersFile, 'utf8'));

/** [relative path, layer index, layer name] for every path, longest first. */
const places = layers
  .flatMap((layer, index) => layer.paths.map((p) => [p.replace(/\/+$/, ''), index, layer.name]))
  .sort((a, b) => b[0].length - a[0].length);

function layerOf(file) {
  const rel = path.relative(root, file).split(path.sep).join('/');
  for (const [p, index, name] of places) {
    if (rel === p || rel.startsWith(`${p}/`)) return { index, name };
  }
  return null;
}

function sources(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The relative specifiers a module imports or re-exports (static, dynamic, type-only). */
function specifiers(text) {
  const found = [];
  const patterns = [/\b(?:import|export)\s[^;]*?\sfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) if (match[1].startsWith('.')) found.push(match[1]);
  return found;
}

function resolveImport(from, spec) {
  const base = path.resolve(path.dirname(from), spec.replace(/\.js$/, ''));
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return null;
}

const problems = [];
const files = sources(root);
for (const file of files) {
  const rel = path.relative(repo, file);
  const own = layerOf(file);
  if (!own) {
    problems.push(`${rel} is in no layer of ${path.relative(repo, layersFile)}`);
    continue;
  }
  const text = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  for (const spec of specifiers(text)) {
    const target = resolveImport(file, spec);
    if (!target || !target.startsWith(root + path.sep)) continue;
    const theirs = layerOf(target);
    if (theirs && theirs.index > own.index) {
      problems.push(`${rel} (${own.name}) imports ${path.relative(repo, target)} (${theirs.name}), a higher layer`);
    }
  }
}

if (problems.length > 0) {
  console.error(`${problems.length} import(s) against the layers (${layers.map((l) => l.name).join(' < ')}):`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`layers: ${files.length} modules, every import points to its own layer or a lower one (${layers.map((l) => l.name).join(' < ')})`);
