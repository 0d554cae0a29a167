// End-to-end: an operator opens GraphQL Playground on the real subgraph in headless Chromium with the network closed, runs the README's query and sees the demo wallet; every request the page makes stays on loopback.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import express from "express";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLAYGROUND_ASSET_FILES, playgroundAssetsRouter, renderPlaygroundHtml } from "../../src/http/playground.js";
import { EXAMPLE_QUERY, startSandbox, type Sandbox } from "../../src/sandbox.js";

// Debian's chromium package; Playwright must not download a browser of its own (the network is closed).
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  // Without these Chromium calls Google at start, and the closed network refuses its connections.
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const REPORTS_DIR = fileURLToPath(new URL("../../reports/", import.meta.url));
const SCREENSHOT = join(REPORTS_DIR, "playground.png");
const COPY_SCRIPT = fileURLToPath(new URL("../../scripts/copy-playground-assets.mjs", import.meta.url));

function isLoopback(url: string): boolean {
  const { hostname } = new URL(url);
  return hostname === "127.0.0.1" || hostname === "localhost" || hostname === "[::1]";
}

describe("GraphQL Playground in a browser", () => {
  let sandbox: Sandbox | undefined;
  let browser: Browser | undefined;
  const requested: string[] = [];
  const failed: string[] = [];
  const pageErrors: string[] = [];

  // Started by the first test that needs it, so that a missing Chromium fails each test rather than skipping it.
  let opened: Promise<{ page: Page; graphqlUrl: string }> | undefined;
  const open = () => (opened ??= openPlayground());

  async function openPlayground(): Promise<{ page: Page; graphqlUrl: string }> {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is not installed at ${CHROMIUM}: run .ci/ensure-debian-packages.sh /usr/bin/chromium=chromium as root`);
    }
    sandbox = await startSandbox({ port: 0, storeUrl: "sqlite::memory:" });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
    page.on("request", (request) => requested.push(request.url()));
    page.on("websocket", (socket) => requested.push(socket.url()));
    page.on("requestfailed", (request) => failed.push(`${request.url()}: ${request.failure()?.errorText ?? "failed"}`));
    page.on("response", (response) => {
      if (response.status() >= 400) failed.push(`${response.url()}: HTTP ${response.status()}`);
    });
    page.on("pageerror", (error) => pageErrors.push(error.message));
    return { page, graphqlUrl: sandbox.graphqlUrl };
  }

  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  });

  it("loads from the subgraph alone", async () => {
    const { page, graphqlUrl } = await open();
    const response = await page.goto(graphqlUrl, { waitUntil: "load" });
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-type"]).toMatch(/^text\/html/);
    // The editor exists once the bundle has run and Playground has rendered.
    await page.locator(".CodeMirror").first().waitFor({ state: "visible", timeout: 20_000 });
    // Playground titles the page after the endpoint it talks to: the page's own URL.
    await expect.poll(() => page.title()).toBe(`Playground - ${graphqlUrl}`);

    expect(
      requested.filter((url) => !isLoopback(url)),
      "requests that left loopback",
    ).toEqual([]);
    expect(requested.some((url) => url.endsWith("/static/js/middleware.js"))).toBe(true);
    expect(requested.some((url) => url.endsWith("/static/css/index.css"))).toBe(true);
    expect(failed, "failed requests").toEqual([]);
    expect(pageErrors, "errors thrown in the page").toEqual([]);
  });

  it("runs the README's query and shows the wallet", async () => {
    const { page, graphqlUrl } = await open();
    if (page.url() !== graphqlUrl) await page.goto(graphqlUrl, { waitUntil: "load" }); // run on its own
    const queryEditor = page.locator(".CodeMirror").first(); // the sandbox opens it on the example query
    await queryEditor.waitFor({ state: "visible", timeout: 20_000 });
    await queryEditor.click();
    await page.keyboard.press("ControlOrMeta+A");
    // Pasted-like input: typing key by key would have the editor close each bracket a second time.
    await page.keyboard.insertText(EXAMPLE_QUERY);
    const editorText = await queryEditor.evaluate((element) =>
      (element as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue(),
    );
    expect(editorText).toBe(EXAMPLE_QUERY);
    await page.getByRole("button", { name: "Prettify" }).click();

    const playButton = page.locator('[title^="Execute Query"]');
    await playButton.click();

    // The result pane is the editor right of the play button.
    const resultPaneText = async (): Promise<string> => {
      const play = await playButton.boundingBox();
      const texts: string[] = [];
      for (const pane of await page.locator(".CodeMirror").all()) {
        const box = await pane.boundingBox();
        if (play && box && box.x + box.width / 2 > play.x + play.width / 2) texts.push(await pane.innerText());
      }
      return texts.join("\n");
    };
    mkdirSync(REPORTS_DIR, { recursive: true });
    try {
      await expect.poll(resultPaneText, { timeout: 20_000 }).toContain('"total": "400.0"');
      expect(await resultPaneText()).toContain('"amount": "300.0"');
    } finally {
      await page.screenshot({ path: SCREENSHOT }); // on failure too: it shows what the operator would have seen
    }

    const shown = await page.locator("body").innerText();
    expect(shown).toContain("Kyren");
    expect(shown).toContain("Lucky Monaco");
    expect(
      requested.filter((url) => !isLoopback(url)),
      "requests that left loopback",
    ).toEqual([]);
    expect(failed, "failed requests").toEqual([]);
    expect(pageErrors, "errors thrown in the page").toEqual([]);
  });
});

describe("GraphQL Playground assets of the production build", () => {
  let outDir: string;
  let server: ReturnType<express.Express["listen"]>;
  let base: string;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), "playground-assets-"));
    execFileSync(process.execPath, [COPY_SCRIPT, outDir], { stdio: "pipe" });
    const app = express();
    app.use("/playground", playgroundAssetsRouter({ assetsDir: outDir }));
    await new Promise<void>((resolve) => {
      server = app.listen(0, "127.0.0.1", () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    rmSync(outDir, { recursive: true, force: true });
  });

  it("copies every file the page references, and serves them", async () => {
    const html = renderPlaygroundHtml({ assetsPath: "/playground" });
    const referenced = [...html.matchAll(/\b(?:src|href)="(\/playground\/[^"]+)"/g)].map((match) => match[1] ?? "");
    expect(referenced.length).toBeGreaterThanOrEqual(3);
    for (const file of PLAYGROUND_ASSET_FILES) expect(existsSync(join(outDir, file)), file).toBe(true);
    for (const path of referenced) {
      const response = await fetch(`${base}${path}`);
      expect(response.status, path).toBe(200);
      const local = join(outDir, path.slice("/playground/".length));
      expect(Buffer.from(await response.arrayBuffer()).equals(readFileSync(local)), path).toBe(true);
      expect(response.headers.get("cache-control"), path).toMatch(/max-age=\d+/);
    }
  });
});
