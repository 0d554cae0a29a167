// Responsible for XPAY message keys made ahead of the requests that use them: a request is sealed without waiting for RSA, and no key seals two messages.
import type { KeyObject } from "node:crypto";
import { makeMessageKey, type MessageKey } from "./envelope.js";

/** Keys kept ready: enough for a burst of wallets, a few KiB of memory. */
const READY_MESSAGE_KEYS = 8;

/** Lives with its client: one per pair of keys (XPAY's public key, the partner's private key). */
export class MessageKeys {
  private readonly ready: MessageKey[] = [];
  private making = 0;
  private closed = false;

  constructor(
    private readonly keys: { recipientPublicKey: KeyObject; senderPrivateKey: KeyObject },
    private readonly target = READY_MESSAGE_KEYS,
  ) {}

  /** A key no message has used: a ready one, or, when a burst has used them all, one made now. Each is handed out once. */
  take(): Promise<MessageKey> {
    const key = this.ready.shift();
    this.refill();
    return key ? Promise.resolve(key) : makeMessageKey(this.keys);
  }

  /** How many keys are ready now. */
  get readyCount(): number {
    return this.ready.length;
  }

  /** Stops making keys and forgets the ready ones. */
  close(): void {
    this.closed = true;
    this.ready.length = 0;
  }

  private refill(): void {
    while (!this.closed && this.ready.length + this.making < this.target) {
      this.making++;
      // After the work in hand: the request being sealed now, and every request of this turn, are written in this
      // turn's check phase (undici checks idle sockets there first); a timer runs only in the next turn, so the
      // RSA encryption made here on the event loop never holds back a request on its way out.
      setTimeout(() => {
        if (this.closed) {
          this.making--;
          return;
        }
        makeMessageKey(this.keys).then(
          (key) => {
            this.making--;
            if (!this.closed) this.ready.push(key);
          },
          () => {
            // A key that cannot be made now is made by the request that needs it, which reports why.
            this.making--;
          },
        );
      }, 0).unref();
    }
  }
}
