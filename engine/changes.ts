/**
 * What a synthesis changes against the previous output, per stack: resource instances added,
 * changed (same address, other values), moved (a `moved` block from an address the previous
 * output had) and destroyed (gone, and no moved block says where). This is what `terraform plan`
 * will show once applied state matches the previous output; it is printed after every synth
 * (destroys first) and by `govcloud diff`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { readTextFile } from "../core/text-file";

export interface StackChanges {
  readonly stack: string;
  readonly added: readonly string[];
  readonly changed: readonly string[];
  /** `<from> -> <to>`. */
  readonly moved: readonly string[];
  readonly destroyed: readonly string[];
  /**
   * Changed instances whose Kubernetes object name or namespace changed: the provider replaces
   * them (destroy, then create), whatever their address does.
   */
  readonly replaced: readonly string[];
}

interface StackDocument {
  resource?: Record<string, Record<string, { for_each?: unknown } & Record<string, unknown>>>;
  moved?: Array<{ from: string; to: string }>;
}

/** Stack name -> its cdk.tf.json, per the folder's manifest; empty when the folder has none. */
export function manifestStacks(outdir: string): Map<string, string> {
  const file = path.join(outdir, "manifest.json");
  if (!fs.existsSync(file)) return new Map();
  const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as { stacks?: Record<string, { synthesizedStackPath: string }> };
  return new Map(Object.entries(manifest.stacks ?? {}).map(([name, s]) => [name, path.join(outdir, s.synthesizedStackPath)]));
}

/** The object's name and namespace in an instance's values (`metadata` of a manifest). */
function identityOf(values: unknown): string {
  if (values === null || typeof values !== "object") return "";
  const v = values as { name?: unknown; namespace?: unknown; manifest?: { metadata?: { name?: unknown; namespace?: unknown } } };
  const meta = v.manifest?.metadata;
  return JSON.stringify([v.name ?? meta?.name ?? null, v.namespace ?? meta?.namespace ?? null]);
}

export interface StackInstances {
  /**
   * Address -> its block's shared body and, after a NUL, the instance's values, as text (the
   * text of one way of reading, scanInstances or parseInstances, compares only with its own).
   */
  readonly instances: Map<string, string>;
  /** `moved` blocks: from -> to. */
  readonly moved: Map<string, string>;
}

/** A stack of the previous output read before the comparison: its file, its text and its instances when they scan. */
export interface ReadAhead {
  readonly file: string;
  readonly text: string;
  readonly scanned: StackInstances | undefined;
}

/**
 * The previous output's `stacks`, read and scanned ahead of `outputChanges` by a caller that would
 * otherwise wait (a re-synthesis, while the gate's thread synthesizes the stacks that changed).
 * Stacks the previous output does not have are left out.
 */
export function readAhead(previousOutdir: string, stacks: readonly string[]): Map<string, ReadAhead> {
  const files = manifestStacks(previousOutdir);
  const ahead = new Map<string, ReadAhead>();
  for (const name of stacks) {
    const file = files.get(name);
    const text = readIfExists(file);
    if (file !== undefined && text !== undefined) ahead.set(name, { file, text, scanned: scanInstances(text) });
  }
  return ahead;
}

function readIfExists(file: string | undefined): string | undefined {
  return file === undefined || !fs.existsSync(file) ? undefined : readTextFile(file);
}

/**
 * Both stacks' instances, read the same way: scanned, or parsed when either cannot be scanned.
 * `previousScanned`: the previous text's scan, when it was read ahead.
 */
function instancesOfBoth(previousText: string | undefined, nextText: string | undefined, previousScanned?: StackInstances): [StackInstances, StackInstances] {
  const texts = [previousText, nextText];
  const empty = (): StackInstances => ({ instances: new Map(), moved: new Map() });
  const scanned = texts.map((text, i) => (text === undefined ? empty() : i === 0 && previousScanned !== undefined ? previousScanned : scanInstances(text)));
  if (scanned.every((x) => x !== undefined)) return scanned as [StackInstances, StackInstances];
  const [a, b] = texts.map((text) => (text === undefined ? empty() : parseInstances(text)));
  return [a as StackInstances, b as StackInstances];
}

/** The name and namespace of an instance's object, from its text in StackInstances. */
function identityOfText(text: string | undefined): string {
  if (text === undefined) return "";
  const nul = text.indexOf("\0");
  if (nul < 0) return "";
  try {
    return identityOf(JSON.parse(text.slice(nul + 1)));
  } catch {
    return "";
  }
}

/** The same as scanInstances, through JSON.parse: for any text, however it is laid out. */
export function parseInstances(text: string): StackInstances {
  const instances = new Map<string, string>();
  const moved = new Map<string, string>();
  const doc = JSON.parse(text) as StackDocument;
  for (const [type, byName] of Object.entries(doc.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      const forEach = body.for_each;
      if (forEach !== null && typeof forEach === "object") {
        const { for_each: _, ...shared } = body;
        const common = JSON.stringify(shared);
        for (const [key, value] of Object.entries(forEach as Record<string, unknown>)) {
          const address = `${type}.${name}[${JSON.stringify(key)}]`;
          instances.set(address, `${common}\0${JSON.stringify(value)}`);
        }
      } else {
        instances.set(`${type}.${name}`, JSON.stringify(body));
      }
    }
  }
  for (const move of doc.moved ?? []) moved.set(move.from, move.to);
  return { instances, moved };
}

const KEY_LINE = /^ *("(?:[^"\\]|\\.)*"): (.*)$/;

/**
 * The instances of a stack as synth writes it (stable JSON, two-space indent: resource types at
 * indent 4, blocks at 6, for_each at 8, instances at 10), read line by line: a fifth of the time
 * of JSON.parse for a national estate's stacks. The values are compared as text, which is
 * exact for one writer. Undefined when the text is laid out otherwise (then parseInstances).
 */
export function scanInstances(text: string): StackInstances | undefined {
  const lines = text.split("\n");
  const instances = new Map<string, string>();
  let moved = new Map<string, string>();
  const top = (prefix: string) => lines.indexOf(prefix);
  const resourceAt = top('  "resource": {');
  const movedAt = top('  "moved": [');
  if (movedAt >= 0) {
    const end = lines.indexOf("  ],", movedAt);
    if (end < 0) return undefined;
    try {
      moved = new Map((JSON.parse(`[${lines.slice(movedAt + 1, end).join("\n")}]`) as Array<{ from: string; to: string }>).map((m) => [m.from, m.to]));
    } catch {
      return undefined;
    }
  }
  if (resourceAt < 0) return text.includes('"resource"') ? undefined : { instances, moved };
  let i = resourceAt + 1;
  const keyOf = (line: string): string | undefined => {
    const match = KEY_LINE.exec(line);
    if (match === null) return undefined;
    try {
      return JSON.parse(match[1] as string) as string;
    } catch {
      return undefined;
    }
  };
  for (;;) {
    const typeLine = lines[i] ?? "";
    if (typeLine === "  }," || typeLine === "  }") break;
    const type = typeLine.startsWith("    ") && !typeLine.startsWith("     ") && typeLine.endsWith("{") ? keyOf(typeLine) : undefined;
    if (type === undefined) return undefined;
    i++;
    for (;;) {
      const nameLine = lines[i] ?? "";
      if (nameLine === "    }," || nameLine === "    }") break;
      const name = nameLine.startsWith("      ") && !nameLine.startsWith("       ") && nameLine.endsWith("{") ? keyOf(nameLine) : undefined;
      if (name === undefined) return undefined;
      i++;
      const shared: string[] = [];
      const own: Array<[string, string]> = [];
      let forEach = false;
      for (;;) {
        const line = lines[i];
        if (line === undefined) return undefined;
        if (line === "      }," || line === "      }") break;
        if (line === '        "for_each": {') {
          forEach = true;
          i++;
          for (;;) {
            const start = lines[i];
            if (start === undefined) return undefined;
            if (start === "        }," || start === "        }") break;
            const key = start.startsWith("          ") && !start.startsWith("           ") ? keyOf(start) : undefined;
            if (key === undefined) return undefined;
            const body: string[] = [start.slice(start.indexOf(": ") + 2)];
            if (start.endsWith("{")) {
              for (;;) {
                i++;
                const inner = lines[i];
                if (inner === undefined) return undefined;
                body.push(inner.trimStart());
                if (inner === "          }," || inner === "          }") break;
              }
            }
            const last = body.length - 1;
            body[last] = (body[last] as string).replace(/,$/, "");
            own.push([key, body.join("\n")]);
            i++;
          }
          i++;
          continue;
        }
        shared.push(line.trimStart());
        i++;
      }
      const common = shared.join("\n").replace(/,$/, "");
      if (!forEach) instances.set(`${type}.${name}`, common);
      for (const [key, values] of own) {
        const address = `${type}.${name}[${JSON.stringify(key)}]`;
        instances.set(address, `${common}\0${values}`);
      }
      i++;
    }
    i++;
  }
  return { instances, moved };
}

/** The changes of one stack between two of its cdk.tf.json files (either may be missing). */
export function stackChanges(stack: string, previousFile: string | undefined, nextFile: string | undefined, ahead?: ReadAhead): StackChanges {
  const none: StackChanges = { stack, added: [], changed: [], moved: [], destroyed: [], replaced: [] };
  const previous = ahead !== undefined && ahead.file === previousFile ? ahead : undefined;
  let texts: [string | undefined, string | undefined];
  if (previous !== undefined) {
    // Read ahead: the same text is the same bytes (readTextFile decodes both files alike).
    texts = [previous.text, readIfExists(nextFile)];
    if (texts[0] === texts[1]) return none;
  } else {
    // A rebuilt stack is most often the same bytes (a code change that changes no output): no parse.
    if (previousFile !== undefined && nextFile !== undefined && sameBytes(previousFile, nextFile)) return none;
    texts = [readIfExists(previousFile), readIfExists(nextFile)];
  }
  const [{ instances: before }, { instances: after, moved: moves }] = instancesOfBoth(texts[0], texts[1], previous?.scanned);
  const replaced: string[] = [];
  const compare = (from: string, to: string) => {
    if (after.get(to) === before.get(from)) return;
    changed.push(to);
    if (identityOfText(before.get(from)) !== identityOfText(after.get(to))) replaced.push(from === to ? to : `${from} -> ${to}`);
  };
  const added: string[] = [];
  const changed: string[] = [];
  const moved: string[] = [];
  const destroyed: string[] = [];
  const movedTo = new Set<string>();
  for (const address of before.keys()) {
    if (after.has(address)) {
      compare(address, address);
      continue;
    }
    const to = moves.get(address);
    if (to !== undefined && after.has(to)) {
      moved.push(`${address} -> ${to}`);
      movedTo.add(to);
      compare(address, to);
    } else {
      destroyed.push(address);
    }
  }
  for (const address of after.keys()) if (!before.has(address) && !movedTo.has(address)) added.push(address);
  const sorted = (list: string[]) => list.sort();
  return { stack, added: sorted(added), changed: sorted(changed), moved: sorted(moved), destroyed: sorted(destroyed), replaced: sorted(replaced) };
}

function sameBytes(a: string, b: string): boolean {
  if (!fs.existsSync(a) || !fs.existsSync(b) || fs.statSync(a).size !== fs.statSync(b).size) return false;
  return fs.readFileSync(a).equals(fs.readFileSync(b));
}

/**
 * Changes between two output folders, for the stacks of either; stacks in `unchanged` (reused
 * as they were) are not read. Stacks with no change are left out. In deploy order of neither:
 * stacks sorted by name. `ahead`: previous stacks already read (`readAhead`).
 */
export function outputChanges(previousOutdir: string, nextOutdir: string, unchanged: ReadonlySet<string> = new Set(), ahead: ReadonlyMap<string, ReadAhead> = new Map()): StackChanges[] {
  const before = manifestStacks(previousOutdir);
  const after = manifestStacks(nextOutdir);
  const names = [...new Set([...before.keys(), ...after.keys()])].filter((name) => !unchanged.has(name)).sort();
  return names
    .map((name) => stackChanges(name, before.get(name), after.get(name), ahead.get(name)))
    .filter((c) => c.added.length + c.changed.length + c.moved.length + c.destroyed.length > 0);
}

/**
 * The changes as text: one line per stack with its counts, destroys first, and every destroyed
 * address listed (at most `listLimit` per stack).
 */
export function renderChanges(changes: readonly StackChanges[], listLimit = 50): string {
  if (changes.length === 0) return "No changes against the previous output.\n";
  const lines = ["Changes against the previous output (destroys first):"];
  const total = { destroyed: 0, added: 0, changed: 0, moved: 0 };
  for (const c of changes) {
    total.destroyed += c.destroyed.length;
    total.added += c.added.length;
    total.changed += c.changed.length;
    total.moved += c.moved.length;
    lines.push(`  ${c.stack.padEnd(24)} ${counts(c)}`);
    const destroys = [...c.destroyed.map((a) => `destroy ${a}`), ...c.replaced.map((a) => `replace ${a}`)];
    for (const line of destroys.slice(0, listLimit)) lines.push(`    ${line}`);
    if (destroys.length > listLimit) lines.push(`    ... and ${destroys.length - listLimit} more destroyed or replaced`);
  }
  lines.push(`  ${"total".padEnd(24)} ${counts(total)}`);
  return `${lines.join("\n")}\n`;
}

type Count = readonly unknown[] | number;

function counts(c: { readonly destroyed: Count; readonly added: Count; readonly changed: Count; readonly moved: Count }): string {
  const n = (x: Count) => (typeof x === "number" ? x : x.length);
  return `${n(c.destroyed)} destroyed, ${n(c.added)} added, ${n(c.changed)} changed, ${n(c.moved)} moved`;
}

/** Instance addresses of Terraform types that hold data, which no synth may replace by accident. */
const DATA_HOLDING = /^(?:kubernetes_namespace_v1|kubernetes_namespace|kubernetes_persistent_volume_claim_v1|kubernetes_persistent_volume_claim|kubernetes_stateful_set_v1)\./;

/** Replacements of namespaces, volumes and stateful sets among the changes. */
export function dataReplacements(changes: readonly StackChanges[]): string[] {
  return changes.flatMap((c) => c.replaced.filter((a) => DATA_HOLDING.test(a)).map((a) => `${c.stack} ${a}`));
}
