import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseRouterSettings } from '../../shared/router-settings.ts';
import { writeSecretFile } from '../helpers/secret-files.ts';
import { clusterJoinSettings, loadRouterSettings, saveRouterSettings, saveRouterSettingsAnswer } from '../../electron/settings/router-settings-store.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kiln-settings-'));
  dirs.push(dir);
  return dir;
}

const secretFile = (dir: string, secret: string, mode?: number): string => writeSecretFile(dir, 'control.ticket', `${secret}\n`, mode);

const cluster = (secretFile: string) => ({
  mode: 'cluster',
  router: 'wss://wamp.example.org/ws',
  realm: 'compute.example',
  center: 'lab1',
  authid: 'control-lab',
  authmethod: 'ticket',
  secretFile,
});

describe("the desktop app's router setting", () => {
  it('is the embedded router until one is saved, and a saved cluster setting is what the next launch loads', () => {
    const dir = stateDir();
    expect(loadRouterSettings(dir)).toEqual({ settings: { mode: 'embedded' } });
    const saved = saveRouterSettings(dir, cluster(secretFile(dir, 's3cret')));
    expect(saved).toEqual(cluster(join(dir, 'control.ticket')));
    expect(loadRouterSettings(dir)).toEqual({ settings: saved });
    // The secret is read from its file when joining, never written into the settings.
    expect(readFileSync(join(dir, 'router.json'), 'utf8')).not.toContain('s3cret');
    expect(clusterJoinSettings(saved as Extract<typeof saved, { mode: 'cluster' }>)).toMatchObject({
      realm: 'compute.example',
      credentials: { method: 'ticket', authid: 'control-lab', ticket: 's3cret' },
    });
    expect(saveRouterSettings(dir, { mode: 'embedded' })).toEqual({ mode: 'embedded' });
    expect(loadRouterSettings(dir)).toEqual({ settings: { mode: 'embedded' } });
  });

  it('refuses each bad field with its name and a reason, and keeps what was saved', () => {
    const dir = stateDir();
    const good = cluster(secretFile(dir, 's3cret'));
    saveRouterSettings(dir, good);
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ router: 'http://wamp.example.org/ws' }, 'router', /ws:\/\/ or wss:\/\//],
      [{ router: 'wss://user:pw@wamp.example.org/ws' }, 'router', /user name or password/],
      [{ realm: 'bad realm' }, 'realm', /realm/],
      [{ center: 'Lab-1' }, 'center', /lower-case letters and digits/],
      [{ authid: ' ' }, 'authid', /authid/],
      [{ authmethod: 'anonymous' }, 'authmethod', /ticket, wampcra or cryptosign/],
      [{ secretFile: 'relative/path' }, 'secretFile', /full path/],
      [{ secretFile: join(dir, 'missing') }, 'secretFile', /ENOENT/],
      [{ mode: 'elsewhere' }, 'mode', /embedded' or 'cluster/],
    ];
    for (const [change, field, message] of cases) {
      expect(() => saveRouterSettings(dir, { ...good, ...change })).toThrow(expect.objectContaining({ field, message: expect.stringMatching(message) }));
    }
    const shared = writeSecretFile(dir, 'shared.ticket', 'x\n', 0o644);
    expect(() => saveRouterSettings(dir, { ...good, secretFile: shared })).toThrow(/readable by group or others/);
    expect(() => saveRouterSettings(dir, { ...good, authmethod: 'cryptosign' })).toThrow(/cryptosign key must be/);
    expect(loadRouterSettings(dir)).toEqual({ settings: good });
    expect(parseRouterSettings(null)).toMatchObject({ field: 'mode' });
  });

  it('answers the settings form with the field at fault, or with what it saved', () => {
    const dir = stateDir();
    const good = cluster(secretFile(dir, 's3cret'));
    expect(saveRouterSettingsAnswer(dir, { ...good, secretFile: join(dir, 'missing') })).toEqual({
      field: 'secretFile',
      error: expect.stringMatching(/ENOENT/),
    });
    expect(saveRouterSettingsAnswer(dir, { ...good, router: 'ftp://x' })).toEqual({ field: 'router', error: expect.stringMatching(/ws:\/\//) });
    expect(loadRouterSettings(dir)).toEqual({ settings: { mode: 'embedded' } });
    expect(saveRouterSettingsAnswer(dir, good)).toEqual({ saved: good });
    expect(saveRouterSettingsAnswer(dir, { mode: 'embedded' })).toEqual({ saved: { mode: 'embedded' } });
    expect(loadRouterSettings(dir)).toEqual({ settings: { mode: 'embedded' } });
  });

  it('falls back to the embedded router, saying why, when the file is damaged', () => {
    const dir = stateDir();
    writeFileSync(join(dir, 'router.json'), '{"mode": "cluster", "router": "ws://x/ws"');
    expect(loadRouterSettings(dir)).toMatchObject({ settings: { mode: 'embedded' }, problem: expect.stringMatching(/not readable JSON/) });
    writeFileSync(join(dir, 'router.json'), JSON.stringify({ ...cluster('/k'), center: 'NO' }));
    expect(loadRouterSettings(dir)).toMatchObject({ settings: { mode: 'embedded' }, problem: expect.stringMatching(/center: /) });
  });
});
