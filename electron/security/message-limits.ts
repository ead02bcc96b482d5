/**
 * The largest message a compute session may send: its REGISTER, load events and problem fetches are
 * small, and its one large message is a slice result, a tour of the largest problem Kiln is solving or
 * has just solved. Anything bigger is refused by the router from the frame's length header, before it
 * is read or decoded (a 4 MB reply used to block the control center for seconds).
 */

/** Room for everything but the tour (stats, ids, WAMP framing). */
const BASE_BYTES = 64 * 1024;
/**
 * Bytes per city of a tour: 4 as Int32 bytes (Kiln's callees, MessagePack), at most 5 as a MessagePack
 * number array, and under 8 in JSON (6-digit numbers, or base64 of the bytes).
 */
const BYTES_PER_CITY = 8;

export function computeMessageLimit(largestCities: number): number {
  return BASE_BYTES + BYTES_PER_CITY * Math.max(0, largestCities);
}
