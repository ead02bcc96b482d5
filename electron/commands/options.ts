/** Option parsing and process helpers shared by the commands. */
import { normalizeFingerprint } from '../../shared/fingerprint.ts';
import { parseHostName, parseOrigin } from '../http/host-policy.ts';
import { UsageError } from './command.ts';

/** Decimal digits, with a sign: `1e1`, `0x10`, `1.5`, ` 5` or '' are not integers here, as Number() would have them. */
const INTEGER = /^-?\d+$/;

export function parsePort(value: string, flag: string): number {
  const n = INTEGER.test(value) ? Number(value) : NaN;
  if (!(n >= 0 && n <= 65535)) throw new UsageError(`${flag} must be a port number (0-65535), got '${value}'`);
  return n;
}

export function parseCount(value: string, flag: string, min: number, max: number): number {
  const n = INTEGER.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got '${value}'`);
  return n;
}

/**
 * "10s", "1.5m", "500ms" or a plain number of seconds, as milliseconds, from minMs to maxMs (a usage
 * error outside them, so that a bad value is refused here with one line, not by the callee).
 */
export function parseDuration(value: string, flag: string, minMs = 0, maxMs = Number.MAX_SAFE_INTEGER): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) throw new UsageError(`${flag} must be a duration like 10s, 500ms or 2m, got '${value}'`);
  const scale = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  const ms = Math.round(Number(match[1]) * scale);
  if (ms < minMs || ms > maxMs) throw new UsageError(`${flag} must be from ${formatDuration(minMs)} to ${formatDuration(maxMs)}, got '${value}'`);
  return ms;
}

/** 100 -> "100ms", 86400000 -> "24h": the largest unit that divides the value. */
function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const)
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

export function parseRouterUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--router must be a ws:// or wss:// URL, got '${value}'`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new UsageError(`--router must be a ws:// or wss:// URL, got '${value}'`);
  return url.toString();
}

/**
 * --tls-fingerprint beside a --router URL: the SHA-256 fingerprint to pin, as `kiln serve --tls` prints it
 * or as openssl does (AB:CD:...); only a wss:// router has a certificate to pin.
 */
export function parsePinnedFingerprint(value: string | undefined, routerUrl: string): string | undefined {
  if (value === undefined) return undefined;
  const hex = normalizeFingerprint(value);
  if (hex === null) throw new UsageError(`--tls-fingerprint must be a SHA-256 fingerprint (64 hex digits), got '${value}'`);
  if (!routerUrl.startsWith('wss://')) throw new UsageError('--tls-fingerprint needs a wss:// --router');
  return hex;
}

/**
 * Resolves on the first SIGINT or SIGTERM. The handlers stay installed: a repeated signal (Ctrl-C reaches
 * the whole process group) is the same request, not a reason to die mid-shutdown. Call it before printing
 * a ready line, so a signal sent on seeing that line is never met by the default action (death, exit null).
 */
export function waitForShutdown(): Promise<void> {
  return new Promise((resolve) => {
    process.on('SIGINT', () => resolve());
    process.on('SIGTERM', () => resolve());
  });
}

/** --allow-host and --allow-origin values (repeatable), checked. */
export function allowLists(hosts: string[] | undefined, origins: string[] | undefined): { allowHosts: string[]; allowOrigins: string[] } {
  const checked = <T>(value: T | Error): T => {
    if (value instanceof Error) throw new UsageError(value.message);
    return value;
  };
  return { allowHosts: (hosts ?? []).map((host) => checked(parseHostName(host))), allowOrigins: (origins ?? []).map((origin) => checked(parseOrigin(origin))) };
}

export const ALLOW_OPTIONS_USAGE = `  --allow-host NAME   also answer to this Host name (behind a reverse proxy); repeatable
  --allow-origin URL  also accept WebSocket sessions from pages of this origin (https://NAME[:PORT]); repeatable`;
