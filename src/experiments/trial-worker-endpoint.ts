/**
 * Comlink's Endpoint over a node:worker_threads MessagePort or Worker (comlink's own
 * node-adapter, typed here so that no declaration file is needed under NodeNext). Either thread.
 */
import type { Endpoint } from 'comlink';

interface NodePort {
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  on(type: 'message', listener: (data: unknown) => void): unknown;
  off(type: 'message', listener: (data: unknown) => void): unknown;
  start?: () => void;
}

type Handler = Parameters<Endpoint['addEventListener']>[1];
type Transfer = Parameters<Endpoint['postMessage']>[1];

export function nodeEndpoint(port: NodePort): Endpoint {
  const listeners = new WeakMap<Handler, (data: unknown) => void>();
  return {
    postMessage: (message: unknown, transfer?: Transfer) => port.postMessage(message, transfer as unknown[] | undefined),
    addEventListener: (_type: string, handler: Handler) => {
      const l = (data: unknown): void => {
        const ev = { data };
        const h = handler as ((e: unknown) => void) | { handleEvent(e: unknown): void };
        if (typeof h === 'function') h(ev);
        else h.handleEvent(ev);
      };
      port.on('message', l);
      listeners.set(handler, l);
    },
    removeEventListener: (_type: string, handler: Handler) => {
      const l = listeners.get(handler);
      if (l === undefined) return;
      port.off('message', l);
      listeners.delete(handler);
    },
    ...(port.start ? { start: port.start.bind(port) } : {}),
  } as Endpoint;
}
