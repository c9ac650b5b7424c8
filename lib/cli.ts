#!/usr/bin/env node
// The `prom-decorators` command: dashboards and rules from the decorated classes of a module.
import { runCommand } from './generate/command.js';

void runCommand(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
}).then((code) => {
  process.exitCode = code;
});
