#!/usr/bin/env node
// The `prom-decorators` command: dashboards and rules from the decorated classes of a module.
import { runCommand } from './generate/command.js';

process.exitCode = runCommand(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
});
