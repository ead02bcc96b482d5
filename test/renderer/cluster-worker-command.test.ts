/**
 * The command the cluster page's invite dialog gives for adding a machine to the cluster: the router,
 * realm, authid, method and secret file as the operator gave them, each quoted only where the shell
 * needs it (a leading ~/ still expanded), placeholders while a field is empty, and never a secret.
 */
import { describe, expect, it } from 'vitest';
import { clusterWorkerCommand, shellWord } from '../../renderer/src/lib/cluster-worker-command.ts';

const cluster = { router: 'wss://wamp.example.org/ws', realm: 'kiln', center: 'lab' };

describe('the command that adds a machine to a router cluster', () => {
  it('names the router, realm, principal, method and secret file', () => {
    expect(clusterWorkerCommand(cluster, { authid: 'worker-rack1', method: 'cryptosign', secretFile: '~/.config/kiln/worker.key' })).toBe(
      'kiln worker --router wss://wamp.example.org/ws --realm kiln --authid worker-rack1 --authmethod cryptosign --secret-file ~/.config/kiln/worker.key',
    );
    expect(clusterWorkerCommand(cluster, { authid: ' ', method: 'ticket', secretFile: '' })).toBe(
      'kiln worker --router wss://wamp.example.org/ws --realm kiln --authid AUTHID --authmethod ticket --secret-file SECRET_FILE',
    );
  });

  it('quotes what the shell would otherwise split, expand or run', () => {
    expect(shellWord("it's $(rm -rf ~); x")).toBe(`'it'\\''s $(rm -rf ~); x'`);
    const command = clusterWorkerCommand(
      { router: 'wss://wamp.example.org/ws?x=1&y=2', realm: 'kiln', center: 'lab' },
      { authid: 'rack 1', method: 'wampcra', secretFile: '~/my keys/worker.secret' },
    );
    expect(command).toBe(
      "kiln worker --router 'wss://wamp.example.org/ws?x=1&y=2' --realm kiln --authid 'rack 1' --authmethod wampcra --secret-file ~/'my keys/worker.secret'",
    );
  });
});
