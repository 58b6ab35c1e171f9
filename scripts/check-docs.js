#!/usr/bin/env node
/*
 * Part of `npm run lint`: the README and docs/ link to each other by file and heading, and a renamed
 * heading or a moved file would leave a dead link nobody notices. Checks every relative Markdown link
 * (file and #anchor) in README.md and docs/*.md, and that the README stays a front door.
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const README_MAX_LINES = 150;

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown) {
  const anchors = new Set();
  const seen = new Map();
  for (const line of withoutFences(markdown).split('\n')) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = heading[1]
      .replace(/`/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** A `#` at the start of a line in a fenced block is a shell comment, not a heading. */
function withoutFences(markdown) {
  return markdown.replace(/^```[\s\S]*?^```/gm, '');
}

/** Fenced blocks and inline code hold examples, not links. */
function withoutCode(markdown) {
  return withoutFences(markdown).replace(/`[^`\n]*`/g, '');
}

function linksOf(markdown) {
  return [...withoutCode(markdown).matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)].map((match) => match[1]);
}

function deadLinks(file) {
  const text = fs.readFileSync(file, 'utf8');
  const dead = [];
  for (const link of linksOf(text)) {
    if (/^[a-z]+:/i.test(link)) continue; // http(s), mailto: not ours to check offline
    const [target, anchor] = link.split('#');
    const targetFile = target === '' ? file : path.resolve(path.dirname(file), target);
    if (!fs.existsSync(targetFile)) {
      dead.push(`${link}: no such file`);
      continue;
    }
    if (anchor !== undefined && targetFile.endsWith('.md')) {
      if (!anchorsOf(fs.readFileSync(targetFile, 'utf8')).has(anchor)) dead.push(`${link}: no such heading`);
    }
  }
  return dead;
}

function main() {
  const docsDir = path.join(root, 'docs');
  const files = [
    path.join(root, 'README.md'),
    ...fs
      .readdirSync(docsDir)
      .filter((name) => name.endsWith('.md'))
      .map((name) => path.join(docsDir, name)),
  ];
  const problems = [];
  for (const file of files) {
    for (const dead of deadLinks(file)) problems.push(`${path.relative(root, file)}: ${dead}`);
  }
  const readmeLines = fs.readFileSync(path.join(root, 'README.md'), 'utf8').trimEnd().split('\n').length;
  if (readmeLines > README_MAX_LINES) {
    problems.push(
      `README.md: ${readmeLines} lines; the front door stays within ${README_MAX_LINES}, details go to docs/`,
    );
  }
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  console.log(`docs: ${files.length} files, links resolve`);
}

if (require.main === module) main();

module.exports = { anchorsOf, linksOf };
