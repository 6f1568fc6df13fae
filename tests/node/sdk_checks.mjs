#!/usr/bin/env node
// Client-compatibility checks of the AWS SDK for JavaScript v3 against Strata.
//
//   node tests/node/sdk_checks.mjs CHECK [CHECK ...]
//
// Configuration (environment):
//   STRATA_ENDPOINT     http(s)://127.0.0.1:PORT            (required)
//   STRATA_ACCESS_KEY   / STRATA_SECRET_KEY                  (required)
//   STRATA_BUCKET       an existing bucket                   (required)
//   STRATA_REGION       default us-east-1
//   STRATA_CA_BUNDLE    PEM file trusted for https besides the system CAs
//                       (NODE_EXTRA_CA_CERTS works as well)
//   STRATA_KEY_PREFIX   prefix of every key written, default "node/"
//
// Prints one JSON line per check: {"check", "ok", "ms", "details", "error"}.
// Exit status: 0 when every check passed, 1 when one failed, 2 on bad usage.
//
// Expectations are Amazon S3's. The client keeps the SDK's defaults
// (requestChecksumCalculation / responseChecksumValidation WHEN_SUPPORTED):
// since early 2025 the SDK adds a CRC32 to every PutObject/UploadPart, as a
// header for a buffer body and as an aws-chunked trailer for a stream body.

import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { Agent as HttpsAgent } from "node:https";
import { Readable } from "node:stream";
import { rootCertificates } from "node:tls";
import { crc32 as zlibCrc32 } from "node:zlib";

import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";

const MiB = 1024 * 1024;
const ALGORITHMS = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"];

// ---------------------------------------------------------------------------
// Local checksums (independent of the SDK's own implementations)
// ---------------------------------------------------------------------------

function crc32cTable() {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
}
const CRC32C_TABLE = crc32cTable();

function crc32c(buf) {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC32C_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// CRC-64/NVME: reflected polynomial 0x9A6C9329AC4BC9B5, init and xorout all
// ones. The 64-bit state is kept as two 32-bit halves (BigInt is too slow).
function crc64Tables() {
  const lo = new Uint32Array(256);
  const hi = new Uint32Array(256);
  const POLY_LO = 0xac4bc9b5;
  const POLY_HI = 0x9a6c9329;
  for (let i = 0; i < 256; i++) {
    let l = i;
    let h = 0;
    for (let k = 0; k < 8; k++) {
      const bit = l & 1;
      l = ((l >>> 1) | ((h & 1) << 31)) >>> 0;
      h = h >>> 1;
      if (bit) {
        l = (l ^ POLY_LO) >>> 0;
        h = (h ^ POLY_HI) >>> 0;
      }
    }
    lo[i] = l;
    hi[i] = h;
  }
  return { lo, hi };
}
const CRC64 = crc64Tables();

function crc64nvme(buf) {
  let l = 0xffffffff;
  let h = 0xffffffff;
  for (let i = 0; i < buf.length; i++) {
    const idx = (l ^ buf[i]) & 0xff;
    // state >> 8
    const nl = ((l >>> 8) | ((h & 0xff) << 24)) >>> 0;
    const nh = h >>> 8;
    l = (nl ^ CRC64.lo[idx]) >>> 0;
    h = (nh ^ CRC64.hi[idx]) >>> 0;
  }
  l = (l ^ 0xffffffff) >>> 0;
  h = (h ^ 0xffffffff) >>> 0;
  const out = Buffer.alloc(8);
  out.writeUInt32BE(h, 0);
  out.writeUInt32BE(l, 4);
  return out;
}

function u32be(n) {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}

// The raw checksum bytes of `buf` (big-endian for the CRCs, as S3 prints them).
function rawChecksum(algorithm, buf) {
  switch (algorithm) {
    case "CRC32":
      return u32be(zlibCrc32(buf));
    case "CRC32C":
      return u32be(crc32c(buf));
    case "CRC64NVME":
      return crc64nvme(buf);
    case "SHA1":
      return createHash("sha1").update(buf).digest();
    case "SHA256":
      return createHash("sha256").update(buf).digest();
    default:
      throw new Error(`unknown algorithm ${algorithm}`);
  }
}

const b64 = (buf) => Buffer.from(buf).toString("base64");
const checksumB64 = (algorithm, buf) => b64(rawChecksum(algorithm, buf));
const sha256Hex = (buf) => createHash("sha256").update(buf).digest("hex");
const md5Hex = (buf) => createHash("md5").update(buf).digest("hex");

// Self-test of the local implementations on the standard check input.
function selfTest() {
  const v = Buffer.from("123456789");
  const expect = {
    CRC32: "cbf43926",
    CRC32C: "e3069283",
    CRC64NVME: "ae8b14860a799888",
  };
  for (const [alg, hex] of Object.entries(expect)) {
    const got = rawChecksum(alg, v).toString("hex");
    if (got !== hex) throw new Error(`local ${alg} implementation is wrong: ${got} != ${hex}`);
  }
}

// S3's multipart ETag: MD5 of the concatenated binary part MD5s, "-N".
function multipartEtag(parts) {
  const h = createHash("md5");
  for (const p of parts) h.update(createHash("md5").update(p).digest());
  return `"${h.digest("hex")}-${parts.length}"`;
}

// S3's COMPOSITE checksum: checksum of the concatenated raw part checksums, "-N".
function compositeChecksum(algorithm, parts) {
  const raw = Buffer.concat(parts.map((p) => rawChecksum(algorithm, p)));
  return `${checksumB64(algorithm, raw)}-${parts.length}`;
}

// ---------------------------------------------------------------------------
// Client, request recording, assertions
// ---------------------------------------------------------------------------

function env(name, fallback) {
  const v = process.env[name];
  if (v === undefined || v === "") {
    if (fallback !== undefined) return fallback;
    console.error(`sdk_checks.mjs: environment variable ${name} is required`);
    process.exit(2);
  }
  return v;
}

const cfg = {
  endpoint: env("STRATA_ENDPOINT"),
  region: env("STRATA_REGION", "us-east-1"),
  accessKeyId: env("STRATA_ACCESS_KEY"),
  secretAccessKey: env("STRATA_SECRET_KEY"),
  bucket: env("STRATA_BUCKET"),
  caBundle: env("STRATA_CA_BUNDLE", ""),
  prefix: env("STRATA_KEY_PREFIX", "node/"),
};

// Every request as sent (after the checksum and signing middleware).
const sent = [];

function makeClient() {
  const config = {
    endpoint: cfg.endpoint,
    region: cfg.region,
    forcePathStyle: true,
    credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey },
    maxAttempts: 1,
  };
  if (cfg.caBundle) {
    config.requestHandler = {
      httpsAgent: new HttpsAgent({
        keepAlive: true,
        ca: [...rootCertificates, readFileSync(cfg.caBundle, "utf8")],
      }),
    };
  }
  const client = new S3Client(config);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const r = args.request;
      if (r && r.headers) {
        const headers = {};
        for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = String(v);
        sent.push({ command: context.commandName, method: r.method, query: { ...(r.query || {}) }, headers });
      }
      return next(args);
    },
    { step: "finalizeRequest", name: "strataRecordRequests", priority: "low" },
  );
  return client;
}

const client = makeClient();

class CheckError extends Error {}

function check(cond, message, extra) {
  if (!cond) {
    const e = new CheckError(message);
    e.extra = extra;
    throw e;
  }
}

function eq(got, want, what) {
  check(got === want, `${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

function lastSent(command) {
  for (let i = sent.length - 1; i >= 0; i--) if (sent[i].command === command) return sent[i];
  return undefined;
}

// A Readable over `data` in `piece`-byte chunks (the SDK cannot know its length).
function streamOf(data, piece = 64 * 1024) {
  return Readable.from(
    (function* gen() {
      for (let off = 0; off < data.length; off += piece) yield data.subarray(off, off + piece);
    })(),
    { objectMode: false },
  );
}

async function bodyBytes(resp) {
  return Buffer.from(await resp.Body.transformToByteArray());
}

// GetObject and HeadObject with ChecksumMode ENABLED: bytes (SHA-256), the
// stored checksum and its type, as S3 returns them.
async function verifyRead(key, data, algorithm, expectedChecksum, expectedType, etag) {
  const field = `Checksum${algorithm}`;
  const got = await client.send(
    new GetObjectCommand({ Bucket: cfg.bucket, Key: key, ChecksumMode: "ENABLED" }),
  );
  const body = await bodyBytes(got); // the SDK validates full-object checksums while reading
  eq(body.length, data.length, `GET ${key} length`);
  eq(sha256Hex(body), sha256Hex(data), `GET ${key} SHA-256`);
  eq(got[field], expectedChecksum, `GET ${key} ${field}`);
  eq(got.ChecksumType, expectedType, `GET ${key} ChecksumType`);
  if (etag) eq(got.ETag, etag, `GET ${key} ETag`);
  const head = await client.send(
    new HeadObjectCommand({ Bucket: cfg.bucket, Key: key, ChecksumMode: "ENABLED" }),
  );
  eq(head.ContentLength, data.length, `HEAD ${key} ContentLength`);
  eq(head[field], expectedChecksum, `HEAD ${key} ${field}`);
  eq(head.ChecksumType, expectedType, `HEAD ${key} ChecksumType`);
  if (etag) eq(head.ETag, etag, `HEAD ${key} ETag`);
  return { getChecksum: got[field], headChecksum: head[field], type: head.ChecksumType };
}

// ---------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------

const CHECKS = {
  // The client keeps the SDK defaults this suite is about.
  async defaults() {
    const calc = await client.config.requestChecksumCalculation();
    const valid = await client.config.responseChecksumValidation();
    eq(calc, "WHEN_SUPPORTED", "requestChecksumCalculation");
    eq(valid, "WHEN_SUPPORTED", "responseChecksumValidation");
    eq(await client.config.forcePathStyle, true, "forcePathStyle");
    return { requestChecksumCalculation: calc, responseChecksumValidation: valid };
  },

  // PutObject of a stream with the default checksum: aws-chunked body, CRC32
  // in the trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER), then GET/HEAD with
  // ChecksumMode ENABLED.
  async "put-stream"() {
    const key = `${cfg.prefix}put-stream.bin`;
    const data = randomBytes(3 * MiB + 17);
    const crc = checksumB64("CRC32", data);
    const put = await client.send(
      new PutObjectCommand({ Bucket: cfg.bucket, Key: key, Body: streamOf(data), ContentLength: data.length }),
    );
    const req = lastSent("PutObjectCommand");
    const h = req.headers;
    check((h["content-encoding"] || "").includes("aws-chunked"), `request not aws-chunked: ${JSON.stringify(h)}`);
    eq(h["x-amz-content-sha256"], "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "request x-amz-content-sha256");
    eq(h["x-amz-trailer"], "x-amz-checksum-crc32", "request x-amz-trailer");
    eq(h["x-amz-decoded-content-length"], String(data.length), "request x-amz-decoded-content-length");
    eq(put.ETag, `"${md5Hex(data)}"`, "PutObject ETag");
    eq(put.ChecksumCRC32, crc, "PutObject ChecksumCRC32");
    const read = await verifyRead(key, data, "CRC32", crc, "FULL_OBJECT", `"${md5Hex(data)}"`);
    return { key, size: data.length, crc32: crc, sent: pick(h), ...read };
  },

  // PutObject of a Buffer with the default checksum: x-amz-checksum-crc32 header.
  async "put-buffer"() {
    const key = `${cfg.prefix}put-buffer.bin`;
    const data = randomBytes(MiB + 5);
    const crc = checksumB64("CRC32", data);
    const put = await client.send(new PutObjectCommand({ Bucket: cfg.bucket, Key: key, Body: data }));
    const h = lastSent("PutObjectCommand").headers;
    eq(h["x-amz-checksum-crc32"], crc, "request x-amz-checksum-crc32");
    check(!(h["content-encoding"] || "").includes("aws-chunked"), "buffer body sent aws-chunked");
    eq(put.ETag, `"${md5Hex(data)}"`, "PutObject ETag");
    eq(put.ChecksumCRC32, crc, "PutObject ChecksumCRC32");
    const read = await verifyRead(key, data, "CRC32", crc, "FULL_OBJECT", `"${md5Hex(data)}"`);
    return { key, size: data.length, crc32: crc, sent: pick(h), ...read };
  },

  // Every algorithm the SDK offers, as a trailer (stream) and as a header (buffer).
  async "put-algorithms"() {
    const out = {};
    for (const algorithm of ALGORITHMS) {
      for (const mode of ["trailer", "header"]) {
        const key = `${cfg.prefix}alg-${algorithm}-${mode}.bin`;
        const data = randomBytes(256 * 1024 + 3);
        const want = checksumB64(algorithm, data);
        const Body = mode === "trailer" ? streamOf(data) : data;
        const params = { Bucket: cfg.bucket, Key: key, Body, ChecksumAlgorithm: algorithm };
        if (mode === "trailer") params.ContentLength = data.length;
        const put = await client.send(new PutObjectCommand(params));
        const h = lastSent("PutObjectCommand").headers;
        const name = `x-amz-checksum-${algorithm.toLowerCase()}`;
        if (mode === "trailer") eq(h["x-amz-trailer"], name, `${algorithm} request x-amz-trailer`);
        else eq(h[name], want, `${algorithm} request ${name}`);
        eq(put[`Checksum${algorithm}`], want, `${algorithm}/${mode} PutObject Checksum${algorithm}`);
        await verifyRead(key, data, algorithm, want, "FULL_OBJECT", `"${md5Hex(data)}"`);
        out[`${algorithm}/${mode}`] = want;
      }
    }
    return out;
  },

  // A wrong x-amz-checksum-crc32 (the SDK sends a given checksum as is):
  // 400 BadDigest, and nothing is stored.
  async "put-bad-checksum"() {
    const key = `${cfg.prefix}bad-checksum.bin`;
    const data = randomBytes(100_000);
    const wrong = checksumB64("CRC32", Buffer.concat([data, Buffer.from("x")]));
    let err;
    try {
      await client.send(new PutObjectCommand({ Bucket: cfg.bucket, Key: key, Body: data, ChecksumCRC32: wrong }));
    } catch (e) {
      err = e;
    }
    check(err, "PutObject with a wrong CRC32 succeeded");
    eq(err.name, "BadDigest", "error code");
    eq(err.$metadata?.httpStatusCode, 400, "HTTP status");
    eq(lastSent("PutObjectCommand").headers["x-amz-checksum-crc32"], wrong, "request x-amz-checksum-crc32");
    let headErr;
    try {
      await client.send(new HeadObjectCommand({ Bucket: cfg.bucket, Key: key }));
    } catch (e) {
      headErr = e;
    }
    check(headErr && headErr.$metadata?.httpStatusCode === 404, "object stored despite BadDigest");
    return { key, code: err.name };
  },

  // lib-storage Upload of a 64 MiB stream: 8 parts of 8 MiB, 4 at a time,
  // CreateMultipartUpload with ChecksumAlgorithm CRC32 (the default), a CRC32
  // per part, then read back whole and by part number.
  async "upload-multipart"() {
    const key = `${cfg.prefix}upload-64m.bin`;
    const partSize = 8 * MiB;
    const data = randomBytes(64 * MiB);
    const parts = [];
    for (let off = 0; off < data.length; off += partSize) parts.push(data.subarray(off, off + partSize));
    const before = sent.length;
    const upload = new Upload({
      client,
      params: { Bucket: cfg.bucket, Key: key, Body: streamOf(data, MiB), ContentType: "application/x-strata-test" },
      partSize,
      queueSize: 4,
      leavePartsOnError: false,
    });
    const done = await upload.done();
    const reqs = sent.slice(before);
    const count = (c) => reqs.filter((r) => r.command === c).length;
    eq(count("CreateMultipartUploadCommand"), 1, "CreateMultipartUpload requests");
    eq(count("UploadPartCommand"), parts.length, "UploadPart requests");
    eq(count("CompleteMultipartUploadCommand"), 1, "CompleteMultipartUpload requests");
    const create = reqs.find((r) => r.command === "CreateMultipartUploadCommand");
    eq(create.headers["x-amz-checksum-algorithm"], "CRC32", "CreateMultipartUpload x-amz-checksum-algorithm");
    for (const r of reqs.filter((x) => x.command === "UploadPartCommand")) {
      const n = Number(r.query.partNumber);
      eq(r.headers["x-amz-checksum-crc32"], checksumB64("CRC32", parts[n - 1]), `UploadPart ${n} x-amz-checksum-crc32`);
    }
    const etag = multipartEtag(parts);
    const composite = compositeChecksum("CRC32", parts);
    eq(done.ETag, etag, "CompleteMultipartUpload ETag");
    eq(done.ChecksumCRC32, composite, "CompleteMultipartUpload ChecksumCRC32");
    eq(done.ChecksumType, "COMPOSITE", "CompleteMultipartUpload ChecksumType");
    const read = await verifyRead(key, data, "CRC32", composite, "COMPOSITE", etag);
    const head = await client.send(new HeadObjectCommand({ Bucket: cfg.bucket, Key: key }));
    eq(head.ContentType, "application/x-strata-test", "HEAD ContentType");
    // one part, by number
    const n = 3;
    const part = await client.send(new GetObjectCommand({ Bucket: cfg.bucket, Key: key, PartNumber: n }));
    const partBody = await bodyBytes(part);
    eq(part.PartsCount, parts.length, `GET partNumber=${n} PartsCount`);
    eq(part.ContentLength, partSize, `GET partNumber=${n} ContentLength`);
    eq(sha256Hex(partBody), sha256Hex(parts[n - 1]), `GET partNumber=${n} SHA-256`);
    eq(part.ContentRange, `bytes ${(n - 1) * partSize}-${n * partSize - 1}/${data.length}`, `GET partNumber=${n} ContentRange`);
    return { key, size: data.length, parts: parts.length, etag, crc32: composite, ...read };
  },
};

function pick(h) {
  const out = {};
  for (const k of Object.keys(h).sort()) {
    if (k.startsWith("x-amz-") || k === "content-encoding" || k === "content-length" || k === "expect" || k === "transfer-encoding") {
      out[k] = h[k];
    }
  }
  delete out["x-amz-security-token"];
  return out;
}

// ---------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------

async function main() {
  const names = process.argv.slice(2);
  if (names.length === 0 || names.includes("--help") || names.includes("-h")) {
    console.error(`usage: node sdk_checks.mjs CHECK...\nchecks: ${Object.keys(CHECKS).join(" ")} | all`);
    process.exit(names.length === 0 ? 2 : 0);
  }
  const expanded = names.flatMap((n) => (n === "all" ? Object.keys(CHECKS) : [n]));
  const unknown = expanded.filter((n) => !(n in CHECKS));
  if (unknown.length) {
    console.error(`unknown check(s): ${unknown.join(" ")}; known: ${Object.keys(CHECKS).join(" ")}`);
    process.exit(2);
  }
  selfTest();
  let failed = 0;
  for (const name of expanded) {
    const t0 = Date.now();
    const first = sent.length;
    const line = { check: name, ok: false, ms: 0 };
    try {
      line.details = await CHECKS[name]();
      line.ok = true;
    } catch (e) {
      failed++;
      line.error = e instanceof CheckError ? e.message : `${e.name}: ${e.message}`;
      if (e.$metadata) line.http_status = e.$metadata.httpStatusCode;
      if (e.$metadata?.requestId) line.request_id = e.$metadata.requestId;
      if (e.$response?.body && typeof e.$response.body === "string") line.response_body = e.$response.body.slice(0, 2000);
      if (!(e instanceof CheckError) && e.stack) line.stack = e.stack.split("\n").slice(0, 6).join("\n");
      const last = sent[sent.length - 1];
      if (sent.length > first && last) line.last_request = { command: last.command, query: last.query, headers: pick(last.headers) };
    }
    line.ms = Date.now() - t0;
    console.log(JSON.stringify(line));
  }
  client.destroy();
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.log(JSON.stringify({ check: "(main)", ok: false, error: `${e.name}: ${e.message}`, stack: e.stack }));
  process.exit(1);
});
