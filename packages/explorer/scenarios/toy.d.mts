import type { Scenario } from '../dist/scenario.js';

export declare function toyScenario(variant: 'buggy' | 'misordered' | 'fenced', rounds?: number): Scenario;
export declare const buggy: Scenario;
export declare const misordered: Scenario;
export declare const fenced: Scenario;
export default buggy;
