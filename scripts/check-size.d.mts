// Types of scripts/check-size.mjs for the tests that import it.
export declare const MAX_FILE_LINES: number;
export declare const MAX_FUNCTION_LINES: number;
export interface SizeOffender {
  file: string;
  /** Set for a function: its first line and name. */
  line?: number;
  name?: string;
  lines: number;
  limit: number;
}
export declare function lineCount(text: string): number;
export declare function functionSizes(fileName: string, text: string): { name: string; line: number; lines: number }[];
export declare function checkSize(base?: string): SizeOffender[];
export declare function describeOffender(o: SizeOffender): string;
