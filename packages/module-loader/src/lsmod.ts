/**
 * The module list as userspace sees it: /proc/modules (m_show,
 * print_unload_info) and kmod's `lsmod`.
 */
import { checkKernel, type Kernel, type ModuleState } from '@quiesce/core-devres';
import { moduleRegistry } from './module/registry.js';

export interface LsmodRow {
  readonly name: string;
  readonly size: number;
  /** `module_refcount()`. */
  readonly refcount: number;
  /** Modules using this one, newest first. */
  readonly usedBy: readonly string[];
  /** Has init but no exit: cannot be unloaded without force. */
  readonly permanent: boolean;
  readonly state: ModuleState;
}

/**
 * One row per module on the list, newest first, skipping UNFORMED ones
 * (as /proc/modules does). Context: any.
 */
export function lsmod(k: Kernel): LsmodRow[] {
  checkKernel('lsmod', k);
  const rows: LsmodRow[] = [];
  for (const m of moduleRegistry(k).modules) {
    if (m.state === 'UNFORMED') continue;
    rows.push({
      name: m.name,
      size: m.size,
      refcount: m.refcount,
      usedBy: m.usedBy.map((u) => u.name),
      permanent: m.hasInit && !m.hasExit,
      state: m.state,
    });
  }
  return rows;
}

const PROC_STATE: Record<ModuleState, string> = { LIVE: 'Live', COMING: 'Loading', GOING: 'Unloading', UNFORMED: '' };

/**
 * `/proc/modules`: `name size refcount users, state address` per line, the
 * users field `a,b,` (plus `[permanent],`) or `-`; addresses print as zero,
 * as for an unprivileged reader. Context: any.
 */
export function procModules(k: Kernel): string {
  checkKernel('procModules', k);
  return lsmod(k)
    .map((r) => {
      let users = r.usedBy.map((u) => `${u},`).join('');
      if (r.permanent) users += '[permanent],';
      if (users === '') users = '-';
      return `${r.name} ${r.size} ${r.refcount} ${users} ${PROC_STATE[r.state]} 0x0000000000000000\n`;
    })
    .join('');
}

/** kmod's `lsmod` output: a header, then `%-19s %8lu  %d` and the users, comma-separated. Context: any. */
export function formatLsmod(k: Kernel): string {
  checkKernel('formatLsmod', k);
  const lines = ['Module                  Size  Used by'];
  for (const r of lsmod(k)) {
    const users = r.usedBy.length > 0 ? ` ${r.usedBy.join(',')}` : '';
    lines.push(`${r.name.padEnd(19)} ${String(r.size).padStart(8)}  ${r.refcount}${users}`);
  }
  return `${lines.join('\n')}\n`;
}
