/**
 * A drop-in for a module-level `WeakMap<K, V>` whose entries live on their
 * keys: `set(key, v)` stores `v` under a private symbol on `key` itself (a
 * non-enumerable property: never copied by spread or `Object.assign`, never
 * listed by `Object.keys` or JSON), so the value lives exactly as long as its
 * key, as in a WeakMap. No kernel file emulated: C keeps such state inside
 * the struct (`misc->list`, `dev->devres_head`); this is that field.
 *
 * Why not a WeakMap: V8's young-generation collector (the scavenger) cannot
 * tell that an entry of an old-space WeakMap whose key is young is dead, and
 * keeps its value alive; a value that reaches its key (a worker and its
 * task, a devres entry and its mapping) then keeps the key and the whole
 * world around it alive through every scavenge, until a full mark-compact.
 * A module-level WeakMap is old as soon as the process has run for a
 * while, and the explorer builds a fresh world for every schedule: those
 * entries promoted every finished world to the old generation, most of the
 * explorer's GC work (docs/explorer.md, "Scaling").
 *
 * A key that cannot take a property (frozen, sealed or otherwise not
 * extensible) falls back to an ordinary WeakMap.
 */
export class WeakSlot<K extends object, V> {
  private readonly key: symbol;
  private readonly fallback = new WeakMap<K, V>();

  /** `name` only labels the symbol (seen in a debugger's property list). */
  constructor(name: string) {
    this.key = Symbol(name);
  }

  /** The value stored for `key`, or undefined. Context: any. */
  get(key: K): V | undefined {
    const own = (key as Record<symbol, V | undefined>)[this.key];
    return own !== undefined ? own : Object.isExtensible(key) ? undefined : this.fallback.get(key);
  }

  /** True when a value is stored for `key`. Context: any. */
  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  /** Stores `value` for `key` (undefined removes it). Returns: this. Context: any. */
  set(key: K, value: V): this {
    const slots = key as Record<symbol, V | undefined>;
    if (Object.hasOwn(slots, this.key)) slots[this.key] = value;
    else if (Object.isExtensible(key)) {
      Object.defineProperty(key, this.key, { value, writable: true, enumerable: false, configurable: true });
    } else this.fallback.set(key, value);
    return this;
  }

  /**
   * Removes the value for `key`. Returns: true when there was one. The
   * property stays, holding undefined: deleting it would turn the key into
   * a slow dictionary-mode object. Context: any.
   */
  delete(key: K): boolean {
    const had = this.has(key);
    const slots = key as Record<symbol, V | undefined>;
    if (Object.hasOwn(slots, this.key)) slots[this.key] = undefined;
    else this.fallback.delete(key);
    return had;
  }
}
