// Responsible for the XPAY envelope both ways: AES-128-CBC Data, its key sealed by RSA PKCS#1 v1.5 and signed by RSA-SHA256.
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from "node:crypto";
import { promisify } from "node:util";
import { AES_BLOCK_BYTES, AES_KEY_BYTES, RECEIVER_IV, RSA_MIN_MODULUS_BITS } from "./codes.js";

/*
 * The scheme (docs/protocols/xpay.md, as a public third-party client implements it):
 *   Data   = base64(AES-128-CBC(key, iv, iv || plaintext)), PKCS#7 padding, key and iv random per message
 *   KeyAES = base64(RSA-encrypt(recipient's public key, key)), PKCS#1 v1.5
 *   Sign   = base64(RSA-SHA256-sign(sender's private key, KeyAES bytes)), PKCS#1 v1.5
 *
 * Two limits of the scheme itself, which no receiver can lift:
 * - `Sign` covers the encrypted key only, not `Data`, and CBC is malleable: a `Data` changed in
 *   transit is caught only when it no longer decrypts or no longer parses (TLS is what protects it).
 * - A signed key with its `Data` can be replayed; callers check what the plaintext is about.
 *
 * PKCS#1 v1.5 *decryption*: Node 20 refuses RSA_PKCS1_PADDING in privateDecrypt (CVE-2023-46809,
 * the Marvin timing attack) unless its OpenSSL does implicit rejection, which the OpenSSL 3.0 it
 * ships does not. `--security-revert` is no option for a library. So `decryptKey` takes the raw RSA
 * result (RSA_NO_PADDING) and checks the padding itself without branching on secret bytes, and,
 * like OpenSSL's implicit rejection, answers a bad padding with a key derived from the private key
 * and the ciphertext instead of an error, so that no caller can tell the two apart. Above all, an
 * envelope is decrypted only after its `Sign` verified: nobody without the sender's private key can
 * get a ciphertext of their choosing decrypted at all, which closes the padding oracle.
 */

/** The three base64 fields of an envelope, as they travel. */
export interface SealedEnvelope {
  data: string;
  keyAes: string;
  sign: string;
}

export type EnvelopeFailure = "encoding" | "signature" | "key" | "data";

/** An envelope that cannot be opened; `reason` says which part failed. Never carries secret material. */
export class EnvelopeError extends Error {
  override readonly name = "EnvelopeError";
  constructor(
    readonly reason: EnvelopeFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A key that is not what the protocol needs; the message says why, for a configuration error. */
export class KeyFormatError extends Error {
  override readonly name = "KeyFormatError";
}

export interface RsaKeyPairPem {
  publicKeyPem: string;
  privateKeyPem: string;
}

/* ------------------------------------------------------------------------------------------------
 * Keys
 * ---------------------------------------------------------------------------------------------- */

const generateKeyPairAsync = promisify(generateKeyPair);

/** A fresh RSA 2048 key pair in PEM (SPKI public, PKCS#8 private); off the main thread, ~100 ms. */
export async function generateRsaKeyPair(): Promise<RsaKeyPairPem> {
  const { publicKey, privateKey } = await generateKeyPairAsync("rsa", {
    modulusLength: RSA_MIN_MODULUS_BITS,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

/**
 * The partner's key pair, as a partner makes it before sending XPAY the public half: the private
 * key signs our requests and opens XPAY's encrypted answers.
 */
export function generatePartnerKeys(): Promise<RsaKeyPairPem> {
  return generateRsaKeyPair();
}

/** An RSA private key (PKCS#8 or PKCS#1 PEM, not passphrase-protected) of at least 2048 bits. */
export function readPrivateKeyPem(pem: string): KeyObject {
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(pem)) {
    throw new KeyFormatError("is protected by a passphrase: give the key unencrypted (keep the file itself secret)");
  }
  if (!/-----BEGIN (?:RSA )?PRIVATE KEY-----/.test(pem)) {
    throw new KeyFormatError("must be an RSA private key in PEM (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)");
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: "pem" });
  } catch (error) {
    throw new KeyFormatError(`is not a readable private key in PEM (${(error as Error).message})`, { cause: error });
  }
  return checkRsa(key);
}

/** An RSA public key (SPKI or PKCS#1 PEM) of at least 2048 bits; a private key is refused, not quietly reduced to its public half. */
export function readPublicKeyPem(pem: string): KeyObject {
  if (/PRIVATE KEY-----/.test(pem)) throw new KeyFormatError("is a private key: give the public key here");
  if (!/-----BEGIN (?:RSA )?PUBLIC KEY-----/.test(pem)) {
    throw new KeyFormatError("must be an RSA public key in PEM (-----BEGIN PUBLIC KEY----- or -----BEGIN RSA PUBLIC KEY-----)");
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: "pem" });
  } catch (error) {
    throw new KeyFormatError(`is not a readable public key in PEM (${(error as Error).message})`, { cause: error });
  }
  return checkRsa(key);
}

function checkRsa(key: KeyObject): KeyObject {
  if (key.asymmetricKeyType !== "rsa") {
    throw new KeyFormatError(`must be an RSA key, not ${key.asymmetricKeyType ?? "an unknown type"}`);
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < RSA_MIN_MODULUS_BITS) throw new KeyFormatError(`must be at least ${RSA_MIN_MODULUS_BITS} bits, this one has ${bits}`);
  return key;
}

/* ------------------------------------------------------------------------------------------------
 * The whole envelope
 * ---------------------------------------------------------------------------------------------- */

/**
 * Seals `plaintext` (a JSON text) for `recipientPublicKey`, signed with `senderPrivateKey`. The AES
 * key and IV are random unless given (test vectors only: reusing them would repeat ciphertexts).
 */
export function seal(
  plaintext: string,
  keys: { recipientPublicKey: KeyObject; senderPrivateKey: KeyObject },
  fixed: { aesKey?: Buffer; iv?: Buffer } = {},
): SealedEnvelope {
  const aesKey = fixed.aesKey ?? randomBytes(AES_KEY_BYTES);
  const iv = fixed.iv ?? randomBytes(AES_BLOCK_BYTES);
  const encryptedKey = encryptKey(aesKey, keys.recipientPublicKey);
  return envelopeOf(plaintext, aesKey, iv, encryptedKey, signKey(encryptedKey, keys.senderPrivateKey));
}

/** A fresh AES key, RSA-encrypted for the recipient and signed by the sender: what sealing costs, made before the message is known. Used for one message only. */
export interface MessageKey {
  aesKey: Buffer;
  encryptedKey: Buffer;
  signature: Buffer;
}

/**
 * A message key with the RSA signature (the one costly step, ~1 ms) made on libuv's thread pool: the
 * event loop goes on with other work meanwhile.
 */
export async function makeMessageKey(keys: { recipientPublicKey: KeyObject; senderPrivateKey: KeyObject }): Promise<MessageKey> {
  const aesKey = randomBytes(AES_KEY_BYTES);
  const encryptedKey = encryptKey(aesKey, keys.recipientPublicKey);
  const signature = await new Promise<Buffer>((resolve, reject) =>
    sign("sha256", encryptedKey, { key: keys.senderPrivateKey, padding: constants.RSA_PKCS1_PADDING }, (error, signed) =>
      error ? reject(error) : resolve(signed),
    ),
  );
  return { aesKey, encryptedKey, signature };
}

/** `seal` with a message key made beforehand (see MessageKeys): only the AES encryption of the data is left. */
export function sealWith(plaintext: string, key: MessageKey): SealedEnvelope {
  return envelopeOf(plaintext, key.aesKey, randomBytes(AES_BLOCK_BYTES), key.encryptedKey, key.signature);
}

function envelopeOf(plaintext: string, aesKey: Buffer, iv: Buffer, encryptedKey: Buffer, signature: Buffer): SealedEnvelope {
  return {
    data: encryptData(Buffer.from(plaintext, "utf8"), aesKey, iv).toString("base64"),
    keyAes: encryptedKey.toString("base64"),
    sign: signature.toString("base64"),
  };
}

/**
 * Opens an envelope from the holder of `senderPublicKey`: checks `Sign` first, then decrypts the
 * key and the data. Returns the plaintext, which must be UTF-8; anything else is an EnvelopeError.
 */
export function open(envelope: SealedEnvelope, keys: { senderPublicKey: KeyObject; recipientPrivateKey: KeyObject }): string {
  const encryptedKey = decodeBase64(envelope.keyAes, "KeyAES");
  const signature = decodeBase64(envelope.sign, "Sign");
  const data = decodeBase64(envelope.data, "Data");
  if (!verifyKey(encryptedKey, signature, keys.senderPublicKey)) {
    throw new EnvelopeError("signature", "Sign does not verify with the sender's public key");
  }
  const aesKey = decryptKey(encryptedKey, keys.recipientPrivateKey);
  const plaintext = decryptData(data, aesKey);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(plaintext);
  } catch (error) {
    throw new EnvelopeError("data", "Data does not decrypt to UTF-8 text", { cause: error });
  }
}

/* ------------------------------------------------------------------------------------------------
 * The parts, exported for test vectors
 * ---------------------------------------------------------------------------------------------- */

/** AES-128-CBC over `iv || plaintext`, PKCS#7 padded, with `iv` as the CBC IV too. */
export function encryptData(plaintext: Buffer, aesKey: Buffer, iv: Buffer): Buffer {
  if (aesKey.length !== AES_KEY_BYTES || iv.length !== AES_BLOCK_BYTES) {
    throw new RangeError(`the AES key and IV must be ${AES_KEY_BYTES} bytes each`);
  }
  const cipher = createCipheriv("aes-128-cbc", aesKey, iv);
  return Buffer.concat([cipher.update(Buffer.concat([iv, plaintext])), cipher.final()]);
}

/**
 * The plaintext of `encryptData`, whatever IV the sender used for CBC: see RECEIVER_IV in
 * codes.ts. The first block (the sender's IV, garbled) is dropped.
 */
export function decryptData(data: Buffer, aesKey: Buffer): Buffer {
  // One block of IV and at least one of padding.
  if (data.length < 2 * AES_BLOCK_BYTES || data.length % AES_BLOCK_BYTES !== 0) {
    throw new EnvelopeError("data", `Data is ${data.length} bytes: not whole AES blocks after an IV block`);
  }
  let padded: Buffer;
  try {
    const decipher = createDecipheriv("aes-128-cbc", aesKey, RECEIVER_IV);
    padded = Buffer.concat([decipher.update(data), decipher.final()]);
  } catch (error) {
    throw new EnvelopeError("data", "Data does not decrypt (bad padding: another key, or changed in transit)", { cause: error });
  }
  return padded.subarray(AES_BLOCK_BYTES);
}

function encryptKey(aesKey: Buffer, recipientPublicKey: KeyObject): Buffer {
  return publicEncrypt({ key: recipientPublicKey, padding: constants.RSA_PKCS1_PADDING }, aesKey);
}

export function signKey(encryptedKey: Buffer, senderPrivateKey: KeyObject): Buffer {
  return sign("sha256", encryptedKey, { key: senderPrivateKey, padding: constants.RSA_PKCS1_PADDING });
}

function verifyKey(encryptedKey: Buffer, signature: Buffer, senderPublicKey: KeyObject): boolean {
  try {
    return verify("sha256", encryptedKey, { key: senderPublicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return false;
  }
}

/**
 * The 16-byte AES key inside a PKCS#1 v1.5 (type 2) block. A block that is not a well-formed
 * 16-byte message gives a pseudo-random key derived from the private key and the ciphertext (the
 * same one every time), never an error: see the notes at the top of this module.
 */
export function decryptKey(encryptedKey: Buffer, recipientPrivateKey: KeyObject): Buffer {
  const size = Math.ceil((recipientPrivateKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  // Public facts about the ciphertext, not about its plaintext: failing early on them leaks nothing.
  if (encryptedKey.length !== size) {
    throw new EnvelopeError("key", `KeyAES is ${encryptedKey.length} bytes, the RSA modulus ${size}`);
  }
  let block: Buffer;
  try {
    block = privateDecrypt({ key: recipientPrivateKey, padding: constants.RSA_NO_PADDING }, encryptedKey);
  } catch (error) {
    throw new EnvelopeError("key", "KeyAES is not a value below the RSA modulus", { cause: error });
  }
  const synthetic = implicitRejectionKey(encryptedKey, recipientPrivateKey);

  // 0x00 0x02 <at least 8 non-zero bytes> 0x00 <16-byte key>: with a fixed message length, every
  // position is known, so the check is a fold over all bytes with no early exit.
  const separator = size - AES_KEY_BYTES - 1;
  let bad = block[0]! | (block[1]! ^ 0x02) | block[separator]!;
  for (let index = 2; index < separator; index++) {
    // 1 when the byte is zero, 0 otherwise, without a comparison.
    bad |= ((block[index]! - 1) >> 8) & 1;
  }
  // keep = 0xff for a good block, 0x00 for a bad one.
  const keep = (((bad | -bad) >>> 31) - 1) & 0xff;
  const key = Buffer.alloc(AES_KEY_BYTES);
  for (let index = 0; index < AES_KEY_BYTES; index++) {
    key[index] = (block[separator + 1 + index]! & keep) | (synthetic[index]! & ~keep & 0xff);
  }
  return key;
}

const rejectionSecrets = new WeakMap<KeyObject, Buffer>();

function implicitRejectionKey(encryptedKey: Buffer, privateKey: KeyObject): Buffer {
  let secret = rejectionSecrets.get(privateKey);
  if (!secret) {
    secret = createHash("sha256")
      .update("xpay-envelope implicit rejection\u0000")
      .update(privateKey.export({ type: "pkcs8", format: "der" }))
      .digest();
    rejectionSecrets.set(privateKey, secret);
  }
  return createHmac("sha256", secret).update(encryptedKey).digest().subarray(0, AES_KEY_BYTES);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict base64: Buffer.from would skip stray characters and read a damaged field as another one. */
function decodeBase64(text: string, field: string): Buffer {
  if (text.length === 0 || !BASE64.test(text)) throw new EnvelopeError("encoding", `${field} is not base64`);
  return Buffer.from(text, "base64");
}
