/** Authentication methods and the static authorizer; a realm's `auth` list takes any AuthMethod. */
export { anonymousAuth, type AnonymousOptions } from './anonymous.ts';
export { ticketAuth, type TicketGrant, type TicketOptions, type TicketPrincipal, type TicketVerify } from './ticket.ts';
export { wampcraAuth, deriveCraKey, type CraPrincipal, type WampCraOptions } from './wampcra.ts';
export { cryptosignAuth, type CryptosignOptions, type CryptosignPrincipal } from './cryptosign.ts';
export { customAuth } from './custom.ts';
export { createStaticAuthorizer, type StaticAuthorizer } from './static-authorizer.ts';
export { AUTHENTICATION_FAILED, NOT_AUTHORIZED } from './common.ts';
