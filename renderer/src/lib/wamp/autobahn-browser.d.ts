/**
 * The slice of autobahn-browser (a prebuilt UMD bundle; the npm `autobahn` package needs Node
 * polyfills in a page) that the session module uses. Promises are `when` promises: thenables.
 */
declare module 'autobahn-browser' {
  export interface Serializer {
    readonly SERIALIZER_ID: string;
    readonly BINARY: boolean;
  }

  export interface EventDetails {
    topic: string;
    publication: number;
  }

  export interface Subscription {
    readonly topic: string;
  }

  export interface Session {
    readonly id: number;
    readonly isOpen: boolean;
    call<T = unknown>(
      procedure: string,
      args?: unknown[],
      kwargs?: Record<string, unknown>,
      /** disclose_me: ask the router to tell the callee this session's id (where the role allows it). */
      options?: { timeout?: number; disclose_me?: boolean },
    ): PromiseLike<T>;
    subscribe(
      topic: string,
      handler: (args: unknown[] | undefined, kwargs: Record<string, unknown> | undefined, details: EventDetails) => void,
      options?: { match?: 'exact' | 'prefix' | 'wildcard' },
    ): PromiseLike<Subscription>;
  }

  export interface CloseDetails {
    reason: string | null;
    message: string | null;
    retry_delay: number | null;
    retry_count: number | null;
    will_retry: boolean;
  }

  export interface ConnectionOptions {
    realm: string;
    transports: { type: 'websocket'; url: string; serializers?: Serializer[] }[];
    authmethods?: string[];
    authid?: string;
    /** HELLO.Details.authextra (cryptosign: the public key, {pubkey}). */
    authextra?: Record<string, unknown>;
    onchallenge?: (session: Session, method: string, extra: unknown) => string;
    max_retries?: number;
    initial_retry_delay?: number;
    max_retry_delay?: number;
    retry_delay_growth?: number;
    retry_delay_jitter?: number;
  }

  export class Connection {
    constructor(options: ConnectionOptions);
    onopen: (session: Session, details: unknown) => void;
    /** Return true to cancel the automatic reconnect. */
    onclose: (reason: 'closed' | 'lost' | 'unreachable' | 'unsupported', details: CloseDetails) => boolean;
    open(): void;
    close(reason?: string, message?: string): void;
  }

  /** A call answered with an error: the WAMP error URI and its arguments. */
  export class Error {
    error: string;
    args: unknown[];
    kwargs: Record<string, unknown>;
  }

  export const serializer: {
    JSONSerializer: new () => Serializer;
    MsgpackSerializer?: new () => Serializer;
  };

  const autobahn: {
    Connection: typeof Connection;
    Error: typeof Error;
    serializer: typeof serializer;
    /** WAMP-CRA: the HMAC-SHA256 signature of a challenge, and PBKDF2 for salted secrets (base64). */
    auth_cra: {
      sign(key: string, challenge: string): string;
      derive_key(secret: string, salt: string, iterations?: number, keylen?: number): string;
    };
    /** The bundled tweetnacl: Ed25519 for WAMP-Cryptosign. */
    nacl: {
      sign: {
        keyPair: { fromSeed(seed: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array } };
        detached(message: Uint8Array, secretKey: Uint8Array): Uint8Array;
      };
    };
  };
  export default autobahn;
}
