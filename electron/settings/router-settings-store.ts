/**
 * The desktop app's router setting (shared/router-settings.ts), kept as router.json in its state
 * directory. Saving checks everything a start would: the fields, and that the secret file exists, is
 * owner-only and holds a usable secret, so a mistake is reported in the form, not at the next launch.
 * The secret itself is read only when joining, and never stored here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EMBEDDED, parseRouterSettings, type RouterSettings, type RouterSettingsSaveAnswer } from '../../shared/router-settings.ts';
import { joinSettingsFrom, type JoinSettings } from '../commands/join-options.ts';
import { writeFileAtomic } from '../runs/atomic-file.ts';

const FILE = 'router.json';

export class RouterSettingsError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'RouterSettingsError';
  }
}

/** The saved setting; the embedded router when there is none, or (with `problem`) when the file is damaged. */
export function loadRouterSettings(stateDir: string): { settings: RouterSettings; problem?: string } {
  const path = join(stateDir, FILE);
  if (!existsSync(path)) return { settings: EMBEDDED };
  let parsed: ReturnType<typeof parseRouterSettings>;
  try {
    parsed = parseRouterSettings(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    return {
      settings: EMBEDDED,
      problem: `${path} is not readable JSON (${error instanceof Error ? error.message : String(error)}): using the embedded router`,
    };
  }
  if ('error' in parsed) return { settings: EMBEDDED, problem: `${path}: ${parsed.field}: ${parsed.error}: using the embedded router` };
  return { settings: parsed.settings };
}

/** Validates and saves; throws RouterSettingsError naming the field at fault. */
export function saveRouterSettings(stateDir: string, value: unknown): RouterSettings {
  const parsed = parseRouterSettings(value);
  if ('error' in parsed) throw new RouterSettingsError(parsed.field, parsed.error);
  if (parsed.settings.mode === 'cluster') clusterJoinSettings(parsed.settings);
  writeFileAtomic(join(stateDir, FILE), `${JSON.stringify(parsed.settings, null, 2)}\n`);
  return parsed.settings;
}

/** saveRouterSettings for the settings form: a mistake is an answer naming the field, not an exception. */
export function saveRouterSettingsAnswer(stateDir: string, value: unknown): RouterSettingsSaveAnswer {
  try {
    return { saved: saveRouterSettings(stateDir, value) };
  } catch (error) {
    if (error instanceof RouterSettingsError) return { field: error.field, error: error.message };
    throw error;
  }
}

/** The realm and credentials to join with, the secret read from its file (checked as `--secret-file` is). */
export function clusterJoinSettings(settings: Extract<RouterSettings, { mode: 'cluster' }>): JoinSettings {
  try {
    return joinSettingsFrom({ realm: settings.realm, authid: settings.authid, authmethod: settings.authmethod, 'secret-file': settings.secretFile }, {});
  } catch (error) {
    throw new RouterSettingsError('secretFile', (error instanceof Error ? error.message : String(error)).replace('--secret-file ', 'the secret file '));
  }
}
