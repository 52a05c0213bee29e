import { Option, type Command } from 'commander';
import { JOB_KIND_NAMES, type JobState } from '../../../shared/jobs';
import { call, followRaw } from '../call';
import { table } from '../output';
import { out, parseJson } from '../program';

/** jobs list / run. */
export function registerJobs(program: Command): void {
  const jobs = program.command('jobs').description('background jobs');
  jobs
    .command('list')
    .addOption(
      new Option('--state <state>').choices([
        'queued',
        'running',
        'completed',
        'failed',
        'cancelled',
      ]),
    )
    .option('--limit <n>', 'how many', (v) => Number.parseInt(v, 10), 50)
    .action(async (o: { state?: JobState; limit: number }) => {
      const list = await call('jobs.list', { limit: o.limit, ...(o.state && { state: o.state }) });
      out(list, () =>
        table(
          list.map((j) => ({ ...j, by: j.actor.name, error: j.error?.message })),
          ['id', 'kind', 'state', 'envId', 'by', 'createdAt', 'error'],
        ),
      );
    });
  jobs
    .command('run <kind>')
    .description(`start a job and follow it to the end (${JOB_KIND_NAMES.join(', ')})`)
    .requiredOption('-e, --env <envId>', 'environment id')
    .option(
      '--payload <json>',
      'the rest of the payload as JSON (e.g. {"durationSec":600,"intervalSec":10})',
      '{}',
    )
    .action(async (kind: string, o: { env: string; payload: string }) => {
      // Kind and payload are typed by the user: the router checks them against the contract.
      const payload = { ...(parseJson(o.payload) as object), envId: o.env };
      await followRaw(o.env, 'jobs.start', { kind, payload });
    });
}
