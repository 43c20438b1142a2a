/**
 * The `Kernel` argument check of every package's entry points
 * (docs/validation.md): each exported function or struct constructor that
 * takes the kernel it belongs to (`k`) checks it first, with this
 * (exported from the package). In C that is the one running kernel, so
 * anything else is impossible: a `TypeError` naming the function, the
 * argument and the value, before anything is made or changed.
 *
 * Its own file, not validate.ts: validate.ts is imported by kernel.ts, and
 * an `instanceof Kernel` there would make the two modules import each other.
 */
import { Kernel } from './kernel.js';
import { badArg } from './validate.js';

/**
 * checkKernel - throw unless `k` is a {@link Kernel}.
 * @param fnName the kernel function, as messages name it (`mutex_init`).
 * @param k the value passed.
 * @param argName the argument's name in the message (default `k`).
 *
 * An `instanceof Kernel`: a plain object with a kernel's fields, or a Kernel
 * made by a second copy of this package, is not one.
 * Context: any. Returns: nothing. Errors: a `TypeError`
 * (`mutex_init: k must be a Kernel, got undefined`). No kernel counterpart.
 */
export function checkKernel(fnName: string, k: unknown, argName = 'k'): asserts k is Kernel {
  if (!(k instanceof Kernel)) throw badArg(fnName, argName, 'a Kernel', k);
}

/**
 * checkThis - throw unless a method was called on an object of its class.
 * @param fnName the kernel function the method mirrors (`complete`).
 * @param self the method's `this`.
 * @param cls the class (`Completion`).
 * @param argName the C argument `this` stands for (`x` for `complete(x)`).
 *
 * A method detached from its object (`const done = c.complete; done()`) or
 * applied to another one is C's pointer to something that is not that
 * struct. Context: any. Errors: a `TypeError`
 * (`complete: x must be a Completion, got undefined`).
 */
export function checkThis(
  fnName: string,
  self: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: any class; only its prototype chain is tested.
  cls: abstract new (...args: any[]) => unknown,
  argName: string,
): void {
  if (!(self instanceof cls)) throw badArg(fnName, argName, `a ${cls.name}`, self);
}
