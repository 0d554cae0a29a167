// Checks Nami Exchange request signing against the provider's own test vector, and the provider-side check that the simulator uses.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { queryStringOf, signQueryString, signedQueryString, verifySignature } from "../../src/providers/nami/signature.js";

const SECRET = "UNCZHD1e4501X1WGO9PqjGJBDqWoNjUlc05YZTy38t9Wd7rHWmrmtfKfb1Vpb5RH";
const VECTOR_QUERY = "type=0&timestamp=1721284769720";
const VECTOR_SIGNATURE = "2cc8df81fc34801e6b6f7dbaf79e72ab098bf5461973239689e32e71368cd145";

describe("Nami signature", () => {
  it("matches the test vector in docs/protocols/nami.md", () => {
    expect(signQueryString(SECRET, VECTOR_QUERY)).toBe(VECTOR_SIGNATURE);
  });

  it("builds the query in the order given, and appends the signature over it", () => {
    const parameters = [
      ["type", "0"],
      ["timestamp", "1721284769720"],
    ] as const;
    expect(queryStringOf(parameters)).toBe(VECTOR_QUERY);
    expect(signedQueryString(SECRET, parameters)).toBe(`${VECTOR_QUERY}&signature=${VECTOR_SIGNATURE}`);
    // The order is part of what is signed.
    const reversed = signedQueryString(SECRET, [
      ["timestamp", "1721284769720"],
      ["type", "0"],
    ]);
    expect(reversed.startsWith("timestamp=1721284769720&type=0&signature=")).toBe(true);
    expect(reversed).not.toContain(VECTOR_SIGNATURE);
  });

  it("is lowercase hex HMAC-SHA256 under the secret, and changes with the secret and every parameter", () => {
    const signature = signQueryString("other-secret", VECTOR_QUERY);
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    expect(signature).toBe(createHmac("sha256", "other-secret").update(VECTOR_QUERY).digest("hex"));
    expect(signature).not.toBe(VECTOR_SIGNATURE);
    expect(signQueryString(SECRET, "type=2&timestamp=1721284769720")).not.toBe(VECTOR_SIGNATURE);
    expect(signQueryString(SECRET, "type=0&timestamp=1721284769721")).not.toBe(VECTOR_SIGNATURE);
  });

  it("encodes values as URLSearchParams does, as the provider's example builds its query", () => {
    expect(queryStringOf([["note", "a b&c"]])).toBe("note=a+b%26c");
  });

  describe("verifySignature (the exchange's side)", () => {
    it("accepts the vector's signature over the parameters received, in order, signature left out", () => {
      const received = new URLSearchParams(`${VECTOR_QUERY}&signature=${VECTOR_SIGNATURE}`);
      expect(verifySignature(SECRET, received, VECTOR_SIGNATURE)).toBe(true);
      // Wherever `signature` sits, it is not part of what is signed.
      const first = new URLSearchParams(`signature=${VECTOR_SIGNATURE}&${VECTOR_QUERY}`);
      expect(verifySignature(SECRET, first, VECTOR_SIGNATURE)).toBe(true);
    });

    it("refuses another secret, a changed or reordered parameter, uppercase or truncated hex", () => {
      const received = new URLSearchParams(VECTOR_QUERY);
      expect(verifySignature("wrong-secret", received, VECTOR_SIGNATURE)).toBe(false);
      expect(verifySignature(SECRET, new URLSearchParams("type=2&timestamp=1721284769720"), VECTOR_SIGNATURE)).toBe(false);
      expect(verifySignature(SECRET, new URLSearchParams("timestamp=1721284769720&type=0"), VECTOR_SIGNATURE)).toBe(false);
      expect(verifySignature(SECRET, new URLSearchParams(`${VECTOR_QUERY}&currency=22`), VECTOR_SIGNATURE)).toBe(false);
      expect(verifySignature(SECRET, received, VECTOR_SIGNATURE.toUpperCase())).toBe(false);
      expect(verifySignature(SECRET, received, VECTOR_SIGNATURE.slice(0, 63))).toBe(false);
      expect(verifySignature(SECRET, received, "")).toBe(false);
    });

    it("accepts what signedQueryString produces, with the optional currency too", () => {
      const query = signedQueryString(SECRET, [
        ["type", "2"],
        ["currency", "22"],
        ["timestamp", "1700000000000"],
      ]);
      const received = new URLSearchParams(query);
      expect(verifySignature(SECRET, received, received.get("signature")!)).toBe(true);
    });
  });
});
