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

type Handler = EventListenerOrEventListenerObject;

export function nodeEndpoint(port: NodePort): Endpoint {
  const listeners = new WeakMap<Handler, (data: unknown) => void>();
  return {
    postMessage: (message: unknown, transfer?: Transferable[]) => port.postMessage(message, transfer as unknown[] | undefined),
    addEventListener: (_type: string, handler: Handler) => {
      const l = (data: unknown): void => {
        const ev = { data } as MessageEvent;
        if (typeof handler === 'function') handler(ev);
        else handler.handleEvent(ev);
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
