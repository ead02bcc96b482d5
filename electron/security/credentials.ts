/**
 * Per-launch credentials: fresh random tickets for the parts of one Kiln instance (the UI, the
 * orchestrator, the local compute). They live only in memory and in the URL printed to the user
 * who started Kiln; they are never logged elsewhere.
 */
import { randomBytes } from 'node:crypto';
import { Roles } from '../../shared/protocol/uris.ts';
import type { TicketPrincipal } from '../router/auth/ticket.ts';

export interface LaunchCredentials {
  ui: { authid: string; ticket: string };
  orchestrator: { authid: string; ticket: string };
  compute: { authid: string; ticket: string };
}

export function newSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

export function createLaunchCredentials(): LaunchCredentials {
  return {
    ui: { authid: 'ui', ticket: newSecret() },
    orchestrator: { authid: 'orchestrator', ticket: newSecret() },
    compute: { authid: 'local-compute', ticket: newSecret() },
  };
}

/** The ticket principals of one launch, for ticketAuth. */
export function launchPrincipals(credentials: LaunchCredentials): Record<string, TicketPrincipal> {
  return {
    [credentials.ui.authid]: { ticket: credentials.ui.ticket, role: Roles.controller },
    [credentials.orchestrator.authid]: { ticket: credentials.orchestrator.ticket, role: Roles.controller },
    [credentials.compute.authid]: { ticket: credentials.compute.ticket, role: Roles.compute },
  };
}
