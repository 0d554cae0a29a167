// Checks the XPAY message keys made ahead: each seals one message only, every one opens at XPAY, and the supply refills and stops.
import crypto from "node:crypto";
import { syncBuiltinESMExports } from "node:module";
import { describe, expect, it, vi } from "vitest";
import { generateRsaKeyPair, open, readPrivateKeyPem, readPublicKeyPem, sealWith } from "../../src/providers/xpay/envelope.js";
import { MessageKeys } from "../../src/providers/xpay/message-keys.js";

async function keyPairs() {
  const [partner, xpay] = await Promise.all([generateRsaKeyPair(), generateRsaKeyPair()]);
  return {
    toXpay: { recipientPublicKey: readPublicKeyPem(xpay.publicKeyPem), senderPrivateKey: readPrivateKeyPem(partner.privateKeyPem) },
    atXpay: { senderPublicKey: readPublicKeyPem(partner.publicKeyPem), recipientPrivateKey: readPrivateKeyPem(xpay.privateKeyPem) },
  };
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("XPAY message keys", () => {
  it("hands out each key once, made ahead once the first is taken, and every message sealed with one opens at XPAY", async () => {
    const { toXpay, atXpay } = await keyPairs();
    const keys = new MessageKeys(toXpay, 4);
    expect(keys.readyCount).toBe(0);
    const first = await keys.take();
    await until(() => keys.readyCount === 4);

    const taken = [first];
    for (let i = 0; i < 10; i++) taken.push(await keys.take());
    // No AES key, encrypted key or signature is handed out twice, ready or made on the spot.
    expect(new Set(taken.map((key) => key.aesKey.toString("hex"))).size).toBe(taken.length);
    expect(new Set(taken.map((key) => key.encryptedKey.toString("hex"))).size).toBe(taken.length);

    for (const [i, key] of taken.entries()) {
      const text = JSON.stringify({ UUID: `instrument-${i}`, Phone: "380501234567" });
      expect(open(sealWith(text, key), atXpay)).toBe(text);
    }
    // The same text sealed with two keys differs: with this envelope the IV block is encrypted with the key itself,
    // so one key sealing the same text twice would give the same bytes (which is why a key seals one message only).
    expect(sealWith("same", taken[0]!).data).not.toBe(sealWith("same", taken[1]!).data);
    keys.close();
  });

  it("makes no key in the turn a key is taken: requests of that turn are written first", async () => {
    const { toXpay } = await keyPairs();
    const keys = new MessageKeys(toXpay, 2);
    await keys.take();
    await until(() => keys.readyCount === 2);
    const rsaCalls = vi.spyOn(crypto, "publicEncrypt");
    // Named imports of a built-in module follow its object only once told to.
    syncBuiltinESMExports();
    try {
      await keys.take();
      // undici writes a request on a kept-alive connection in this turn's check phase, as an immediate does.
      await new Promise((resolve) => setImmediate(resolve));
      expect(rsaCalls).not.toHaveBeenCalled();
      await until(() => keys.readyCount === 2);
      expect(rsaCalls).toHaveBeenCalledTimes(1);
    } finally {
      rsaCalls.mockRestore();
      syncBuiltinESMExports();
      keys.close();
    }
  });

  it("makes a key on the spot when none is ready, and nothing more once closed", async () => {
    const { toXpay, atXpay } = await keyPairs();
    const keys = new MessageKeys(toXpay, 2);
    const burst = await Promise.all(Array.from({ length: 5 }, () => keys.take()));
    expect(new Set(burst.map((key) => key.aesKey.toString("hex"))).size).toBe(5);
    expect(open(sealWith("burst", burst[4]!), atXpay)).toBe("burst");
    keys.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(keys.readyCount).toBe(0);
  });
});
