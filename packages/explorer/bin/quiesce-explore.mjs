#!/usr/bin/env node
// The `quiesce-explore` bin. pnpm links bins at install time, before any
// build has made dist/, so the bin is this committed file, not dist/cli.js.
import '../dist/cli.js';
