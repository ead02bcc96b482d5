import autobahn from 'autobahn';
import { anonymousAuth } from '../../electron/router/auth/anonymous.ts';
import type { RealmConfig } from '../../electron/router/types.ts';

/** A realm where anonymous (loopback) sessions may do everything, disclosing callers on request. */
export function openRealm(name = 'realm1'): RealmConfig {
  return {
    name,
    auth: [anonymousAuth({ role: 'anonymous' })],
    roles: [
      {
        name: 'anonymous',
        permissions: [
          { uri: '', match: 'prefix', allow: { call: true, register: true, publish: true, subscribe: true }, disclose: { caller: true, publisher: true } },
        ],
      },
    ],
  };
}

export type SerializerName = 'json' | 'msgpack' | 'cbor';

function autobahnSerializer(name: SerializerName): unknown {
  // @types/autobahn does not declare the serializer classes autobahn-js exports.
  const { serializer: serializers } = autobahn as unknown as { serializer: Record<string, new () => unknown> };
  return new serializers[{ json: 'JSONSerializer', msgpack: 'MsgpackSerializer', cbor: 'CBORSerializer' }[name]]();
}

/** Opens a real autobahn-js session; the returned close() ends it and waits for the connection to go. */
export function autobahnSession(
  url: string,
  serializer: SerializerName = 'json',
  realm = 'realm1',
): Promise<{ session: autobahn.Session; close(): Promise<void> }> {
  const connection = new autobahn.Connection({
    url,
    realm,
    serializers: [autobahnSerializer(serializer)],
    max_retries: 0,
  } as autobahn.IConnectionOptions);
  return new Promise((resolve, reject) => {
    connection.onopen = (session) =>
      resolve({
        session,
        close: () =>
          new Promise<void>((done) => {
            connection.onclose = () => {
              done();
              return true;
            };
            connection.close();
          }),
      });
    connection.onclose = (reason, details) => {
      reject(new Error(`autobahn connection closed: ${reason} ${JSON.stringify(details)}`));
      return true;
    };
    connection.open();
  });
}
