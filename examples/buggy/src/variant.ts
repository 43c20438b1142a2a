/**
 * A buggy variant: a correct discipline of the edu driver with one knob
 * turned (see `EduOptions`), the world that exposes it, and the report the
 * sanitizer is expected to file.
 */
import type { ReportKind } from '@quiesce/core-devres';
import { type EduScenario, type EduScenarioOptions, eduScenario } from '@quiesce/edu-driver';

export interface BuggyVariant {
  /** Bug number in docs/design.md §6. */
  bug: number;
  /** Short slug, e.g. `work-after-remove`. */
  slug: string;
  /** One line, as the catalogue says it. */
  title: string;
  /** The world: discipline + the one changed knob + how it is torn down. */
  world: EduScenarioOptions;
  /** The report kind that catches it. */
  expect: ReportKind;
  /** The discipline that prevents it by construction. */
  preventedBy: string;
}

/** The explorer scenario of a variant. */
export function variantScenario(v: BuggyVariant): EduScenario {
  return eduScenario(`bug${String(v.bug).padStart(2, '0')}-${v.slug}`, v.world, v.expect);
}
