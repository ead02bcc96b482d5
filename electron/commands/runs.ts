/**
 * `kiln runs list|show|export|rm|keep`: the run history in the state directory, headless. Works on the
 * files directly (each is replaced atomically, so a running `kiln serve` never shows a torn one).
 */
import { statSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { RunRecord, RunSummary } from '../../shared/protocol/wire.ts';
import { decodeInt32s } from '../../shared/protocol/codecs.ts';
import { runRecordJson } from '../../shared/run-export.ts';
import { defaultStateDir } from '../tls/tls-identity.ts';
import { RunStore } from '../runs/run-store.ts';
import { UsageError, type Command } from './command.ts';
import { parseCount } from './options.ts';
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

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      'state-dir': { type: 'string' },
      format: { type: 'string', default: 'tour' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const [action, ...ids] = positionals;
  if (values['state-dir'] !== undefined) checkStateDir(values['state-dir']);
  const store = new RunStore(values['state-dir'] ?? defaultStateDir());
  switch (action) {
    case 'list': {
      const runs = store.list();
      if (values.json) console.log(JSON.stringify(runs, null, 2));
      else if (runs.length === 0) console.log('no runs kept');
      else for (const summary of runs) console.log(listLine(summary));
      return 0;
    }
    case 'show': {
      const record = recordOf(store, ids);
      if (values.json) console.log(JSON.stringify({ ...record, tour: undefined, problem: undefined }, null, 2));
      else console.log(describe(record));
      return 0;
    }
    case 'export': {
      const record = recordOf(store, ids);
      const text = exportText(record, values.format);
      if (values.out) writeFileSync(values.out, text);
      else process.stdout.write(text);
      return 0;
    }
    case 'rm': {
      if (ids.length === 0) throw new UsageError('kiln runs rm: which run? (kiln runs list shows their ids)');
      let missing = 0;
      for (const id of ids) {
        if (store.remove(id)) console.log(`deleted ${id}`);
        else {
          console.error(`no run ${id}`);
          missing++;
        }
      }
      return missing > 0 ? 1 : 0;
    }
    case 'keep': {
      if (ids.length !== 1) throw new UsageError('kiln runs keep N: how many runs to keep');
      const removed = store.setMaxRuns(parseCount(ids[0], 'N', 1, 10_000));
      console.log(`keeping the newest ${store.settings().maxRuns} runs${removed.length > 0 ? `; deleted ${removed.length}` : ''}`);
      return 0;
    }
    default:
      throw new UsageError(action === undefined ? 'kiln runs: list, show, export, rm or keep?' : `kiln runs: unknown action '${action}'`);
  }
}

/** A --state-dir that names no directory is a typo: said so, rather than made there and listed as empty. */
function checkStateDir(dir: string): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    // Missing or unreadable: refused below alike.
  }
  if (!isDirectory) throw new UsageError(`--state-dir ${dir}: no such directory (kiln serve --state-dir makes one; the default is ${defaultStateDir()})`);
}

function recordOf(store: RunStore, ids: string[]): RunRecord {
  if (ids.length !== 1) throw new UsageError('which run? (kiln runs list shows their ids)');
  const record = store.get(ids[0]);
  if (!record) throw new UsageError(`no run ${ids[0]} (kiln runs list shows the kept ones)`);
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

function exportText(record: RunRecord, format: string | undefined): string {
  if (format === 'json') return runRecordJson(record);
  if (format !== 'tour') throw new UsageError(`--format: expected tour or json, got ${format}`);
  if (!record.tour) throw new UsageError(`run ${record.runId} has no tour (it ended before any slice completed)`);
  return formatTour(
    `${record.problemName}.${record.runId}.tour`,
    decodeInt32s(record.tour, 'tour'),
    record.bestLength ?? undefined,
    `Kiln run ${record.runId}`,
  );
}

export const command: Command = { usage, run };
