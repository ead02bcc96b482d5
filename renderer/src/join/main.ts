/**
 * The join page's entry: a browser offering its cores to Kiln through an invite link. Small on
 * purpose (no control-center code): a phone opens it from a QR code.
 */
import { mount } from 'svelte';
import Join from './Join.svelte';
import { Donor } from './donor.svelte.ts';
import { contribution } from './contribution.svelte.ts';
import { browserHostLabel } from './host-label.ts';
import { parseJoinFragment, takeJoinFragment } from './invite.ts';

const cores = navigator.hardwareConcurrency || 1;
const { invite, threads, fingerprint } = parseJoinFragment(takeJoinFragment(window), cores);
const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
const donor = new Donor({
  invite,
  threads,
  url: `${scheme}//${location.host}/ws`,
  workerId: `browser-${randomHex(4)}`,
  host: browserHostLabel(navigator.userAgent),
  cores,
});

/** crypto.randomUUID needs a secure context; a phone on http://LAN-IP is not one, getRandomValues works anywhere. */
function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

mount(Join, { target: document.getElementById('app')!, props: { donor, fingerprint } });
donor.join();
setInterval(() => contribution.tick(), 1000);
document.addEventListener('visibilitychange', () => donor.onVisibility(document.visibilityState === 'hidden'));
// pagehide, not unload: it also fires when a phone discards or back-forward-caches the page.
addEventListener('pagehide', () => donor.leave('left'));
addEventListener('pageshow', (event) => {
  if (event.persisted) donor.join();
});
