#!/usr/bin/env node
// Opens an LG-Protect HTML report the way a person would, in headless Chromium, for the tests.
//
// Usage: node tests/support/browser/html_check.mjs FILE.html SCREENSHOT.png [--expect-charts a,b,c]
//
// The report must be self-contained: every request that is not file: or data: is aborted and
// listed. Console errors and uncaught page errors are collected. Each expected chart
// (`svg.chart[data-chart="NAME"]`) must be visible with a non-zero box and at least one drawn
// shape, on screen and again under print media (the report is meant to be printed to PDF). A
// full-page screenshot of the screen rendering is written to SCREENSHOT.png, so a person can
// look at it.
//
// Prints a JSON summary on stdout:
//   {consoleErrors: [], pageErrors: [], blockedRequests: [],
//    charts: {NAME: {count, width, height, shapes, visible, printVisible, printWidth, printHeight}},
//    problems: []}
// Exit status: 0 when there are no console or page errors, no blocked requests and every
// expected chart is fine; 1 otherwise; 2 on a usage error; 3 when Chromium or playwright-core is
// missing or Chromium cannot start (the caller reports the test as skipped with the message on
// stderr).
//
// Needs the system Chromium (Debian's `chromium`, at /usr/bin/chromium, or the path in
// LGP_CHROMIUM) and `npm ci` in this directory (playwright-core, which never downloads a browser);
// tests/support/install-report-tools.sh does both.

import { access, constants } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const EXIT_MISSING_TOOL = 3;
const USAGE = "usage: html_check.mjs FILE.html SCREENSHOT.png [--expect-charts a,b,c]";
// A report is one local file: loading it and drawing its charts takes well under a second, so
// anything near this is a hang, not a slow page.
const TIMEOUT_MS = 30_000;
// SVG elements that draw something; shapes inside these containers are templates, not drawn.
const SHAPES = "rect, path, circle, ellipse, line, polyline, polygon";
const NOT_DRAWN = "defs, clipPath, mask, marker, pattern, symbol";

function parseArgs(argv) {
  const positional = [];
  let charts = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--expect-charts") {
      if (i + 1 >= argv.length) return null;
      charts = argv[++i].split(",");
    } else if (arg.startsWith("--expect-charts=")) {
      charts = arg.slice("--expect-charts=".length).split(",");
    } else if (arg.startsWith("--")) {
      return null;
    } else {
      positional.push(arg);
    }
  }
  if (positional.length !== 2) return null;
  return { html: positional[0], screenshot: positional[1], charts: charts.filter(Boolean) };
}

function missingTool(message) {
  console.error(message);
  process.exit(EXIT_MISSING_TOOL);
}

async function loadChromium() {
  const executablePath = process.env.LGP_CHROMIUM || "/usr/bin/chromium";
  try {
    await access(executablePath, constants.X_OK);
  } catch {
    missingTool(`chromium not found at ${executablePath} (apt-get install chromium, or set LGP_CHROMIUM)`);
  }
  let chromium;
  try {
    ({ chromium } = await import("playwright-core"));
  } catch (err) {
    missingTool(`playwright-core is not installed (npm ci in ${import.meta.dirname}): ${err.message}`);
  }
  try {
    return await chromium.launch({
      executablePath,
      headless: true,
      timeout: TIMEOUT_MS,
      args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-dev-shm-usage"],
    });
  } catch (err) {
    missingTool(`chromium at ${executablePath} could not be started: ${err.message}`);
  }
}

// Runs in the page: what each chart's shapes look like. Returns one entry per matching element.
function measureCharts({ name, shapes, notDrawn }) {
  const escaped = CSS.escape(name);
  return [...document.querySelectorAll(`svg.chart[data-chart="${escaped}"]`)].map((svg) => {
    const drawn = [...svg.querySelectorAll(shapes)].filter((shape) => {
      if (shape.closest(notDrawn)) return false;
      const box = shape.getBBox();
      return box.width > 0 || box.height > 0;
    });
    return { shapes: drawn.length };
  });
}

// The chart's state under the page's current media: how many match, the first one's box, its
// visibility and its drawn shapes.
async function inspectChart(page, name) {
  const locator = page.locator(`svg.chart[data-chart="${name.replaceAll('"', '\\"')}"]`);
  const count = await locator.count();
  if (count === 0) return { count };
  const first = locator.first();
  const box = await first.boundingBox();
  const [measured] = await page.evaluate(measureCharts, { name, shapes: SHAPES, notDrawn: NOT_DRAWN });
  return {
    count,
    width: box ? box.width : 0,
    height: box ? box.height : 0,
    shapes: measured.shapes,
    visible: await first.isVisible(),
  };
}

function chartProblems(name, state, media) {
  if (state.count === 0) return [`chart ${name}: no svg.chart[data-chart="${name}"] (${media})`];
  const problems = [];
  if (state.count > 1) problems.push(`chart ${name}: ${state.count} elements share the name (${media})`);
  if (!state.visible) problems.push(`chart ${name}: not visible (${media})`);
  if (!(state.width > 0 && state.height > 0)) {
    problems.push(`chart ${name}: empty box ${state.width}x${state.height} (${media})`);
  }
  if (state.shapes === 0) problems.push(`chart ${name}: no drawn shape (${media})`);
  return problems;
}

async function check(browser, args) {
  const summary = { consoleErrors: [], pageErrors: [], blockedRequests: [], charts: {}, problems: [] };
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
    summary.blockedRequests.push(url);
    return route.abort("blockedbyclient");
  });
  await context.routeWebSocket(/.*/, (ws) => {
    summary.blockedRequests.push(ws.url());
    return ws.close();
  });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  page.on("console", (msg) => {
    if (msg.type() === "error") summary.consoleErrors.push(msg.text());
  });
  page.on("pageerror", (err) => summary.pageErrors.push(String(err)));

  await page.goto(pathToFileURL(path.resolve(args.html)).href, { waitUntil: "load" });
  await page.evaluate(() => document.fonts.ready);

  const screen = {};
  for (const name of args.charts) screen[name] = await inspectChart(page, name);
  await page.screenshot({ path: args.screenshot, fullPage: true });

  await page.emulateMedia({ media: "print" });
  for (const name of args.charts) {
    const print = await inspectChart(page, name);
    summary.problems.push(...chartProblems(name, screen[name], "screen"), ...chartProblems(name, print, "print"));
    summary.charts[name] = {
      count: screen[name].count,
      width: screen[name].width ?? 0,
      height: screen[name].height ?? 0,
      shapes: screen[name].shapes ?? 0,
      visible: screen[name].visible ?? false,
      printVisible: print.visible ?? false,
      printWidth: print.width ?? 0,
      printHeight: print.height ?? 0,
    };
  }
  await context.close();

  if (summary.consoleErrors.length) summary.problems.push(`${summary.consoleErrors.length} console error(s)`);
  if (summary.pageErrors.length) summary.problems.push(`${summary.pageErrors.length} page error(s)`);
  if (summary.blockedRequests.length) summary.problems.push(`${summary.blockedRequests.length} external request(s) blocked`);
  return summary;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!args) {
    console.error(USAGE);
    return EXIT_USAGE;
  }
  try {
    await access(args.html, constants.R_OK);
  } catch {
    console.error(`cannot read ${args.html}`);
    return EXIT_USAGE;
  }
  const browser = await loadChromium();
  try {
    const summary = await check(browser, args);
    console.log(JSON.stringify(summary, null, 2));
    return summary.problems.length ? EXIT_FAILED : 0;
  } finally {
    await browser.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`html_check failed: ${err.stack || err}`);
    process.exit(EXIT_FAILED);
  },
);
