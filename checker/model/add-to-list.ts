/**
 * Appends to the list a map holds for a key, making it on first use. Growing a list in place keeps
 * the work linear; rebuilding it with a spread for every value (`[...(map.get(key) ?? []), value]`)
 * is quadratic in the values one key gathers (issue #13).
 */
export function addToList<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/**
 * `list` with `item` pushed, made when first needed. A new list is a one-element literal: a first
 * push onto `[]` reserves 17 slots, which lists that stay short and live long pay for (issue #13).
 */
export function pushed<T>(list: T[] | undefined, item: T): T[] {
  if (list === undefined) return [item];
  list.push(item);
  return list;
}
