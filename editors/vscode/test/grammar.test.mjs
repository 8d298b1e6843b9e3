// Tokenises every sample policy with the TextMate grammar, through vscode-textmate and the
// Oniguruma regex engine VS Code itself uses, and checks the scopes of keywords, declared
// names, comments, strings and numbers. Run with `npm test` (node's built-in test runner).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import vsctm from "vscode-textmate";
import oniguruma from "vscode-oniguruma";

const here = dirname(fileURLToPath(import.meta.url));
const repository = join(here, "..", "..", "..");
const require = createRequire(import.meta.url);

await oniguruma.loadWASM(readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer);
const registry = new vsctm.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
    createOnigString: (text) => new oniguruma.OnigString(text),
  }),
  loadGrammar: async () => vsctm.parseRawGrammar(readFileSync(join(here, "..", "syntaxes", "owner.tmLanguage.json"), "utf8"), "owner.tmLanguage.json"),
});
const grammar = await registry.loadGrammar("source.owner");

/** Every token of a text: its line, start column, text and innermost scope. */
function tokenize(text) {
  const tokens = [];
  let state = vsctm.INITIAL;
  text.split(/\r\n|\r|\n/).forEach((line, lineNumber) => {
    const result = grammar.tokenizeLine(line, state);
    for (const token of result.tokens) {
      tokens.push({ line: lineNumber, start: token.startIndex, text: line.slice(token.startIndex, token.endIndex), scopes: token.scopes });
    }
    state = result.ruleStack;
  });
  return tokens;
}

const scopeAt = (tokens, line, column) => {
  const token = tokens.find((t) => t.line === line && t.start <= column && column < t.start + t.text.length);
  return token ? token.scopes[token.scopes.length - 1] : undefined;
};

function samples(folder = join(repository, "samples")) {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return samples(path);
    return name.endsWith(".owner") ? [path] : [];
  });
}

/** The language's keywords, from the lexer grammar (the source of truth). */
const keywords = [...readFileSync(join(repository, "grammar", "OwnerLexer.g4"), "utf8").matchAll(/^[A-Z_]+\s*:\s*'([a-z]+)'\s*;/gm)].map((m) => m[1]);

test("the lexer's keyword list was found", () => {
  assert.ok(keywords.includes("accountable") && keywords.includes("segment") && keywords.length > 30, keywords.join(" "));
});

test("every keyword of the language gets a keyword, type or constant scope", () => {
  for (const keyword of keywords) {
    const scope = scopeAt(tokenize(`x ${keyword} y`), 0, 2);
    assert.match(scope ?? "", /^(keyword|storage\.type|constant\.language)\./, `'${keyword}' is scoped ${scope}`);
  }
});

for (const path of samples()) {
  const name = path.slice(repository.length + 1);
  test(`scopes in ${name}`, () => {
    const text = readFileSync(path, "utf8");
    const lines = text.split(/\r\n|\r|\n/);
    const tokens = tokenize(text);
    let checked = 0;
    lines.forEach((line, n) => {
      const comment = line.indexOf("//");
      const code = comment >= 0 && !line.slice(0, comment).includes('"') ? line.slice(0, comment) : line;
      if (comment >= 0 && code.length === comment) {
        assert.equal(scopeAt(tokens, n, comment), "comment.line.double-slash.owner", `${name}:${n + 1} comment`);
        checked++;
      }

      const declaration = /^(policy|attribute|segment|owner|channel|offer)\s+([\p{L}_][\p{L}\p{N}_]*)/u.exec(code);
      if (declaration) {
        assert.equal(scopeAt(tokens, n, 0), "keyword.other.declaration.owner", `${name}:${n + 1} '${declaration[1]}'`);
        assert.match(scopeAt(tokens, n, code.indexOf(declaration[2], declaration[1].length)), /^(entity\.name|variable\.other\.property)\./, `${name}:${n + 1} name '${declaration[2]}'`);
        checked += 2;
      }

      for (const keyword of code.matchAll(/\b(accountable|responsible|consulted|informed|stages|limit|cooldown|exempt|for|at|via|by|to|where|and|or|not|approved|per|capacity)\b/g)) {
        if (code.slice(0, keyword.index).split('"').length % 2 === 0) continue; // inside a string
        assert.match(scopeAt(tokens, n, keyword.index), /^keyword\./, `${name}:${n + 1} '${keyword[1]}' at ${keyword.index}`);
        checked++;
      }

      for (const string of code.matchAll(/"[^"]*"/g)) {
        assert.equal(scopeAt(tokens, n, string.index + 1), "string.quoted.double.owner", `${name}:${n + 1} string`);
        checked++;
      }

      for (const number of code.matchAll(/(?<![\p{L}\p{N}_".])\d+(?:\.\d+)?(?![\p{L}\p{N}_])/gu)) {
        if (code.slice(0, number.index).split('"').length % 2 === 0) continue;
        assert.equal(scopeAt(tokens, n, number.index), "constant.numeric.owner", `${name}:${n + 1} number ${number[0]}`);
        checked++;
      }
    });
    assert.ok(checked > 10, `only ${checked} scopes checked in ${name}`);
  });
}

test("a block comment spans lines and an unterminated string ends with its line", () => {
  const tokens = tokenize('/* one\n two */ owner A "open\nsegment S');
  assert.equal(scopeAt(tokens, 1, 1), "comment.block.owner");
  assert.equal(scopeAt(tokens, 1, 8), "keyword.other.declaration.owner");
  assert.equal(scopeAt(tokens, 1, 17), "string.quoted.double.owner");
  assert.equal(scopeAt(tokens, 2, 0), "keyword.other.declaration.owner");
});
