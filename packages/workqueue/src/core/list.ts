/**
 * Emulates include/linux/list.h.
 *
 * An intrusive doubly-linked FIFO, as `struct list_head`: a queued work item
 * knows which list holds it, so cancelling it is O(1) (no search).
 */

/** Something that can sit on one {@link ItemList} at a time. */
export interface Linked<T extends Linked<T>> {
  prev: T | null;
  next: T | null;
  /** The list holding the node, or null. */
  list: ItemList<T> | null;
}

export class ItemList<T extends Linked<T>> {
  head: T | null = null;
  tail: T | null = null;
  length = 0;

  /** `list_add_tail()`. */
  push(n: T): void {
    n.prev = this.tail;
    n.next = null;
    n.list = this;
    if (this.tail !== null) this.tail.next = n;
    else this.head = n;
    this.tail = n;
    this.length++;
  }

  /** Removes and returns the first node. */
  shift(): T | null {
    const n = this.head;
    if (n !== null) this.remove(n);
    return n;
  }

  /** `list_del_init()`: `n` must be on this list. */
  remove(n: T): void {
    if (n.prev !== null) n.prev.next = n.next;
    else this.head = n.next;
    if (n.next !== null) n.next.prev = n.prev;
    else this.tail = n.prev;
    n.prev = null;
    n.next = null;
    n.list = null;
    this.length--;
  }
}
