/**
 * `kiln runs list|show|export|rm|keep`: the run history in the state directory, headless. Works on the
 * files directly (each is replaced atomically, so a running `kiln serve` never shows a torn one).
 */
import { writeFileSync } from 'node:fs';
import { parseCommandLine } from './command-line.ts';
import type { RunRecord, RunSummary } from '../../shared/protocol/wire.ts';
import { decodeInt32s } from '../../shared/protocol/codecs.ts';
import { runRecordJson } from '../../shared/run-export.ts';
import { RunStore } from '../runs/run-store.ts';
import { UsageError, type Command } from './command.ts';
import { parseCount } from './options.ts';
import { checkWritable } from './out-path.ts';
import { existingStateDir } from './state-dir.ts';
import { formatTour } from '../../shared/tsp/tour.ts';

const usage = `usage: kiln runs <list|show|export|rm|keep> [options]

The run history kept by \`kiln serve\` and the desktop app.

  kiln runs list                     every kept run, newest first (id, date, city set, best, gap)
  kiln runs show ID                  one run: budget, method, machines, best, gap, convergence samples
  kiln runs export ID [--format tour|json] [--out FILE]
                                     its best tour as a TSPLIB .tour (default) or the whole record as JSON
  kiln runs rm ID...                 delete runs
  kiln runs keep N                   keep only the newest N runs from now on (deletes older ones)

options:
  --state-dir DIR   the state directory (default $XDG_CONFIG_HOME/kiln or ~/.config/kiln)
  --json            list/show: print JSON instead of text
  -h, --help        show this help`;

/** What each action takes: its run ids (at least, at most) and the options that go with it beside --state-dir. */
const ACTIONS: Record<string, { ids: [number, number]; options: string[] }> = {
  list: { ids: [0, 0], options: ['json'] },
  show: { ids: [1, 1], options: ['json'] },
  export: { ids: [1, 1], options: ['format', 'out'] },
  rm: { ids: [1, Infinity], options: [] },
  keep: { ids: [1, 1], options: [] },
};

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      'state-dir': { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const [action, ...ids] = positionals;
  checkAction(action, ids, values);
  // Reading commands create nothing: the default state directory may not exist yet (no run kept).
  const store = new RunStore(existingStateDir(values['state-dir']));
  switch (action) {
    case 'list': {
      const runs = store.list();
      if (values.json) console.log(JSON.stringify(runs, null, 2));
      else if (runs.length === 0) console.log('no runs kept');
      else for (const summary of runs) console.log(listLine(summary));
      return 0;
    }
    case 'show': {
      const record = recordOf(store, ids[0]);
      if (values.json) console.log(JSON.stringify({ ...record, tour: undefined, problem: undefined }, null, 2));
      else console.log(describe(record));
      return 0;
    }
    case 'export': {
      // The format and the file are checked before the run is looked up: a typo in either is said first.
      const format = values.format ?? 'tour';
      if (format !== 'tour' && format !== 'json') throw new UsageError(`--format: expected tour or json, got ${format}`);
      if (values.out !== undefined) checkWritable(values.out, `run ${ids[0]}`);
      const text = exportText(recordOf(store, ids[0]), format);
      if (values.out !== undefined) writeFileSync(values.out, text);
      else process.stdout.write(text);
      return 0;
    }
    case 'rm': {
      let missing = 0;
      for (const id of ids) {
        if (store.remove(id)) console.log(`deleted ${id}`);
        else {
          console.error(`kiln runs: no run ${id}`);
          missing++;
        }
      }
      return missing > 0 ? 1 : 0;
    }
    default: {
      // keep (checkAction lets no other action through)
      const removed = store.setMaxRuns(parseCount(ids[0], 'N', 1, 10_000));
      console.log(`keeping the newest ${store.settings().maxRuns} runs${removed.length > 0 ? `; deleted ${removed.length}` : ''}`);
      return 0;
    }
  }
}

/** Refuses an unknown action, missing or extra run ids, and options that do not go with the action. */
function checkAction(action: string | undefined, ids: string[], values: Record<string, unknown>): asserts action is string {
  if (action === undefined) throw new UsageError('list, show, export, rm or keep?', { showUsage: true });
  const takes = ACTIONS[action];
  if (takes === undefined) throw new UsageError(`unknown action '${action}' (list, show, export, rm or keep)`, { showUsage: true });
  const [least, most] = takes.ids;
  if (ids.length < least)
    throw new UsageError(action === 'keep' ? 'how many runs to keep? (kiln runs keep N)' : `which run to ${action}? (kiln runs list shows their ids)`, {
      showUsage: true,
    });
  if (ids.length > most)
    throw new UsageError(`unexpected argument '${ids[most]}' (${action} takes ${most === 0 ? 'no argument' : 'one'})`, { showUsage: true });
  const stray = Object.keys(values).find((option) => option !== 'state-dir' && values[option] !== undefined && !takes.options.includes(option));
  if (stray !== undefined) throw new UsageError(`--${stray} does not go with ${action}`, { showUsage: true });
}

function recordOf(store: RunStore, id: string): RunRecord {
  const record = store.get(id);
  if (!record) throw new UsageError(`no run ${id} (kiln runs list shows the kept ones)`);
  return record;
}

const length = (value: number | null) => (value === null ? '—' : value.toLocaleString('en-US'));
const gap = (summary: RunSummary) => (summary.gapPercent === undefined ? '' : ` gap ${summary.gapPercent.toFixed(3)} %`);

function listLine(summary: RunSummary): string {
  return `${summary.runId}  ${new Date(summary.startedAt).toISOString()}  ${summary.problemName} (${summary.n} cities)  ${summary.phase}  best ${length(summary.bestLength)}${gap(summary)}`;
}

function describe(record: RunRecord): string {
  return [
    listLine(record),
    `budget ${record.budgetMs / 1000} s, method ${record.method}${record.continued ? ', continued from a given tour' : ''}`,
    `ran ${new Date(record.startedAt).toISOString()} .. ${new Date(record.endedAt).toISOString()}, ${record.slicesDone} slices`,
    `machines: ${record.machines.map(({ workerId, slices }) => `${workerId} (${slices})`).join(', ') || 'none'}`,
    record.optimum === undefined ? 'no reference length' : `reference length ${length(record.optimum)}`,
    `convergence: ${record.convergence.length} samples${record.convergence.length > 0 ? `, ${length(record.convergence[0][1])} at ${record.convergence[0][0]} ms to ${length(record.convergence.at(-1)![1])} at ${record.convergence.at(-1)![0]} ms` : ''}`,
    ...(record.error ? [`error: ${record.error}`] : []),
  ].join('\n');
}

function exportText(record: RunRecord, format: 'tour' | 'json'): string {
  if (format === 'json') return runRecordJson(record);
  if (!record.tour) throw new UsageError(`run ${record.runId} has no tour (it ended before any slice completed)`);
  return formatTour(
    `${record.problemName}.${record.runId}.tour`,
    decodeInt32s(record.tour, 'tour'),
    record.bestLength ?? undefined,
    `Kiln run ${record.runId}`,
  );
}

export const command: Command = { usage, run };
