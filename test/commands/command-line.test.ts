/**
 * Bad command lines, as users type them, against the real `kiln` process: each is refused with exit
 * code 2 and one line `kiln <command>: message` naming the option or argument (and, for an unknown
 * option or an extra argument, the command's usage line), never Node's parseArgs wording, a doubled
 * `kiln: kiln runs:` prefix, or a number read the way JavaScript's Number() reads it.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCount, parsePort } from '../../electron/commands/options.ts';
import { runKiln } from '../helpers/kiln-process.ts';

// Whatever a command would make in the default state directory lands here, and is looked at.
const home = mkdtempSync(join(tmpdir(), 'kiln-home-'));
const env = { HOME: home, XDG_CONFIG_HOME: '' };
afterAll(() => rmSync(home, { recursive: true, force: true }));

async function refusal(args: string[]): Promise<string[]> {
  const { code, stdout, stderr } = await runKiln(args, env);
  expect(code, `kiln ${args.join(' ')}: ${stderr}`).toBe(2);
  expect(stdout).toBe('');
  return stderr.trimEnd().split('\n');
}

describe('kiln refuses bad input in one line that names the command', () => {
  it.each([
    [['runs'], 'kiln runs: list, show, export, rm or keep?'],
    [['runs', 'frob'], "kiln runs: unknown action 'frob' (list, show, export, rm or keep)"],
    [['runs', 'rm'], 'kiln runs: which run to rm? (kiln runs list shows their ids)'],
    [['runs', 'keep'], 'kiln runs: how many runs to keep? (kiln runs keep N)'],
    [['router'], 'kiln router: no way to join configured; pass --anonymous (loopback hosts only)'],
    [['serve', '--tls', '--insecure'], 'kiln serve: give --tls or --insecure, not both'],
    [['worker', '--router', 'ws://127.0.0.1:1/ws', '--join', 'env'], 'kiln worker: give --router or --join, not both'],
    [['solve', 'x.tsp'], 'kiln solve: --budget is required (e.g. --budget 10s)'],
  ])('kiln %j', async (args, line) => {
    expect((await refusal(args))[0]).toBe(line);
  });
});

describe('kiln solve checks every option before it reads a file', () => {
  // A missing city file, so that each refusal shows it came first.
  const missing = join(home, 'cities.tsp');
  it.each([
    [['--scheme', 'fastest'], 'kiln solve: --scheme must be one of auto, whole, segments, population'],
    [['--seed', '-1'], "kiln solve: --seed must be an integer from 0 to 2147483647, got '-1'"],
    [['--optimum', '0'], "kiln solve: --optimum must be an integer from 1 to 9007199254740991, got '0'"],
    [['--workers', '0'], "kiln solve: --workers must be an integer from 1 to 1024, got '0'"],
    [['--router', 'http://127.0.0.1:1/ws'], "kiln solve: --router must be a ws:// or wss:// URL, got 'http://127.0.0.1:1/ws'"],
    [['--router', 'ws://127.0.0.1:1/ws', '--realm', 'a realm'], "kiln solve: --realm must be 1-255 letters, digits, '.', '_' or '-', got 'a realm'"],
  ])('kiln solve FILE --budget 1s %j', async (args, line) => {
    expect(await refusal(['solve', missing, '--budget', '1s', ...args])).toEqual([line]);
  });
});

describe('kiln reads options and arguments strictly', () => {
  it.each([
    // A negative number is a value, refused by the option's own check, not an "ambiguous" one.
    [['solve', 'x.tsp', '--budget', '-5'], "kiln solve: --budget must be a duration like 10s, 500ms or 2m, got '-5'"],
    [['serve', '--threads', '-1'], "kiln serve: --threads must be an integer from 0 to 1024, got '-1'"],
    [['worker', '--threads', '-1'], "kiln worker: --threads must be an integer from 1 to 1024, got '-1'"],
    // Integers are written in decimal digits.
    [['runs', 'keep', '0x10'], "kiln runs: N must be an integer from 1 to 10000, got '0x10'"],
    [['runs', 'keep', '1e1'], "kiln runs: N must be an integer from 1 to 10000, got '1e1'"],
    [['solve', 'x.tsp', '--budget', '1s', '--move-type', '0x3'], 'kiln solve: --move-type must be one of 2, 3, 4, 5'],
    // `--port=` is no port (it was port 0, a free one): refused before the next option's check.
    [['router', '--anonymous', '--port=', '--rawsocket-port', 'x'], 'kiln router: --port needs a value, got an empty one'],
    [
      ['serve', '--host', '--port', '1'],
      "kiln serve: --host needs a value (the next argument, '--port', is an option; write --host=--port if it is the value)",
    ],
  ])('kiln %j', async (args, line) => {
    expect((await refusal(args))[0]).toBe(line);
  });

  it.each([
    [
      ['runs', 'list', '--json', 'extra'],
      "kiln runs: unexpected argument 'extra' (list takes no argument)",
      'usage: kiln runs <list|show|export|rm|keep> [options]',
    ],
    [['runs', 'show', 'a', 'b'], "kiln runs: unexpected argument 'b' (show takes one)", 'usage: kiln runs <list|show|export|rm|keep> [options]'],
    [['runs', 'list', '--bogus'], "kiln runs: unknown option '--bogus'", 'usage: kiln runs <list|show|export|rm|keep> [options]'],
    [['runs', 'list', '--out', 'x'], 'kiln runs: --out does not go with list', 'usage: kiln runs <list|show|export|rm|keep> [options]'],
    [['runs', 'list', '--json=yes'], "kiln runs: --json takes no value, got '--json=yes'", 'usage: kiln runs <list|show|export|rm|keep> [options]'],
    [['serve', 'extra'], "kiln serve: unexpected argument 'extra'", 'usage: kiln serve [options]'],
    [['router', '--anonymous', '--colour'], "kiln router: unknown option '--colour'", 'usage: kiln router [options]'],
    [
      ['solve', 'a.tsp', 'b.tsp', '--budget', '1s'],
      "kiln solve: unexpected argument 'b.tsp' (one city FILE at a time)",
      'usage: kiln solve FILE --budget 10s [options]',
    ],
  ])('kiln %j names what is wrong and the usage', async (args, line, usage) => {
    const subcommand = args[0];
    expect(await refusal(args)).toEqual([line, usage, `Run 'kiln ${subcommand} --help' for its options.`]);
  });

  it('takes only decimal integers for counts and ports', () => {
    for (const bad of ['1e1', '0x10', '1.5', '', ' 5', '+5', '5 ']) {
      expect(() => parseCount(bad, '--threads', 0, 1024)).toThrow(`--threads must be an integer from 0 to 1024, got '${bad}'`);
      expect(() => parsePort(bad, '--port')).toThrow(`--port must be a port number (0-65535), got '${bad}'`);
    }
    expect(parseCount('010', '--threads', 0, 1024)).toBe(10);
    expect(parsePort('0', '--port')).toBe(0);
  });

  it('made nothing in the default state directory while refusing', () => {
    expect(readdirSync(home)).toEqual([]);
  });
});
