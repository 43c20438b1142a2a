/** The package version, for replay files (read once from package.json next to src/ or dist/). */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** `@quiesce/explorer`'s version, or `unknown` if package.json cannot be read. */
export function quiesceVersion(): string {
  if (cached === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
      cached = pkg.version ?? 'unknown';
    } catch {
      cached = 'unknown';
    }
  }
  return cached;
}
