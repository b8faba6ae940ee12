/**
 * A user workload, written against gcsim's public API only: a FIFO queue of messages as a
 * linked list with a head and a tail global. Each message lives for `window` enqueues, so
 * objects die middle-aged: most are promoted before they die, and every enqueue writes a young
 * object into an older one (the generational barrier). Run it with
 * `npx gcsim run --workload-file examples/queue-workload.mjs --threads 2 --trace-gc`.
 */
import { defineWorkload, KIND_TAGGED } from 'gcsim';

const NEXT = 0;
const PAYLOAD = 1;
const SEQ = 2;

export default defineWorkload({
  name: 'queue',
  description: 'a FIFO queue of messages that each live for a window of enqueues',
  params: {
    messages: { default: 200_000, min: 1, doc: 'messages enqueued in total' },
    window: { default: 20_000, min: 1, max: 1_000_000, doc: 'messages alive at once' },
    payloadBytes: { default: 64, min: 4, max: 65_536, doc: 'bytes of each message payload (a string)' },
  },
  run(m, rng, p) {
    const message = m.maps.define('Queue.Message', KIND_TAGGED);
    const s = m.openScope();
    const first = m.allocate(message, 3);
    m.setGlobal('head', first);
    m.setGlobal('tail', first);
    m.closeScope(s);
    let length = 1;
    for (let i = 0; i < p.messages; i++) {
      const t = m.openScope();
      const msg = m.allocate(message, 3);
      m.set(msg, PAYLOAD, m.allocateString(p.payloadBytes, rng.int(1 << 30)));
      m.setSmi(msg, SEQ, i & 0x3fffffff);
      m.set(m.getGlobal('tail'), NEXT, msg);
      m.setGlobal('tail', msg);
      if (++length > p.window) {
        m.setGlobal('head', m.get(m.getGlobal('head'), NEXT));
        length--;
      }
      m.closeScope(t);
      m.work(1);
    }
  },
});
