// Debian's Chromium, headless, driven by puppeteer-core; the page served from build/wasm/site.
// Every request must go to the local server: anything else is aborted and fails the test.
// TINYDIGIT_BROWSER=firefox runs the same tests in Debian's firefox-esr (WebDriver BiDi; a
// developer check, not part of the test command).
import puppeteer from "puppeteer-core";

import { serveFolder } from "./static_server.mjs";

export async function openBrowser(site) {
  const server = await serveFolder(site);
  const firefox = process.env.TINYDIGIT_BROWSER === "firefox";
  const args = firefox ? [] : ["--disable-gpu", "--no-first-run"];
  if (!firefox && process.getuid?.() === 0) args.push("--no-sandbox"); // Chromium refuses root otherwise
  const browser = await puppeteer.launch({
    browser: firefox ? "firefox" : "chrome",
    executablePath: firefox ? "/usr/bin/firefox-esr" : process.env.TINYDIGIT_CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args,
  });
  const foreign = [];
  const errors = [];
  // Opens the page with query `query` and waits until the engine and model are ready.
  async function open(query) {
    const page = await browser.newPage();
    await page.setViewport({ width: 1200, height: 900, hasTouch: true });
    await page.setRequestInterception(true);
    page.on("request", (r) => {
      if (r.url().startsWith(server.url) || r.url().startsWith("data:")) r.continue();
      else { foreign.push(r.url()); r.abort(); }
    });
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${server.url}?${query}`, { waitUntil: "load" });
    await page.evaluate(() => window.tinydigitReady);
    return page;
  }
  async function close() {
    await browser.close();
    server.close();
    if (foreign.length) throw new Error(`the page fetched from outside the local server: ${foreign.join(", ")}`);
    if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
  }
  return { open, close, version: await browser.version() };
}
