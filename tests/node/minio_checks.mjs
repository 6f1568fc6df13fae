#!/usr/bin/env node
// Client-compatibility checks of the MinIO JavaScript SDK (`minio` on npm)
// against Strata, run by tests/integration/test_minio_sdk.py.
//
//   node tests/node/minio_checks.mjs CHECK [CHECK ...]
//
// Configuration (environment), as for sdk_checks.mjs:
//   STRATA_ENDPOINT     http(s)://127.0.0.1:PORT            (required)
//   STRATA_ACCESS_KEY   / STRATA_SECRET_KEY                  (required)
//   STRATA_BUCKET       an existing bucket                   (required)
//   STRATA_REGION       default us-east-1
//   STRATA_KEY_PREFIX   prefix of every key written, default "minio/"
//   NODE_EXTRA_CA_CERTS PEM file trusted for https
//
// Prints one JSON line per check: {"check", "ok", "ms", "details", "error"}.
// Exit status: 0 when every check passed, 1 when one failed, 2 on bad usage.
// Expectations are Amazon S3's.

import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";

import * as Minio from "minio";

const MiB = 1024 * 1024;

function env(name, fallback) {
  const v = process.env[name];
  if (v === undefined || v === "") {
    if (fallback !== undefined) return fallback;
    console.error(`minio_checks.mjs: environment variable ${name} is required`);
    process.exit(2);
  }
  return v;
}

const cfg = {
  endpoint: new URL(env("STRATA_ENDPOINT")),
  region: env("STRATA_REGION", "us-east-1"),
  accessKey: env("STRATA_ACCESS_KEY"),
  secretKey: env("STRATA_SECRET_KEY"),
  bucket: env("STRATA_BUCKET"),
  prefix: env("STRATA_KEY_PREFIX", "minio/"),
};

const client = new Minio.Client({
  endPoint: cfg.endpoint.hostname,
  port: Number(cfg.endpoint.port),
  useSSL: cfg.endpoint.protocol === "https:",
  accessKey: cfg.accessKey,
  secretKey: cfg.secretKey,
  region: cfg.region,
  pathStyle: true,
  // The smallest part size S3 allows, so a 12 MiB stream goes multipart.
  partSize: 5 * MiB,
});

class CheckError extends Error {}

function check(cond, message) {
  if (!cond) throw new CheckError(message);
}

function eq(got, want, what) {
  check(got === want, `${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

const md5Hex = (buf) => createHash("md5").update(buf).digest("hex");
const sha256Hex = (buf) => createHash("sha256").update(buf).digest("hex");

function multipartEtag(parts) {
  const h = createHash("md5");
  for (const p of parts) h.update(createHash("md5").update(p).digest());
  return `${h.digest("hex")}-${parts.length}`;
}

async function readAll(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function collect(stream) {
  const items = [];
  for await (const item of stream) items.push(item);
  return items;
}

const key = (name) => `${cfg.prefix}${name}`;

const CHECKS = {
  // putObject (a Buffer: one PUT), getObject, statObject with metadata.
  async "put-get-stat"() {
    const data = randomBytes(256 * 1024 + 3);
    const k = key("put-get-stat.bin");
    const put = await client.putObject(cfg.bucket, k, data, data.length, {
      "Content-Type": "application/x-strata",
      "X-Amz-Meta-Color": "blue",
    });
    eq(put.etag, md5Hex(data), "putObject etag");
    const got = await readAll(await client.getObject(cfg.bucket, k));
    eq(sha256Hex(got), sha256Hex(data), "getObject SHA-256");
    const range = await readAll(await client.getPartialObject(cfg.bucket, k, 10, 100));
    eq(sha256Hex(range), sha256Hex(data.subarray(10, 110)), "getPartialObject SHA-256");
    const stat = await client.statObject(cfg.bucket, k);
    eq(stat.size, data.length, "statObject size");
    eq(stat.etag, md5Hex(data), "statObject etag");
    eq(stat.metaData["content-type"], "application/x-strata", "statObject content-type");
    eq(stat.metaData.color, "blue", "statObject x-amz-meta-color");
    return { key: k, size: data.length };
  },

  // listObjectsV2 (recursive and with a delimiter) and listObjects (v1).
  async list() {
    const names = ["list/a.txt", "list/b/1.txt", "list/b/2.txt", "list/c.txt"];
    for (const n of names) await client.putObject(cfg.bucket, key(n), Buffer.from(n));
    const all = await collect(client.listObjectsV2(cfg.bucket, key("list/"), true));
    eq(JSON.stringify(all.map((o) => o.name)), JSON.stringify(names.map(key)), "recursive V2");
    for (const o of all) eq(o.size, o.name.length - cfg.prefix.length, `size of ${o.name}`);
    // The SDK hands out a page's objects, then its prefixes.
    const top = await collect(client.listObjectsV2(cfg.bucket, key("list/"), false));
    const objects = top.filter((o) => o.name).map((o) => o.name);
    const prefixes = top.filter((o) => o.prefix).map((o) => o.prefix);
    eq(JSON.stringify(objects), JSON.stringify([key("list/a.txt"), key("list/c.txt")]), "V2 delimiter objects");
    eq(JSON.stringify(prefixes), JSON.stringify([key("list/b/")]), "V2 delimiter prefixes");
    const after = await collect(client.listObjectsV2(cfg.bucket, key("list/"), true, key("list/b/1.txt")));
    eq(JSON.stringify(after.map((o) => o.name)), JSON.stringify(names.slice(2).map(key)), "V2 startAfter");
    const v1 = await collect(client.listObjects(cfg.bucket, key("list/"), true));
    eq(JSON.stringify(v1.map((o) => o.name)), JSON.stringify(names.map(key)), "V1 recursive");
    return { listed: all.length };
  },

  // Presigned GET and PUT URLs, used with plain fetch.
  async presigned() {
    const data = randomBytes(70 * 1024);
    const k = key("presigned/obj.bin");
    const putUrl = await client.presignedPutObject(cfg.bucket, k, 600);
    const put = await fetch(putUrl, { method: "PUT", body: data });
    eq(put.status, 200, `presigned PUT status (${await put.text()})`);
    const getUrl = await client.presignedGetObject(cfg.bucket, k, 600);
    const get = await fetch(getUrl);
    eq(get.status, 200, "presigned GET status");
    const body = Buffer.from(await get.arrayBuffer());
    eq(sha256Hex(body), sha256Hex(data), "presigned GET SHA-256");
    const tampered = getUrl.replace(/X-Amz-Signature=([0-9a-f])/, (m, c) => `X-Amz-Signature=${c === "0" ? "1" : "0"}`);
    const denied = await fetch(tampered);
    eq(denied.status, 403, "tampered presigned GET status");
    return { key: k };
  },

  // removeObjects: one multi-object delete for many keys.
  async "remove-many"() {
    const names = [];
    for (let i = 0; i < 25; i++) names.push(key(`remove/${String(i).padStart(2, "0")}`));
    for (const n of names) await client.putObject(cfg.bucket, n, Buffer.from(n));
    const result = await client.removeObjects(cfg.bucket, [...names, key("remove/never-existed")]);
    const errors = (Array.isArray(result) ? result : []).filter((r) => r && (r.Error || r.Code));
    eq(JSON.stringify(errors), "[]", "removeObjects errors");
    const left = await collect(client.listObjectsV2(cfg.bucket, key("remove/"), true));
    eq(left.length, 0, "objects left after removeObjects");
    return { removed: names.length };
  },

  // putObject from a stream larger than the part size: a multipart upload.
  async multipart() {
    const size = 12 * MiB + 5;
    const data = randomBytes(size);
    const k = key("multipart.bin");
    const stream = Readable.from(
      (function* gen() {
        for (let off = 0; off < data.length; off += 256 * 1024) yield data.subarray(off, off + 256 * 1024);
      })(),
    );
    const put = await client.putObject(cfg.bucket, k, stream, size);
    const parts = [data.subarray(0, 5 * MiB), data.subarray(5 * MiB, 10 * MiB), data.subarray(10 * MiB)];
    eq(put.etag, multipartEtag(parts), "multipart etag");
    const stat = await client.statObject(cfg.bucket, k);
    eq(stat.size, size, "statObject size");
    const got = await readAll(await client.getObject(cfg.bucket, k));
    eq(sha256Hex(got), sha256Hex(data), "getObject SHA-256");
    const pending = await collect(client.listIncompleteUploads(cfg.bucket, key(""), true));
    eq(pending.length, 0, "incomplete uploads left");
    return { key: k, size, etag: put.etag };
  },

  // presignedPostPolicy: a browser-style form upload with the SDK's policy.
  async "post-policy"() {
    const data = randomBytes(40 * 1024);
    const k = key("post/upload.txt");
    const policy = client.newPostPolicy();
    policy.setBucket(cfg.bucket);
    policy.setKey(k);
    policy.setExpires(new Date(Date.now() + 10 * 60 * 1000));
    policy.setContentType("text/plain");
    policy.setContentLengthRange(1, 1 * MiB);
    policy.setUserMetaData({ origin: "minio-js" });
    const { postURL, formData } = await client.presignedPostPolicy(policy);
    const form = new FormData();
    for (const [name, value] of Object.entries(formData)) form.append(name, value);
    form.append("file", new Blob([data], { type: "text/plain" }), "upload.txt");
    const resp = await fetch(postURL, { method: "POST", body: form });
    eq(resp.status, 204, `POST status (${await resp.text()})`);
    eq(resp.headers.get("etag"), `"${md5Hex(data)}"`, "POST ETag header");
    const stat = await client.statObject(cfg.bucket, k);
    eq(stat.size, data.length, "statObject size");
    eq(stat.metaData["content-type"], "text/plain", "statObject content-type");
    eq(stat.metaData.origin, "minio-js", "statObject x-amz-meta-origin");
    const got = await readAll(await client.getObject(cfg.bucket, k));
    eq(sha256Hex(got), sha256Hex(data), "getObject SHA-256");

    // Too large for the policy's content-length-range: refused, nothing stored.
    const big = new FormData();
    const bigKey = key("post/too-big.txt");
    const policy2 = client.newPostPolicy();
    policy2.setBucket(cfg.bucket);
    policy2.setKey(bigKey);
    policy2.setExpires(new Date(Date.now() + 10 * 60 * 1000));
    policy2.setContentLengthRange(1, 1024);
    const signed2 = await client.presignedPostPolicy(policy2);
    for (const [name, value] of Object.entries(signed2.formData)) big.append(name, value);
    big.append("file", new Blob([randomBytes(4096)]), "too-big.txt");
    const refused = await fetch(signed2.postURL, { method: "POST", body: big });
    const text = await refused.text();
    eq(refused.status, 400, "oversize POST status");
    check(text.includes("<Code>EntityTooLarge</Code>"), `oversize POST error: ${text}`);
    const left = await collect(client.listObjectsV2(cfg.bucket, bigKey, true));
    eq(left.length, 0, "oversize upload left an object");
    return { key: k, size: data.length };
  },
};

async function main() {
  const names = process.argv.slice(2);
  if (names.length === 0 || names.includes("--help") || names.includes("-h")) {
    console.error(`usage: node minio_checks.mjs CHECK...\nchecks: ${Object.keys(CHECKS).join(" ")} | all`);
    process.exit(names.length === 0 ? 2 : 0);
  }
  const expanded = names.flatMap((n) => (n === "all" ? Object.keys(CHECKS) : [n]));
  const unknown = expanded.filter((n) => !(n in CHECKS));
  if (unknown.length) {
    console.error(`unknown check(s): ${unknown.join(" ")}; known: ${Object.keys(CHECKS).join(" ")}`);
    process.exit(2);
  }
  let failed = 0;
  for (const name of expanded) {
    const t0 = Date.now();
    const line = { check: name, ok: false, ms: 0 };
    try {
      line.details = await CHECKS[name]();
      line.ok = true;
    } catch (e) {
      failed++;
      line.error = e instanceof CheckError ? e.message : `${e.name}: ${e.message}`;
      if (e.code) line.code = e.code;
      if (!(e instanceof CheckError) && e.stack) line.stack = e.stack.split("\n").slice(0, 6).join("\n");
    }
    line.ms = Date.now() - t0;
    console.log(JSON.stringify(line));
  }
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.log(JSON.stringify({ check: "(main)", ok: false, error: `${e.name}: ${e.message}`, stack: e.stack }));
  process.exit(1);
});
