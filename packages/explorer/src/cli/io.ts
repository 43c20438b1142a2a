/** The CLI's output channels and exit codes (docs/explorer.md, "Exit codes"). */

/** Exit codes: 0 clean, 1 finding, 2 usage or input error, 3 incomplete. */
export const EXIT = {
  clean: 0,
  finding: 1,
  usage: 2,
  incomplete: 3,
} as const;

/** Where the CLI writes: stdout for results, stderr for progress, warnings and errors. */
export interface Io {
  out(s: string): void;
  err(s: string): void;
}

/** The process's streams. */
export const processIo: Io = {
  out: (s) => {
    process.stdout.write(`${s}\n`);
  },
  err: (s) => {
    process.stderr.write(`${s}\n`);
  },
};
