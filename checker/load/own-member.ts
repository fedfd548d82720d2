/**
 * Sets a member as `JSON.parse` makes it: an own member, even one named `__proto__`, where `=`
 * would set the prototype instead.
 */
export function setOwn<T>(object: { [key: string]: T }, key: string, value: T): void {
  if (key === "__proto__") Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}
