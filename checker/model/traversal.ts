/**
 * Terraform addresses and references as lists of steps:
 * `module.eks["a"].aws_security_group.node[0].id` → module, eks, ["a"], aws_security_group, node, [0], id.
 */

export type TraversalStep = { kind: "attr"; name: string } | { kind: "index"; key: string | number | "*" };

/** Parses an address or a reference; returns `undefined` for text that is not a plain traversal. */
export function parseTraversal(text: string): TraversalStep[] | undefined {
  const steps: TraversalStep[] = [];
  let i = 0;
  const n = text.length;
  const name = /[A-Za-z_][A-Za-z0-9_-]*/y;
  while (i < n) {
    const c = text[i];
    if (c === "[") {
      const close = readIndex(text, i);
      if (!close) return undefined;
      steps.push({ kind: "index", key: close.key });
      i = close.end;
    } else {
      if (steps.length > 0) {
        if (c !== ".") return undefined;
        i += 1;
      }
      name.lastIndex = i;
      const match = name.exec(text);
      if (!match) return undefined;
      steps.push({ kind: "attr", name: match[0] });
      i += match[0].length;
    }
  }
  return steps.length > 0 ? steps : undefined;
}

function readIndex(text: string, start: number): { key: string | number | "*"; end: number } | undefined {
  let i = start + 1;
  if (text[i] === '"') {
    let key = "";
    i += 1;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\" && i + 1 < text.length) {
        key += text[i + 1];
        i += 2;
      } else {
        key += text[i];
        i += 1;
      }
    }
    if (text[i + 1] !== "]") return undefined;
    return { key, end: i + 2 };
  }
  const close = text.indexOf("]", i);
  if (close < 0) return undefined;
  const body = text.slice(i, close);
  if (body === "*") return { key: "*", end: close + 1 };
  if (!/^\d+$/.test(body)) return undefined;
  return { key: Number(body), end: close + 1 };
}

export function formatKey(key: string | number): string {
  return typeof key === "number" ? `[${key}]` : `[${JSON.stringify(key)}]`;
}

/** A module instance path, e.g. `module.a["x"].module.b[0]`, as (name, key) segments. */
export interface ModuleSegment {
  readonly name: string;
  readonly key?: string | number;
}

export function parseModuleAddress(address: string | undefined): ModuleSegment[] {
  if (!address) return [];
  const steps = parseTraversal(address);
  if (!steps) return [];
  const segments: ModuleSegment[] = [];
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    const next = steps[i + 1];
    if (step.kind === "attr" && step.name === "module" && next?.kind === "attr") {
      const index = steps[i + 2];
      if (index?.kind === "index" && index.key !== "*") {
        segments.push({ name: next.name, key: index.key });
        i += 2;
      } else {
        segments.push({ name: next.name });
        i += 1;
      }
    }
  }
  return segments;
}

const formatted = new WeakMap<readonly ModuleSegment[], string>();

/**
 * Remembered per segment list: the resolver asks for the address of the same module instance
 * (one list per module address, shared by its resources) for every reference it follows (issue #13).
 */
export function formatModuleAddress(segments: readonly ModuleSegment[]): string {
  let text = formatted.get(segments);
  if (text === undefined) {
    text = segments.map((s) => `module.${s.name}${s.key === undefined ? "" : formatKey(s.key)}`).join(".");
    formatted.set(segments, text);
  }
  return text;
}

/** `module.a.module.b` style path without instance keys, as configuration uses. */
export function moduleCallPath(segments: readonly ModuleSegment[]): string[] {
  return segments.map((s) => s.name);
}

/** True when `prefix` is a strict prefix of `steps` (used to drop the prefixes Terraform ≥ 1.0.1 lists). */
export function isStrictPrefix(prefix: readonly TraversalStep[], steps: readonly TraversalStep[]): boolean {
  if (prefix.length >= steps.length) return false;
  return prefix.every((step, i) => {
    const other = steps[i];
    if (step.kind === "attr") return other.kind === "attr" && other.name === step.name;
    return other.kind === "index" && other.key === step.key;
  });
}
