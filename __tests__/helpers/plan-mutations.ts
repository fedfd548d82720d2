/**
 * Structure-aware mutations of real plans and cdk.tf.json documents, as a hostile pull request or
 * a broken tool could write them: values of the wrong type where the checker expects an
 * expression, a block or a list; nulls inside `references`; nesting thousands of levels deep
 * (values, nested blocks, module calls); names holding control characters, `__proto__` or huge
 * strings; keys removed; whole sections swapped. Seeded, so a failing case can be replayed.
 */

/** mulberry32: a small seeded generator (the figures do not need more). */
export function randomFrom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Holder = Json[] | { [key: string]: Json };

const HOSTILE_STRINGS = [
  "",
  "__proto__",
  "constructor",
  "line\nFAIL - forged",
  "\u001b[2K\u001b[1A",
  "%%{init: {}}%%",
  "::error::x",
  "x".repeat(70000),
  "aws_security_group.node.id",
  "module.a.module.b",
  "${aws_eks_cluster.this.name}",
  "0.0.0.0/0",
  "::/0",
  "not-a-cidr/99",
  "-1",
  "65536",
  "\ud800",
];

const DEPTH = 5000;

/** JSON text of a value of any depth (JSON.stringify recurses, and gives up near 5,000 levels). */
export function serialize(root: Json): string {
  const out: string[] = [];
  const stack: (Json | { text: string })[] = [root];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (item !== null && typeof item === "object" && TEXT_MARK.has(item)) {
      out.push((item as { text: string }).text);
      continue;
    }
    if (item === null || typeof item !== "object") {
      out.push(JSON.stringify(item));
      continue;
    }
    const entries: [string | undefined, Json][] = Array.isArray(item) ? item.map((v) => [undefined, v]) : Object.entries(item);
    const [open, close] = Array.isArray(item) ? ["[", "]"] : ["{", "}"];
    const parts: (Json | { text: string })[] = [text(open)];
    entries.forEach(([key, value], i) => {
      parts.push(text(`${i > 0 ? "," : ""}${key === undefined ? "" : `${JSON.stringify(key)}:`}`), value);
    });
    parts.push(text(close));
    for (let i = parts.length - 1; i >= 0; i--) stack.push(parts[i]);
  }
  return out.join("");
}

const TEXT_MARK = new WeakSet<object>();
function text(t: string): { text: string } {
  const mark = { text: t };
  TEXT_MARK.add(mark);
  return mark;
}

/** A copy of a value of any depth. */
function clone(value: Json): Json {
  return JSON.parse(serialize(value)) as Json;
}

function deepValue(random: () => number): Json {
  let value: Json = random() < 0.5 ? 1 : "leaf";
  for (let i = 0; i < DEPTH; i++) value = random() < 0.5 ? [value] : { a: value };
  return value;
}

/** The configuration's block nesting or module calls, thousands deep. */
function deepModuleCalls(): Json {
  let module: Json = { resources: [] };
  for (let i = 0; i < DEPTH; i++) module = { module_calls: { m: { source: "./m", module: module } } };
  return module;
}

function randomScalar(random: () => number): Json {
  const pick = Math.floor(random() * 8);
  switch (pick) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      return Math.floor(random() * 70000) - 5;
    case 3:
      return 1e308 * (random() < 0.5 ? 10 : -1);
    case 4:
      return HOSTILE_STRINGS[Math.floor(random() * HOSTILE_STRINGS.length)];
    case 5:
      return [];
    case 6:
      return {};
    default:
      return { references: [null, 5, "aws_security_group.x.id", { a: 1 }] };
  }
}

interface Slot {
  readonly holder: Holder;
  readonly key: string | number;
  readonly parent: Slot | undefined;
}

function pathOf(slot: Slot): string {
  const keys: (string | number)[] = [];
  for (let at: Slot | undefined = slot; at !== undefined && keys.length < 12; at = at.parent) keys.push(at.key);
  return keys.reverse().join(".");
}

/** Containers' children, breadth first, up to a bound (a deep value adds one slot a level). */
function slotsOf(root: Json): Slot[] {
  const slots: Slot[] = [];
  const queue: { value: Json; slot: Slot | undefined }[] = [{ value: root, slot: undefined }];
  for (let i = 0; i < queue.length && slots.length < 50000; i++) {
    const { value, slot: parent } = queue[i];
    if (value === null || typeof value !== "object") continue;
    const entries: [string | number, Json][] = Array.isArray(value) ? value.map((v, j) => [j, v]) : Object.entries(value);
    for (const [key, child] of entries) {
      const slot = { holder: value, key, parent };
      slots.push(slot);
      queue.push({ value: child, slot });
    }
  }
  return slots;
}

function setAt(holder: Holder, key: string | number, value: Json): void {
  if (Array.isArray(holder)) holder[key as number] = value;
  else Object.defineProperty(holder, key, { value, enumerable: true, writable: true, configurable: true });
}

function remove(holder: Holder, key: string | number): void {
  if (Array.isArray(holder)) holder.splice(key as number, 1);
  else delete holder[key];
}

/** The key names the checker reads: a mutation aims there more often than at random. */
const INTERESTING = /^(expressions|references|constant_value|after|after_unknown|after_sensitive|before|before_sensitive|resource_changes|planned_values|prior_state|configuration|module_calls|module|resources|root_module|child_modules|variables|outputs|values|address|type|name|index|mode|change|actions|vpc_config|ingress|egress|tags|tags_all|launch_template|security_group_ids|vpc_security_group_ids|cidr_blocks|from_port|to_port|protocol|manifest|yaml_body|resource|data|output|terraform|stacks|format_version)$/;

export interface Mutation {
  readonly what: string;
  readonly document: Json;
}

/** One to three mutations of a copy of `document`. */
export function mutate(document: Json, random: () => number): Mutation {
  const copy = clone(document);
  const whats: string[] = [];
  const rounds = 1 + Math.floor(random() * 3);
  for (let round = 0; round < rounds; round++) {
    const slots = slotsOf(copy);
    if (slots.length === 0) break;
    const interesting = slots.filter((s) => typeof s.key === "string" && INTERESTING.test(s.key));
    const pool = interesting.length > 0 && random() < 0.7 ? interesting : slots;
    const slot = pool[Math.floor(random() * pool.length)];
    const at = pathOf(slot);
    const kind = Math.floor(random() * 7);
    if (kind === 0) {
      remove(slot.holder, slot.key);
      whats.push(`remove ${at}`);
    } else if (kind === 1) {
      setAt(slot.holder, slot.key, randomScalar(random));
      whats.push(`replace ${at} with a scalar or empty container`);
    } else if (kind === 2) {
      setAt(slot.holder, slot.key, deepValue(random));
      whats.push(`replace ${at} with a value ${DEPTH} levels deep`);
    } else if (kind === 3) {
      setAt(slot.holder, slot.key, slot.key === "root_module" || slot.key === "module" ? deepModuleCalls() : [randomScalar(random), null, randomScalar(random)]);
      whats.push(`replace ${at} with ${slot.key === "root_module" || slot.key === "module" ? "deep module calls" : "a list of odd values"}`);
    } else if (kind === 4) {
      const other = slots[Math.floor(random() * slots.length)];
      const value = Array.isArray(other.holder) ? other.holder[other.key as number] : other.holder[other.key];
      setAt(slot.holder, slot.key, clone(value ?? null));
      whats.push(`replace ${at} with ${pathOf(other)}`);
    } else if (kind === 5 && !Array.isArray(slot.holder)) {
      const name = HOSTILE_STRINGS[Math.floor(random() * HOSTILE_STRINGS.length)];
      setAt(slot.holder, name, (slot.holder as { [key: string]: Json })[slot.key as string]);
      whats.push(`copy ${at} under the key ${JSON.stringify(name.slice(0, 20))}`);
    } else {
      setAt(slot.holder, slot.key, null);
      whats.push(`null at ${at}`);
    }
  }
  return { what: whats.join("; "), document: copy };
}
