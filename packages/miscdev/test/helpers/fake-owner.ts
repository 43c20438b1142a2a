/**
 * A stand-in module owner (what @quiesce/module-loader provides), so these
 * tests do not depend on another subsystem package.
 */
import type { ModuleOwner, ModuleState } from '@quiesce/core-devres';

export class FakeModule implements ModuleOwner {
  state: ModuleState = 'LIVE';
  textFreed = false;
  /** References beyond the base one. */
  refs = 0;
  underflows = 0;

  constructor(readonly name: string) {}

  tryGet(): boolean {
    if (this.state === 'GOING' || this.textFreed) return false;
    this.refs++;
    return true;
  }

  put(): void {
    if (this.refs === 0) {
      this.underflows++;
      return;
    }
    this.refs--;
  }

  /** `delete_module(name, O_TRUNC)`: GOING, exit, text gone, ignoring references. */
  forceUnload(): void {
    this.state = 'GOING';
    this.textFreed = true;
  }
}
