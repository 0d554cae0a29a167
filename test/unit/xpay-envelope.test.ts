// Checks the XPAY envelope on its own: vectors sealed by the openssl CLI, round trips both ways, and every tampering refused.
import { constants, createCipheriv, generateKeyPairSync, publicEncrypt, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  EnvelopeError,
  KeyFormatError,
  decryptData,
  decryptKey,
  encryptData,
  generatePartnerKeys,
  open,
  readPrivateKeyPem,
  readPublicKeyPem,
  seal,
  signKey,
  type SealedEnvelope,
} from "../../src/providers/xpay/envelope.js";

/*
 * Test keys and vectors, made once with the openssl CLI (OpenSSL 3.0), independently of the code:
 *   openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048            (both key pairs)
 *   Data:   (IV || JSON) | openssl enc -aes-128-cbc -K <key> -iv <IV>      (PKCS#7 padding)
 *   KeyAES: openssl pkeyutl -encrypt -pubin -inkey <recipient.pub> -pkeyopt rsa_padding_mode:pkcs1
 *   Sign:   openssl dgst -sha256 -sign <sender.pem> <KeyAES bytes>
 * These keys protect nothing: they exist for this file.
 */
const PARTNER_PRIVATE = `-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCiiuS4PVzPmixE
M3ih7r+62qKAq4h3ffs8/3os9ozK13DvHPYvxWiRRuO1Z5WkIh8AT3DM93SySBzD
V6tKeiSmZZQil+KgMeust4Jt/fhm/oKh3Ju38X8J9DQ2TU3d3mO4qDpi7M1xV4u0
yJv4awUYhle7HTnnVqSWlwWfW0JhRCiBihV9C2XHYMQV/j13oOziDRgTIOuBcQIa
cZORi7h1F6QYFH835qJIDNq/NfQT0X57/CF8EhXGN697XcsmuZ8DThq7HG9RNbj1
3suf6tXD0wyrFpfZ2C/se6I9AK/GRHkGCtWmdvbxUMTeWUUjfGIcLKU80XsimAI/
V7Tq3mjxAgMBAAECggEALpf3EZNRgBdXWiOREIZSgrs6uvyw7WP5OZaYjLwORvU0
I+8e6TnDDGYQT0eGv1qinWGoWbETzClcyWhfq0VRLTvQF4yHg9lbkBK4ulQDuW56
vvBw2O1Kt+0/bFODnzapSl07A3GTQMrSOvwIrdDr0IhuLK6nkxekraBUFcbAxAWi
necNyA6lYcOlaCZdlcf1dJH1P/XmvXElra9++pq8/+DILUunVdBX7tor+W6byPoT
8+Zi/+3tYgj3+CL4srfATD5KAoHl6BDYZkZVt126T7Q1HYeid1x7lN9YelW49KYs
oXNMul1MRPmWAFuDCtEd5kzMrYXV4UgIeDkrupI04wKBgQDjU4ukvT+8oAnlbrQh
dmnXOjEYmhug3IXag+W28rv3T8s1wuioMEjQ/Rt6SMvn9UpAhrNJLyCk6kvGQ1rG
MMRcrhBceAqGySc2Y7Nxxt+T73muTunwcb6L6JssocJCFO2NwN0PzXZ1AAg5ymz+
i5ZrS5iBqJqfPOL+MQJRfxyUIwKBgQC3C3RWSNBnWd39poJRF8DZL7TITkO2l1IQ
CVKSjOxjyW+5QjY8RUL/ktKmla4JC5UDS4fiRyOcSchpwk+hrFxAE+t+w4t0LDOm
fxTxGka43E6Qo8XoadMb7toEFfpPmYSiFfS/wRYqYvXNN1926pVmRQDeGSn/ILgb
D7U7sE0F2wKBgQCpZkeIcrJ9WHEndJBs4zXJ+gY+BBEUlWB1zpYu98FUcTTIEj+X
nauVeRexz2+LogE8BmSx45ma6zGeQ/DwAcVCHz/3+Eg32swKvs8ouP9A2VK+rvWr
hMdusN55quz8m2XOnWrebMiaNXTrw8nnAZQMzp+N91uJ0DCDJXhJzMQ6KwKBgGOW
T81CAGC6fBSsquoDymBfnDP+oMiOu48OA2bIVTRVO/vHEkroQ/NYplMLzIwPSRtp
1Jw/qBg37Fnd5gVICUizjcSCDzU9dzx2l6Y1bZTWB8iZ0esI6FqiMOtYKb90/rxQ
xcAuBSk6fhEQt1ezeWUS1c4AUuEDpCbU/P1khgNRAoGBAIXo7zJH8noa02w2Noco
ZhGSlHCm4q1sea6/zLOfMhB6U79L6fpvgVDbizK/CyXX5sKj9ZWx8uPgMwde+6mA
/FZFR6GPdrbQYoktag2IRwBVrZyUnKATiI0/1kWEjnk0rV9qIi6aOdtxgRz4+TFt
HefBTABSkz/kx1F7V0s0SJYx
-----END PRIVATE KEY-----`;
const PARTNER_PUBLIC = `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAoorkuD1cz5osRDN4oe6/
utqigKuId337PP96LPaMytdw7xz2L8VokUbjtWeVpCIfAE9wzPd0skgcw1erSnok
pmWUIpfioDHrrLeCbf34Zv6Codybt/F/CfQ0Nk1N3d5juKg6YuzNcVeLtMib+GsF
GIZXux0551aklpcFn1tCYUQogYoVfQtlx2DEFf49d6Ds4g0YEyDrgXECGnGTkYu4
dRekGBR/N+aiSAzavzX0E9F+e/whfBIVxjeve13LJrmfA04auxxvUTW49d7Ln+rV
w9MMqxaX2dgv7HuiPQCvxkR5BgrVpnb28VDE3llFI3xiHCylPNF7IpgCP1e06t5o
8QIDAQAB
-----END PUBLIC KEY-----`;
const XPAY_PRIVATE = `-----BEGIN PRIVATE KEY-----
MIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkwggSlAgEAAoIBAQCtPIHek81aJufn
EfM68sSCOnIMKXKaY8fhrFaxG7Bs8JJhn+PCOQGaYx4YgW8MLnmt1sLEOP1FYJDY
WNAyScrvwvPg1dIM3Jvs/0n0rOHOJhrvu50LCo/0mJV+CXW89yfd8HztJMWhXCcP
5UAS3ma0LEdCbwGTsYeLgTbvb9VNHzOv2JYi6wdL5xZcrU+/jJ6eE26HlEqQ8kfx
AVNsmAuVdPSmoh+oUU82WF1U8MjN1JwMgkvRtZVDqTm4uM/ABzwEWw8N+kiCa9x+
TETt+hFrJOCVuErqamiJX++sBFhTjNTp7c81x6cqhsU2Qn4yh+Y98d3LgGXQRfpb
IfJfQZUpAgMBAAECggEALpjD5fajmcg1QHYXkpeSO+U0oAjWBqkoLo+IkgL8pZDg
DtpPDQMAZ2KZycWm9QPbPuMxaE5b8blTvJ3HAn/O0kcCCkv5P/RnDIxufB20bxrY
y/sO9tVUe1o/e7NXtAhW9N+m+rKVZh2/dAsZ/PlNbtEqKbhqGCv8ZY3QFP9jxGZZ
u9bWyvJyo0xdNiFH6Vfpuqdy8gJXLKDCnWoaIM5NjF8vBu6HtTyjx+cT1CvqBKnN
xaWMyTQxLGgp3NcECt74LxlW+4o94GmMqRztDEWL0t7yGujhwBmzr2tN3Zcg7qL+
v1LEIQ98cERdqb3BHg3Gu3F5ku8+J9vVdGc9DwmGMQKBgQDyWjjMCz1kto7NopGr
UZeCd/Z+UGrmUb0/MWTo3KKPFtzRIdM8p+gqSF/10GkvPae2JJj+cIRds5aflgL3
HBmHkUe9MJumvmOfxhVZcDnc+1v08Dh0NrkWwc+m8Hk4VX7ucdB27hUJZRjdkE4x
YKcsGhFS2fRmNTujzTvVrMDl7wKBgQC2/eaeyjohXgAJ9EcBZH3Oy2sae78g/o36
5EFH1zp2WzUMBRrjLePBlryTgJVV0pL73yZRo2ZkdQqrQeQ/MuahtvW42C6SRoJi
NOjQ/Cx7anVfrqJVjg8FUU7qNUjO7pqDvdunV56re+Be/cs/WIuOf06Mn0fJIX0L
rHGfIg4OZwKBgQC4hDqkF5apnFjDdZfk0N1C52UTrNSHAQrOFyRWKs3VlbmPvGog
z1HzB2GQPRoobo/HHLwjVLVixf3TCRq+23UQg2sUPvLzFBezqNPOYaSce//6T/8b
dCKdkfgwiPwyCN34W001j3USzxcMcfcmnwkIidxQsULjonoC75ozyDChnwKBgQCx
VP/mpacLquJyww0EZnQcsLiMI5umx8ijeAtjKUn4ZI7VpSTXPyNV+VOpxZPyZWwX
NbsWpjiV5W5/ZA1iyVsDICCkDqujCT1VGlz8GUSqHRK9tKiQLGiWCKNnCFgUYNnQ
DW8NjjWvjQ50P5J1QsOLRgfC8qBIY3GgnG5HfmMMxQKBgQDXtTyHxo+KEfG1iMYt
pVRD/jb17EKPLdNwWOv5rfbQQdfe7YimVUAtkRWeSKbD68V/fHPVo1vtKZmRDEzD
mimgoaf7FwkCRyd1V2viQWM4DPKDl3k7OIIvk0B6iA/9WHAQJdf+pUSyCOFRFY0K
6RzEaSRS8UjsYo/DYjBb4HeWCA==
-----END PRIVATE KEY-----`;
const XPAY_PUBLIC = `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEArTyB3pPNWibn5xHzOvLE
gjpyDClymmPH4axWsRuwbPCSYZ/jwjkBmmMeGIFvDC55rdbCxDj9RWCQ2FjQMknK
78Lz4NXSDNyb7P9J9KzhziYa77udCwqP9JiVfgl1vPcn3fB87STFoVwnD+VAEt5m
tCxHQm8Bk7GHi4E272/VTR8zr9iWIusHS+cWXK1Pv4yenhNuh5RKkPJH8QFTbJgL
lXT0pqIfqFFPNlhdVPDIzdScDIJL0bWVQ6k5uLjPwAc8BFsPDfpIgmvcfkxE7foR
ayTglbhK6mpoiV/vrARYU4zU6e3PNcenKobFNkJ+MofmPfHdy4Bl0EX6WyHyX0GV
KQIDAQAB
-----END PUBLIC KEY-----`;

const partner = { privateKey: readPrivateKeyPem(PARTNER_PRIVATE), publicKey: readPublicKeyPem(PARTNER_PUBLIC) };
const xpay = { privateKey: readPrivateKeyPem(XPAY_PRIVATE), publicKey: readPublicKeyPem(XPAY_PUBLIC) };

/** A 40003 request's Data, sealed by the partner for XPAY: AES key 00..0f, IV a0..af. */
const REQUEST = {
  json: `{"UserID":"tester","Phone":"380501234567","DeviceID":"device-1","UUID":"ead5ea7a-f19f-44ec-8742-3621b4bfdc18","Transaction":{"TransactionID":"JXECMxR4IUCqtsqr5KBkABrKC0M=","TerminalID":"1","DateTime":"2022-04-21 02:46:33"}}`,
  aesKey: Buffer.from("000102030405060708090a0b0c0d0e0f", "hex"),
  iv: Buffer.from("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf", "hex"),
  envelope: {
    data: "xqE7N4ePW4JvT4FiocjYeYhpi63C0St7U5qRUoVql54h8O6R1OH8+M8t2ZMmnvyiIkCf00oQ+jb5SxAk6nZGhatKHaH9R108GiJV+mLkjgVQE8K5PaGCP5DFp2Rwnimy3CcimSSuiJXUfA05mGmo/Lgmh3YeWJTdxhCSob7scecKDkSkvvJVie5rIf3utIgORe73sVtr9+ufzoahn+WHvT5N9MuHfRy+GY4zqvVT7Q8ar5gmVlEybB3+mKdZbMXaXtUIbR2FfZA41wbZNwzzK0GKh2rV5trw1tUB279AcMiZsSaNHHAlrbeAnlEJzwec",
    keyAes:
      "HtZnMNla2Ss+FqvrzJmRsLxScfLceNt1ioo1gHry6po1+lo+9Cj6D8UCqlR6AjqYfiwj/IXRW1Bg6h+WSTMGij7dK3GOyUicSNSXEGVkrfnzSQuip/Jv9f/m216Lu0VNc9dUfFhKq3jSOQMCgrTRzI9ZwT6mOLdgZBvXy4E+GsuA25bl0uxSogUCiSXWeh0qgaOpoLfZRMfr9T2M8hMn5oejDTcsTMvVaFtKy7185w3JSMvcAqYxO4cdkv4xAo628zEoR2XjGpA1GtDyNKZOOisl0p3Wr80h8R96U0aKmb3Lq/sWJ09IDGirBSJ179B67z+2NyxBfy0p17+G89Pz6Q==",
    sign: "hYgPjcSnstETPqbxz1LnFGZbYvG5brwhxsWYLAIYO4zYygUROhG/tB7noq/sB8zyq7U7FbUqFFK7f3C9nGnWZ/e8HwfVUuvy/CUPPRLTGPd7dHWI8JPSmB+OzCoF5SwOy3hHRaCyXi2N2TBcd/7AuGm9DLuK6NqrPck9fSNPc4bOFPeAM8itzMwR6LAktC6/tsckrhWjNKZaaMDWSc0vm9RNScP1GuIxbf5TANVu0U5tG26Rgwxs1NK6x+LB4FtYOJ7Epc4lSgaPQrNeq/NFatozY75CjbXYf5eIHniAmY4Vjs+tgotcb2dVpL25zKVrWLoTe5wAyH5GbwucXDZJAQ==",
  },
};

/** The page's balance record, sealed by XPAY for the partner: AES key f0e1.., IV 0102..10. */
const ANSWER = {
  json: `{"uuid":"1b982500-59bb-4ec8-8c03-a4cbabea1355","Sum":50000,"DateTime":"20180510 13:23:19"}`,
  aesKey: Buffer.from("f0e1d2c3b4a5968778695a4b3c2d1e0f", "hex"),
  iv: Buffer.from("0102030405060708090a0b0c0d0e0f10", "hex"),
  envelope: {
    data: "Y4lof5USheUD3rKadKSqFEoRARyIK021+f/Jhy6VL9UCPD5j/qHS8hNZKOP2zemXqHWrHWSagLfHvLOvroCYTQq5qb6Ma0FHkcgFOeLq8yokzqFiDW3CB1tU/ss0WOB+lBwMhNG8b2uQc12oJ4aDiQ==",
    keyAes:
      "dg4kq/tHiPcetII0+umZjwK4AqjD3eK9bPNxkIWIMQmFIchbKZvjLJ3UNe2fgYMTfA+A7lXM3+0xAuqRkCwseu/1sceoX514QJTz3Vgmd8eXRr+wE8IrLWF7TgJ2RrXi/1bv8EibWgFnOaLn26+RsRVfuZ5xW435ER/FxLH4cL1rbmWc3Qn06mRbZ606QXpLVTrzn30DwXLst3L75kGnalKsW1LCrK3UqInemjMoIjnLEQWcl4CGdcs/fgvY7sV6+Xc9Cipsc/kxio5cvZV9ppEzOIsV07oOMNO3Ol002OQrgbln3cKLHCLLbIEMMkXTDJRPvTL2AY/I6utuwW+/Ug==",
    sign: "nlYYqsZG0X+Bx7DEWon3doCwA2ICLVTL+VM4O/BXkPf9VI+Q12qdwwH/lyvnYHznF7dje5Gd7cVXbKzZylFsNAkS+Bcjan3FyvSusjdbnSMrq+dstB4JJkXg3IjZY8tizf2t10yvNneR3bN04JB9iVlziCHcllaTeQ3LSdzwuUIajNiPN4jdWiu6Q6+Vy19fJnfwkOVwL6FdvcGIjRyv6cjfXVEPNS0c5TTYzghEMWsiOqsQVAAL3rfwa1DlTE+lpm9Uixgm/6gPEG5VgLiGuVME4smA0EGf0w3PwhCcSju17nl9L3noD4srRYGAkGoOrMWl0beNKz7quJuyYOnRCw==",
  },
};

const toXpay = { recipientPublicKey: xpay.publicKey, senderPrivateKey: partner.privateKey };
const atXpay = { senderPublicKey: partner.publicKey, recipientPrivateKey: xpay.privateKey };
const toPartner = { recipientPublicKey: partner.publicKey, senderPrivateKey: xpay.privateKey };
const atPartner = { senderPublicKey: xpay.publicKey, recipientPrivateKey: partner.privateKey };

/** The base64 field with one byte changed at `index` (negative: from the end). */
function flipped(base64: string, index: number): string {
  const bytes = Buffer.from(base64, "base64");
  const at = index < 0 ? bytes.length + index : index;
  bytes[at] = bytes[at]! ^ 0x5a;
  return bytes.toString("base64");
}

function envelopeFailure(action: () => unknown): EnvelopeError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(EnvelopeError);
    return error as EnvelopeError;
  }
  throw new Error("expected an EnvelopeError");
}

describe("XPAY envelope: vectors sealed by the openssl CLI", () => {
  it("opens a request the partner sealed for XPAY", () => {
    expect(open(REQUEST.envelope, atXpay)).toBe(REQUEST.json);
  });

  it("opens an answer XPAY sealed for the partner", () => {
    expect(open(ANSWER.envelope, atPartner)).toBe(ANSWER.json);
  });

  it("seals Data and Sign byte for byte as openssl does, given the same AES key and IV", () => {
    for (const vector of [REQUEST, ANSWER]) {
      expect(encryptData(Buffer.from(vector.json, "utf8"), vector.aesKey, vector.iv).toString("base64")).toBe(vector.envelope.data);
    }
    // PKCS#1 v1.5 signatures are deterministic: the same KeyAES bytes give openssl's Sign exactly.
    expect(signKey(Buffer.from(REQUEST.envelope.keyAes, "base64"), partner.privateKey).toString("base64")).toBe(REQUEST.envelope.sign);
    expect(signKey(Buffer.from(ANSWER.envelope.keyAes, "base64"), xpay.privateKey).toString("base64")).toBe(ANSWER.envelope.sign);
  });

  it("recovers openssl's PKCS#1 v1.5 KeyAES without node's (refused) PKCS#1 private decryption", () => {
    expect(decryptKey(Buffer.from(REQUEST.envelope.keyAes, "base64"), xpay.privateKey)).toEqual(REQUEST.aesKey);
    expect(decryptKey(Buffer.from(ANSWER.envelope.keyAes, "base64"), partner.privateKey)).toEqual(ANSWER.aesKey);
  });

  it("needs no IV to read Data: whatever IV the sender used for CBC, only the dropped first block depends on it", () => {
    const plaintext = Buffer.from(REQUEST.json, "utf8");
    for (const cbcIv of [Buffer.alloc(16, 0), randomBytes(16), REQUEST.iv]) {
      const cipher = createCipheriv("aes-128-cbc", REQUEST.aesKey, cbcIv);
      const data = Buffer.concat([cipher.update(Buffer.concat([REQUEST.iv, plaintext])), cipher.final()]);
      expect(decryptData(data, REQUEST.aesKey).toString("utf8")).toBe(REQUEST.json);
    }
  });
});

describe("XPAY envelope: round trips", () => {
  const text = JSON.stringify({ uuid: "ead5ea7a-f19f-44ec-8742-3621b4bfdc18", Sum: "x".repeat(40), note: "Гаманець ✓" });

  it("partner to XPAY and XPAY to partner, UTF-8 kept", () => {
    expect(open(seal(text, toXpay), atXpay)).toBe(text);
    expect(open(seal(text, toPartner), atPartner)).toBe(text);
    expect(open(seal("", toXpay), atXpay)).toBe("");
  });

  it("draws a fresh AES key and IV for every envelope", () => {
    const first = seal(text, toXpay);
    const second = seal(text, toXpay);
    expect(first.data).not.toBe(second.data);
    expect(first.keyAes).not.toBe(second.keyAes);
    expect(first.sign).not.toBe(second.sign);
    expect(Buffer.from(first.keyAes, "base64")).toHaveLength(256);
    expect(Buffer.from(first.sign, "base64")).toHaveLength(256);
  });

  it("works with freshly generated partner keys", async () => {
    const keys = await generatePartnerKeys();
    const privateKey = readPrivateKeyPem(keys.privateKeyPem);
    const publicKey = readPublicKeyPem(keys.publicKeyPem);
    expect(publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const sealed = seal(text, { recipientPublicKey: xpay.publicKey, senderPrivateKey: privateKey });
    expect(open(sealed, { senderPublicKey: publicKey, recipientPrivateKey: xpay.privateKey })).toBe(text);
    // Another partner's key does not pass for this one's.
    expect(envelopeFailure(() => open(sealed, atXpay)).reason).toBe("signature");
  });
});

describe("XPAY envelope: refusals", () => {
  const vector: SealedEnvelope = REQUEST.envelope;

  it("a tampered Sign is rejected", () => {
    for (const index of [0, 100, -1]) {
      expect(envelopeFailure(() => open({ ...vector, sign: flipped(vector.sign, index) }, atXpay)).reason).toBe("signature");
    }
  });

  it("a tampered KeyAES is rejected by its signature, before anything is decrypted", () => {
    for (const index of [0, 128, -1]) {
      expect(envelopeFailure(() => open({ ...vector, keyAes: flipped(vector.keyAes, index) }, atXpay)).reason).toBe("signature");
    }
  });

  it("the wrong sender key is rejected", () => {
    expect(envelopeFailure(() => open(vector, { ...atXpay, senderPublicKey: xpay.publicKey })).reason).toBe("signature");
  });

  it("the wrong recipient key gives no plaintext", () => {
    // The signature holds, the key does not decrypt as the sender's: a stand-in key, then Data fails to decrypt.
    expect(envelopeFailure(() => open(vector, { ...atXpay, recipientPrivateKey: partner.privateKey })).reason).toBe("data");
    expect(envelopeFailure(() => open(ANSWER.envelope, { ...atPartner, recipientPrivateKey: xpay.privateKey })).reason).toBe("data");
  });

  it("a tampered Data is rejected or unreadable", () => {
    // The last block carries the padding: a change there fails the decryption outright.
    expect(envelopeFailure(() => open({ ...vector, data: flipped(vector.data, -1) }, atXpay)).reason).toBe("data");
    // A change in a middle block garbles that block: no JSON comes out (Sign does not cover Data, see envelope.ts).
    for (const index of [40, 100]) {
      const read = (): unknown => JSON.parse(open({ ...vector, data: flipped(vector.data, index) }, atXpay));
      expect(read).toThrow();
    }
    // Cut short, or grown by a block: not whole blocks, or a padding that no longer holds.
    const bytes = Buffer.from(vector.data, "base64");
    expect(envelopeFailure(() => open({ ...vector, data: bytes.subarray(0, bytes.length - 3).toString("base64") }, atXpay)).reason).toBe(
      "data",
    );
    expect(envelopeFailure(() => open({ ...vector, data: bytes.subarray(0, 16).toString("base64") }, atXpay)).reason).toBe("data");
  });

  it("fields that are not strict base64 are rejected", () => {
    for (const broken of [{ data: "" }, { data: `${vector.data}!` }, { keyAes: vector.keyAes.slice(1) }, { sign: ` ${vector.sign}` }]) {
      expect(envelopeFailure(() => open({ ...vector, ...broken }, atXpay)).reason).toBe("encoding");
    }
  });
});

describe("XPAY envelope: KeyAES decryption never tells a bad padding apart", () => {
  /** RSA-encrypts a whole 256-byte block as it is (no padding added), to forge malformed blocks. */
  const rawBlock = (block: Buffer): Buffer => publicEncrypt({ key: xpay.publicKey, padding: constants.RSA_NO_PADDING }, block);

  it("a malformed block gives a stand-in key, the same every time, and no error", () => {
    const wellFormed = Buffer.concat([Buffer.from([0, 2]), Buffer.alloc(237, 0x11), Buffer.from([0]), REQUEST.aesKey]);
    expect(decryptKey(rawBlock(wellFormed), xpay.privateKey)).toEqual(REQUEST.aesKey);

    const malformed = [
      Buffer.concat([Buffer.from([0, 1]), wellFormed.subarray(2)]), // block type 1
      Buffer.concat([Buffer.from([0, 2]), Buffer.alloc(237, 0x11), Buffer.from([7]), REQUEST.aesKey]), // no separator
      Buffer.concat([Buffer.from([0, 2, 0x11, 0]), Buffer.alloc(235, 0x11), Buffer.from([0]), REQUEST.aesKey]), // a zero in the padding
    ];
    const standIns = malformed.map((block) => {
      const encrypted = rawBlock(block);
      const key = decryptKey(encrypted, xpay.privateKey);
      expect(key).toHaveLength(16);
      expect(key).not.toEqual(REQUEST.aesKey);
      expect(decryptKey(encrypted, xpay.privateKey)).toEqual(key);
      return key.toString("hex");
    });
    expect(new Set(standIns).size).toBe(standIns.length);
  });

  it("a well-formed block carrying a message of another length than an AES-128 key gives a stand-in too", () => {
    const message = randomBytes(24);
    const key = decryptKey(publicEncrypt({ key: xpay.publicKey, padding: constants.RSA_PKCS1_PADDING }, message), xpay.privateKey);
    expect(key).toHaveLength(16);
    expect(key).not.toEqual(message.subarray(8));
    expect(key).not.toEqual(message.subarray(0, 16));
  });

  it("a KeyAES not as long as the modulus is refused at once (a public fact, no secret involved)", () => {
    expect(envelopeFailure(() => decryptKey(Buffer.alloc(255, 1), xpay.privateKey)).reason).toBe("key");
    expect(envelopeFailure(() => decryptKey(Buffer.alloc(256, 0xff), xpay.privateKey)).reason).toBe("key");
  });
});

describe("XPAY envelope: keys", () => {
  const small = generateKeyPairSync("rsa", {
    modulusLength: 1024,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  const ec = generateKeyPairSync("ec", {
    namedCurve: "P-256",
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });

  it("takes PKCS#8/SPKI and PKCS#1 PEM", () => {
    const pkcs1Private = xpay.privateKey.export({ type: "pkcs1", format: "pem" }) as string;
    const pkcs1Public = xpay.publicKey.export({ type: "pkcs1", format: "pem" }) as string;
    const sealed = seal("{}", { recipientPublicKey: readPublicKeyPem(pkcs1Public), senderPrivateKey: partner.privateKey });
    expect(open(sealed, { senderPublicKey: partner.publicKey, recipientPrivateKey: readPrivateKeyPem(pkcs1Private) })).toBe("{}");
  });

  it.each([
    ["a private key", PARTNER_PRIVATE, /private key/],
    ["text that is no key", "hello", /PEM/],
    ["a damaged PEM", XPAY_PUBLIC.replace("MII", "MIX"), /not a readable public key/],
    ["a 1024-bit RSA key", small.publicKey, /at least 2048 bits/],
    ["an EC key", ec.publicKey, /must be an RSA key/],
  ])("refuses as a public key %s", (_, pem, message) => {
    expect(() => readPublicKeyPem(pem)).toThrow(KeyFormatError);
    expect(() => readPublicKeyPem(pem)).toThrow(message);
  });

  it.each([
    ["a public key", PARTNER_PUBLIC, /private key in PEM/],
    [
      "a passphrase-protected key",
      partner.privateKey.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "secret" }) as string,
      /passphrase/,
    ],
    ["a 1024-bit RSA key", small.privateKey, /at least 2048 bits/],
    ["an EC key", ec.privateKey, /must be an RSA key/],
  ])("refuses as a private key %s", (_, pem, message) => {
    expect(() => readPrivateKeyPem(pem)).toThrow(KeyFormatError);
    expect(() => readPrivateKeyPem(pem)).toThrow(message);
  });
});
