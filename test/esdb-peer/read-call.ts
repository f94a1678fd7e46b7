/**
 * One server-streaming `Streams.Read` call as the peer drives it: messages go
 * out in order, but while readers are stalled they are held (in order, with
 * the end of the call) until the stall is released. Aborting drops what is
 * held and ends the call with a status at once, like a server that gives up
 * on the call.
 */
import type grpc from '@grpc/grpc-js';

import type { ReadReq, ReadResp } from './proto.js';
import type { PeerStatus } from './wire.js';

export interface ReadCallHost {
  /** True while the peer holds messages for every reader. */
  readonly readersStalled: boolean;
  /** A message was held back. */
  noteHeld(call: ReadCall): void;
  /** The call is over (ended, aborted or cancelled by the client). */
  forget(call: ReadCall): void;
}

type Pending = { readonly kind: 'message'; readonly message: ReadResp } | { readonly kind: 'end' };

export class ReadCall {
  private readonly pending: Pending[] = [];
  /** No more messages are accepted. */
  private closing = false;
  /** The gRPC call is over as far as the peer is concerned. */
  private done = false;
  private readonly closeListeners: Array<() => void> = [];

  constructor(
    readonly call: grpc.ServerWritableStream<ReadReq, ReadResp>,
    private readonly host: ReadCallHost,
  ) {
    call.on('cancelled', () => this.finish());
  }

  get isOpen(): boolean {
    return !this.done;
  }

  /** Messages held back by a stall. */
  get held(): number {
    return this.pending.filter((item) => item.kind === 'message').length;
  }

  onClose(listener: () => void): void {
    if (this.done) listener();
    else this.closeListeners.push(listener);
  }

  send(message: ReadResp): void {
    if (this.closing) return;
    this.enqueue({ kind: 'message', message });
  }

  end(): void {
    if (this.closing) return;
    this.closing = true;
    this.enqueue({ kind: 'end' });
  }

  /** Ends the call now with `status`, dropping held messages. */
  abort(status: PeerStatus): void {
    if (this.done) return;
    this.finish();
    this.call.emit('error', { code: status.code, details: status.details, metadata: status.metadata });
  }

  /** Forgets the call without touching it (its transport is being torn down). */
  detach(): void {
    this.finish();
  }

  /** Sends what was held, unless readers are (still) stalled. */
  flush(): void {
    while (!this.done && !this.host.readersStalled) {
      const item = this.pending.shift();
      if (item === undefined) return;
      this.deliver(item);
    }
  }

  private enqueue(item: Pending): void {
    if (this.done) return;
    if (this.host.readersStalled || this.pending.length > 0) {
      this.pending.push(item);
      if (item.kind === 'message') this.host.noteHeld(this);
      return;
    }
    this.deliver(item);
  }

  private deliver(item: Pending): void {
    if (item.kind === 'message') {
      this.call.write(item.message);
      return;
    }
    this.finish();
    this.call.end();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.closing = true;
    this.pending.length = 0;
    this.host.forget(this);
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}
