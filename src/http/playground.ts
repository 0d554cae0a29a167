// Responsible for GraphQL Playground served wholly by the subgraph: its landing page (an Apollo plugin) and its browser bundle (an Express router), nothing from a CDN.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import type { ApolloServerPlugin } from "@apollo/server";
import express, { type Request, type Response } from "express";
import { renderPlaygroundPage } from "graphql-playground-html";

/**
 * The files of graphql-playground-react's build/ folder the page needs, relative to that folder and to the assets path.
 * scripts/copy-playground-assets.mjs copies the same list into dist/public/playground/: keep the two in step.
 */
export const PLAYGROUND_ASSET_FILES = ["static/js/middleware.js", "static/css/index.css", "favicon.png", "logo.png"] as const;

export interface PlaygroundLandingPageOptions {
  /** Where playgroundAssetsRouter() is mounted, e.g. "/playground": path-absolute, or relative to the page's URL. */
  assetsPath: string;
  /** Put in the first tab; reloading the page brings it back. */
  defaultQuery?: string;
  title?: string;
  /** HTTP headers of the first tab, sent with its operations and with schema introspection. */
  headers?: Record<string, string>;
}

// Written into the page where an endpoint is expected; a relative reference to the page itself ("#" resolves to this
// document), turned into the page's absolute URL by SELF_ENDPOINT_SCRIPT before Playground reads its configuration.
const SELF_ENDPOINT = "#";
const CONFIG_ELEMENT_ID = "playground-config"; // graphql-playground-html's id for the element holding the JSON config

const SELF_ENDPOINT_SCRIPT = `<script type="text/javascript">
      document.addEventListener("DOMContentLoaded", function () {
        var element = document.getElementById(${JSON.stringify(CONFIG_ELEMENT_ID)});
        if (!element) return;
        var self = window.location.origin + window.location.pathname;
        var config = JSON.parse(element.textContent);
        if (config.endpoint === ${JSON.stringify(SELF_ENDPOINT)}) config.endpoint = self;
        (config.tabs || []).forEach(function (tab) {
          if (tab.endpoint === ${JSON.stringify(SELF_ENDPOINT)}) tab.endpoint = self;
        });
        element.textContent = JSON.stringify(config);
      });
    </script>
  `;

/** Apollo Server serves the returned page on GET to its path when the client prefers text/html (a browser). */
export function playgroundLandingPage(options: PlaygroundLandingPageOptions): ApolloServerPlugin {
  const html = renderPlaygroundHtml(options); // rendered now, so a bad option or page fails at start, not in a browser
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return { html };
        },
      };
    },
  };
}

/** The Playground page, pointing at assetsPath for its script, stylesheet and icon, and at itself for GraphQL. */
export function renderPlaygroundHtml(options: PlaygroundLandingPageOptions): string {
  const assetsBase = normalizeAssetsPath(options.assetsPath);
  const tabs =
    options.defaultQuery !== undefined || options.headers !== undefined
      ? [{ endpoint: SELF_ENDPOINT, query: options.defaultQuery ?? "", ...(options.headers ? { headers: options.headers } : {}) }]
      : undefined;
  const cdnBase = `${assetsBase}/graphql-playground-react/build/`; // what the renderer builds from cdnUrl without a version
  let html = renderPlaygroundPage({
    endpoint: SELF_ENDPOINT,
    cdnUrl: assetsBase,
    faviconUrl: `${assetsBase}/favicon.png`,
    // The renderer puts the title into <title> unescaped.
    title: escapeHtml(options.title ?? "GraphQL Playground"),
    ...(tabs ? { tabs } : {}),
  });
  html = html.split(cdnBase).join(`${assetsBase}/`);
  // Google Fonts: the page falls back to the browser's sans-serif and monospace fonts.
  html = html.replace(/<link\b[^>]*\bfonts\.(?:googleapis|gstatic)\.com[^>]*>\s*/gi, "");
  html = html.replace("</head>", `${SELF_ENDPOINT_SCRIPT}</head>`);
  assertSelfContained(html, assetsBase);
  return html;
}

/** Serves the Playground's browser bundle; mount it at the landing page's assetsPath. */
export function playgroundAssetsRouter(options: { assetsDir?: string } = {}): express.Router {
  const assetsDir = options.assetsDir ?? locatePlaygroundAssets();
  const missing = PLAYGROUND_ASSET_FILES.filter((file) => !existsSync(join(assetsDir, file)));
  if (missing.length > 0) {
    throw new Error(`GraphQL Playground assets missing from ${assetsDir}: ${missing.join(", ")}`);
  }
  const router = express.Router();
  for (const file of PLAYGROUND_ASSET_FILES) {
    let loaded: Promise<LoadedAsset> | undefined;
    router.get(`/${file}`, async (req: Request, res: Response) => {
      loaded ??= loadAsset(join(assetsDir, file));
      const asset = await loaded.catch((error: unknown) => {
        loaded = undefined; // try the disk again on the next request
        throw error;
      });
      sendAsset(req, res, asset);
    });
  }
  return router;
}

interface LoadedAsset {
  contentType: string;
  identity: Buffer;
  gzipped: Buffer;
  etag: string;
}

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".png": "image/png",
};

// The files change only when graphql-playground-react is upgraded, which the ETag tells apart on revalidation.
const CACHE_CONTROL = "public, max-age=86400";

async function loadAsset(path: string): Promise<LoadedAsset> {
  const extension = path.slice(path.lastIndexOf("."));
  const contentType = CONTENT_TYPES[extension] ?? "application/octet-stream";
  const identity = readFileSync(path);
  const gzipped = await promisify(gzip)(identity);
  const etag = createHash("sha256").update(identity).digest("base64url").slice(0, 27);
  return { contentType, identity, gzipped, etag };
}

function sendAsset(req: Request, res: Response, asset: LoadedAsset): void {
  // The 2.3 MB script shrinks to about a quarter; images gain nothing, so they go as they are.
  const compress = asset.contentType !== "image/png" && req.acceptsEncodings("gzip", "identity") === "gzip";
  const body = compress ? asset.gzipped : asset.identity;
  res.setHeader("Content-Type", asset.contentType);
  res.setHeader("Cache-Control", CACHE_CONTROL);
  res.setHeader("ETag", compress ? `"${asset.etag}-gz"` : `"${asset.etag}"`);
  res.setHeader("X-Content-Type-Options", "nosniff");
  if (asset.contentType !== "image/png") res.setHeader("Vary", "Accept-Encoding");
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  if (compress) res.setHeader("Content-Encoding", "gzip");
  res.setHeader("Content-Length", String(body.length));
  res.status(200).end(body); // Node leaves the body out of an answer to HEAD
}

/**
 * The production build's copy (dist/public/playground/, beside dist/http/ where this module is compiled to) when it
 * exists, else graphql-playground-react's own build/ folder (development and tests, which run from src/).
 */
function locatePlaygroundAssets(): string {
  const builtCopy = fileURLToPath(new URL("../public/playground/", import.meta.url));
  if (existsSync(builtCopy)) return builtCopy;
  let packageJson: string;
  try {
    packageJson = createRequire(import.meta.url).resolve("graphql-playground-react/package.json");
  } catch {
    throw new Error(
      `GraphQL Playground assets not found: neither ${builtCopy} (made by scripts/copy-playground-assets.mjs at build) ` +
        "nor the graphql-playground-react package (a devDependency) is there",
    );
  }
  return join(dirname(packageJson), "build");
}

function normalizeAssetsPath(assetsPath: string): string {
  const base = assetsPath.replace(/\/+$/, "");
  // Letters, digits and -._~/ only: nothing the HTML filters would alter, no scheme, no host ("//"), no "..".
  if (!/^[A-Za-z0-9\-._~/]+$/.test(base) || base.startsWith("//") || base.split("/").includes("..")) {
    throw new Error(`assetsPath must be a plain URL path such as "/playground", got ${JSON.stringify(assetsPath)}`);
  }
  return base;
}

/** Throws if the page would load anything but the Playground assets, or reach beyond its own host. */
function assertSelfContained(html: string, assetsBase: string): void {
  const problems: string[] = [];
  for (const match of html.matchAll(/\b(?:src|href)\s*=\s*["']?([^"'\s>]*)/gi)) {
    const url = match[1] ?? "";
    if (url.startsWith("#")) continue; // a fragment of this document (the loading logo's SVG references)
    if (!url.startsWith(`${assetsBase}/`)) problems.push(url);
  }
  if (/@import|\burl\(\s*["']?(?!#)/i.test(html)) problems.push("a stylesheet import or url()");
  for (const host of ["googleapis", "gstatic", "jsdelivr", "unpkg", "cdn."]) {
    if (html.includes(host)) problems.push(host);
  }
  if (problems.length > 0) {
    throw new Error(`GraphQL Playground page would load from outside ${assetsBase}/: ${problems.join(", ")}`);
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
