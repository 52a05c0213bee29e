import { CommanderError } from 'commander';
import { ResultError } from './call';
import { registerBackups } from './commands/backups';
import { registerBasics } from './commands/basics';
import { registerJobs } from './commands/jobs';
import { registerPartitions } from './commands/partitions';
import { registerQuotas } from './commands/quotas';
import { registerShells } from './commands/shells';
import { registerTenants } from './commands/tenants';
import { EXIT, exitCodeFor, printError, UsageError } from './output';
import { json, program, run } from './program';

// One file per command group; the order here is the order of `keel --help`.
registerBasics(program);
registerJobs(program);
registerBackups(program);
registerTenants(program);
registerPartitions(program);
registerQuotas(program);
registerShells(program);

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
    // One-shot commands end here; `serve` keeps its server (and the process) running.
    if (!run.longRunning) process.exit(process.exitCode ?? EXIT.ok);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.exitCode === 0
      )
        process.exit(0);
      process.exit(EXIT.usage);
    }
    if (e instanceof UsageError) {
      printError({ code: 'VALIDATION', message: e.message }, json());
      process.exit(EXIT.usage);
    }
    if (e instanceof ResultError) {
      printError(e.shape, json());
      process.exit(exitCodeFor(e.shape));
    }
    printError({ code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) }, json());
    process.exit(EXIT.failed);
  }
}

void main();
