// Publishing in a real browser, as agency staff do it: an editor creates a dataset,
// uploads a messy CSV, fixes a column's type in the review, publishes, finds it in search
// and on its public page, replaces the file and sees the change in the history; an
// organization admin adds a member. Every page on the way is checked with axe-core
// (WCAG 2 A/AA) at 1280 and 390 px and kept as a screenshot. (CSP is bypassed only so that
// axe, injected by the test, may run: the pages themselves load no inline script.)
import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import assert from "node:assert/strict";

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const BASE = process.env.CEIBA_URL;
const PASSWORD = process.env.CEIBA_PASSWORD;
const SHOTS = process.env.SHOTS;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM,
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
const failures = [];
const weights = [];
let checked = 0;

/** Most bytes a page may take over the network, with its assets (issue 17). */
const MAX_PAGE_BYTES = 100 * 1024;

/** What the page took over the network: the document and everything it loaded, as sent
 * (compressed), counted whether or not the browser had it cached. */
async function pageBytes(page) {
  return page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    const assets = performance.getEntriesByType("resource");
    return (nav ? nav.encodedBodySize : 0) + assets.reduce((sum, r) => sum + r.encodedBodySize, 0);
  });
}

/** Runs axe on the page at both widths and keeps a screenshot of each; the page must not
 * scroll sideways at either width, and must weigh less than MAX_PAGE_BYTES. */
async function audit(page, name) {
  const bytes = await pageBytes(page);
  if (bytes > MAX_PAGE_BYTES) failures.push(`${name}: ${bytes} bytes transferred (more than ${MAX_PAGE_BYTES})`);
  weights.push(`${name} ${bytes}`);
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (wide > 0) {
      // Name the elements that stick out (the innermost ones), to say what to fix.
      const culprits = await page.evaluate(() => {
        const out = [];
        for (const el of document.querySelectorAll("body *")) {
          const r = el.getBoundingClientRect();
          if (r.right <= window.innerWidth + 1 || r.width === 0) continue;
          const parent = el.parentElement;
          const outermost = parent && parent.getBoundingClientRect().right <= window.innerWidth + 1;
          if (!outermost && [...el.children].some((c) => c.getBoundingClientRect().right > window.innerWidth + 1)) continue;
          let inScroller = false;
          for (let p = el.parentElement; p; p = p.parentElement) {
            if (getComputedStyle(p).overflowX !== "visible") { inScroller = true; break; }
          }
          if (!inScroller) out.push(`${el.tagName.toLowerCase()}${el.className ? "." + String(el.className).split(" ").join(".") : ""} (${Math.round(r.right)})`);
        }
        if (!out.length) {
          for (const el of document.querySelectorAll("body *")) {
            const r = el.getBoundingClientRect();
            if (r.right > window.innerWidth + 1) out.push(`${el.tagName.toLowerCase()}#${el.id}.${String(el.className).split(" ").join(".")} (${Math.round(r.left)}–${Math.round(r.right)})`);
          }
        }
        return out.slice(0, 8);
      });
      failures.push(`${name} @${width}px: the page scrolls sideways by ${wide} px: ${culprits.join(", ")}`);
    }
    await page.addScriptTag({ content: AXE });
    const result = await page.evaluate(async () =>
      // eslint-disable-next-line no-undef
      axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
    );
    for (const v of result.violations) {
      failures.push(`${name} @${width}px: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
    }
    await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
    checked += 1;
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function signIn(context, name) {
  const page = await context.newPage();
  await page.goto(`${BASE}/user/login`);
  await page.fill("#l-name", name);
  await page.fill("#l-password", PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click("form.login button[type=submit]")]);
  assert.ok(!page.url().includes("/user/login"), `${name} is signed in`);
  return page;
}

/** Waits until the review page no longer says the file is being read. */
async function waitForReview(page) {
  for (let i = 0; i < 120; i += 1) {
    if (!(await page.locator('meta[http-equiv="refresh"]').count())) return;
    await page.waitForTimeout(1000);
    await page.reload();
  }
  throw new Error("the ingestion did not finish in 2 minutes");
}

// A file as it comes out of Excel: a title row, a blank row, Windows-1252 accents.
const MESSY = Buffer.from(
  "Proyectos de inversión municipal 2024;;;\n;;;\ncodigo;municipio;anio;monto\n" +
    "0101;Guatemala;2024;1500,5\n1701;Flores, Petén;2023;800\n1301;Huehuetenango;2024;\n",
  "latin1",
);
const NEWER = Buffer.from(
  "codigo;municipio;anio;monto\n0101;Guatemala;2024;1600,5\n1701;Flores, Petén;2023;800\n0301;Antigua Guatemala;2024;250,25\n",
  "latin1",
);

try {
  // ---- The editor ------------------------------------------------------------------
  const editor = await browser.newContext({ locale: "es-GT", bypassCSP: true });
  const page = await signIn(editor, "ana");

  await page.goto(`${BASE}/dataset/new`);
  await audit(page, "dataset-new");
  await page.fill("#f-title_es", "Proyectos de inversión municipal 2024");
  // The URL name follows the title (the page's script), until it is typed.
  assert.equal(await page.inputValue("#f-name"), "proyectos-de-inversion-municipal-2024");
  await page.fill("#f-description_es", "Proyectos **aprobados** por municipio.");
  await page.fill("#f-tags", "inversión, municipios");
  await page.selectOption("#f-spatial", ["17", "1701"]);
  await Promise.all([page.waitForNavigation(), page.click('button[name=publish][value=draft]')]);
  assert.match(page.url(), /\/dataset\/proyectos-de-inversion-municipal-2024\/resource\/new$/);
  await audit(page, "resource-new");

  // The upload, with the progress bar's script, then the review.
  await page.setInputFiles("#f-upload", { name: "proyectos.csv", mimeType: "text/csv", buffer: MESSY });
  await Promise.all([page.waitForURL(/\/review$/), page.click("form[data-upload-progress] button[type=submit]")]);
  await waitForReview(page);
  await audit(page, "review");
  assert.ok((await page.content()).includes("Flores, Petén"), "accents read from Windows-1252");
  // The year was read as a number: it becomes text; the amount gets a unit.
  const anio = page.locator('tr:has(input[value="anio"]) select');
  assert.equal(await anio.inputValue(), "integer");
  await anio.selectOption("text");
  await page.fill('tr:has(input[value="monto"]) input[name$=".unit"]', "Q");
  await Promise.all([page.waitForURL(/\/review$/), page.click(".review-form button[type=submit]")]);
  // The table is rebuilt from the stored original: a new version, read by the worker.
  let retyped = "";
  for (let i = 0; i < 60 && retyped !== "text"; i += 1) {
    await waitForReview(page);
    retyped = await page.locator('tr:has(input[value="anio"]) select').inputValue();
    if (retyped !== "text") {
      await page.waitForTimeout(500);
      await page.reload();
    }
  }
  assert.equal(retyped, "text", `the year column is text after the rebuild: ${await page.locator(".notice").allTextContents()}`);

  // Publish it.
  await page.goto(`${BASE}/dataset/edit/proyectos-de-inversion-municipal-2024`);
  await audit(page, "dataset-edit");
  await Promise.all([page.waitForNavigation(), page.click('button[name=publish][value=active]')]);
  assert.match(page.url(), /\/dataset\/proyectos-de-inversion-municipal-2024$/);

  // Anyone finds it in search and sees its public page.
  const visitor = await browser.newContext({ locale: "es-GT", bypassCSP: true });
  const pub = await visitor.newPage();
  let found = false;
  for (let i = 0; i < 20 && !found; i += 1) {
    await pub.goto(`${BASE}/dataset?q=inversion+municipal`);
    found = (await pub.locator('a[href="/dataset/proyectos-de-inversion-municipal-2024"]').count()) > 0;
    if (!found) await pub.waitForTimeout(500);
  }
  assert.ok(found, "the dataset is found in search");
  await pub.goto(`${BASE}/dataset/proyectos-de-inversion-municipal-2024`);
  assert.ok((await pub.content()).includes("Proyectos de inversión municipal 2024"));
  await audit(pub, "dataset-public");

  // "¿Cómo está mi municipio?": from the home page's box to the place's profile.
  await pub.goto(`${BASE}/`);
  await pub.fill("#place-q", "Huehuetenango, Huehuetenango");
  await Promise.all([pub.waitForURL(/\/territorio\/1301$/), pub.click("form.place-search button")]);
  assert.ok((await pub.content()).includes("puesto"), "the profile ranks the place");
  await audit(pub, "place-municipality");
  for (const width of [1280, 390]) {
    await pub.setViewportSize({ width, height: 900 });
    const wide = await pub.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.ok(!wide, `no horizontal scroll on the profile at ${width} px`);
  }
  await pub.setViewportSize({ width: 1280, height: 900 });
  await pub.goto(`${BASE}/territorio/13`);
  await audit(pub, "place-department");
  await pub.goto(`${BASE}/territorio?q=san+pedro+sacatepequez`);
  await audit(pub, "place-choices");
  await pub.goto(`${BASE}/territorio`);
  await audit(pub, "place-index");
  const missing = await pub.goto(`${BASE}/territorio?q=Huehuetenanggo`);
  assert.equal(missing.status(), 404);
  assert.ok((await pub.content()).includes('href="/territorio/13"'), "the closest place is suggested");
  await audit(pub, "place-not-found");
  // The explorer links places to their profiles; its first chart is a map on the built-in
  // municipalities.
  await pub.goto(`${BASE}/dataset/ranking-gestion-municipal`);
  const ranking = await pub.locator('a[href*="/resource/"]').first().getAttribute("href");
  await pub.goto(`${BASE}${ranking.split("#")[0]}`);
  assert.ok((await pub.locator('td a[href^="/territorio/"]').count()) > 0, "place codes link to profiles");
  await audit(pub, "resource-explorer");
  await pub.goto(`${BASE}${ranking.split(/[?#]/)[0]}/chart?type=map&x=codigo_departamento&measure=count`);
  assert.ok((await pub.content()).includes("Límites: Ministerio de Finanzas Públicas"), "built-in boundaries credited");
  await audit(pub, "chart-builtin-map");
  for (const width of [1280, 390]) {
    await pub.setViewportSize({ width, height: 900 });
    const wide = await pub.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.ok(!wide, `no horizontal scroll on the chart page at ${width} px`);
  }
  await pub.setViewportSize({ width: 1280, height: 900 });
  await pub.goto(`${BASE}/api`);
  await audit(pub, "api");

  // Every kind of page a visitor meets, on the demo catalog.
  await pub.goto(`${BASE}/`);
  await audit(pub, "home");
  const view = await pub.locator('a[href^="/view/"]').first().getAttribute("href");
  await pub.goto(`${BASE}/dataset?q=pobreza`);
  await audit(pub, "search");
  await pub.goto(`${BASE}/dataset?territory=13`);
  await audit(pub, "search-territory");
  await pub.goto(`${BASE}/dataset/ranking-gestion-municipal`);
  assert.ok((await pub.locator("table.preview tbody tr").count()) > 0, "the dataset page previews its rows");
  await audit(pub, "dataset");
  const resource = ranking.split(/[?#]/)[0];
  // The explorer filtered by a pick-list, landing on its results with a chip to undo it.
  await pub.goto(`${BASE}${resource}`);
  const pick = pub.locator("select[id^=pick-]").first();
  if (await pick.count()) {
    await pub.locator(".explore-form details summary").click();
    await pick.selectOption({ index: 1 });
    await Promise.all([pub.waitForNavigation(), pub.click(".explore-form details button[type=submit]")]);
    assert.ok(pub.url().includes("#results"), "a filtered view lands on its results");
    assert.ok((await pub.locator(".chips a").count()) > 0, "the filter shows as a chip");
    await audit(pub, "explorer-filtered");
    // On a phone the table scrolls within itself and its first column of data stays.
    await pub.setViewportSize({ width: 390, height: 900 });
    const stays = await pub.evaluate(() => {
      const scroller = document.querySelector(".explorer .scroll");
      const cell = document.querySelector("table.explore tbody tr > :nth-child(2)");
      const before = cell.getBoundingClientRect().left;
      scroller.scrollLeft = 200;
      const after = cell.getBoundingClientRect().left;
      return { scrolled: scroller.scrollLeft, before, after };
    });
    assert.ok(stays.scrolled > 0, "the table scrolls sideways within itself on a phone");
    assert.ok(stays.after <= stays.before && stays.after >= 0, `the first column stays in view: ${JSON.stringify(stays)}`);
    await pub.setViewportSize({ width: 1280, height: 900 });
  } else {
    failures.push("explorer: no pick-list on the ranking table");
  }
  await pub.goto(`${BASE}${resource}/row/1`);
  await audit(pub, "row");
  await pub.goto(`${BASE}${resource}/chart`);
  await audit(pub, "chart");
  await pub.goto(`${BASE}${view}`);
  assert.ok((await pub.locator("h1.view-title").count()) === 1, "a view says its title");
  await audit(pub, "view");
  await pub.goto(`${BASE}/organization/segeplan`);
  await audit(pub, "organization");
  await pub.goto(`${BASE}/group/desarrollo-territorial`);
  await audit(pub, "category");
  await pub.goto(`${BASE}/about`);
  await audit(pub, "about");
  await pub.goto(`${BASE}/en/territory/1301`);
  await audit(pub, "place-english");

  // Replacing the file: a new version, seen in the history.
  await page.goto(`${BASE}/dataset/proyectos-de-inversion-municipal-2024`);
  await audit(page, "dataset-staff");
  const resourceUrl = await page.locator('a[href*="/resource/"]:not([href$="/resource/new"])').first().getAttribute("href");
  const rid = resourceUrl.split("/resource/")[1].split(/[/?#]/)[0];
  await page.goto(`${BASE}/dataset/proyectos-de-inversion-municipal-2024/resource/${rid}/edit`);
  await audit(page, "resource-edit");
  await page.setInputFiles("#f-upload", { name: "proyectos-v2.csv", mimeType: "text/csv", buffer: NEWER });
  await Promise.all([page.waitForURL(/\/review$/), page.click("form[data-upload-progress] button[type=submit]")]);
  await waitForReview(page);
  await page.goto(`${BASE}/dataset/activity/proyectos-de-inversion-municipal-2024`);
  await audit(page, "history");
  const history = await page.content();
  assert.ok(history.includes("cambió el recurso"), "the replacement is in the history");
  assert.ok(history.includes("Versión 3"), "as the resource's third version");
  // What changed in the data: rows matched by their code.
  await Promise.all([page.waitForNavigation(), page.click("text=ver qué cambió en los datos")]);
  await audit(page, "changes");
  const changes = await page.content();
  assert.ok(changes.includes("por la columna «codigo»"), "rows matched by the code column");
  assert.ok(/<strong>1<\/strong> fila añadida/.test(changes), "Antigua Guatemala was added");
  assert.ok(/<strong>1<\/strong> fila quitada/.test(changes), "Huehuetenango was removed");
  assert.ok(/<strong>1<\/strong> fila modificada/.test(changes), "Guatemala's amount changed");

  await page.goto(`${BASE}/user/edit/ana`);
  await audit(page, "account");

  // ---- The organization's admin adds a member ------------------------------------------
  const admin = await browser.newContext({ locale: "es-GT", bypassCSP: true });
  const adminPage = await signIn(admin, "jefa");
  await adminPage.goto(`${BASE}/organization/members/segeplan`);
  await audit(adminPage, "members");
  await adminPage.fill("#f-username", "luis");
  await adminPage.selectOption("#f-role", "editor");
  await Promise.all([adminPage.waitForNavigation(), adminPage.click("form.publish-form button[type=submit]")]);
  assert.ok((await adminPage.content()).includes("@luis"), "luis is a member");
  await adminPage.goto(`${BASE}/user/luis`);
  assert.ok((await adminPage.content()).includes("editor"));
  await audit(adminPage, "user-page");
  await adminPage.goto(`${BASE}/organization/activity/segeplan`);
  await audit(adminPage, "organization-activity");

  // ---- A sysadmin: what only the site's administration does ---------------------------
  const root = await browser.newContext({ locale: "es-GT", bypassCSP: true });
  const rootPage = await signIn(root, "root");
  await audit(rootPage, "home-staff");
  for (const [address, name] of [
    ["/organization/new", "organization-new"],
    ["/group/new", "group-new"],
    ["/user/new", "user-new"],
    ["/ckan-admin/trash", "trash"],
    ["/organization/edit/segeplan", "organization-edit"],
    ["/group/edit/desarrollo-territorial", "group-edit"],
    ["/user/edit/ana", "account-of-another"],
  ]) {
    await rootPage.goto(`${BASE}${address}`);
    await audit(rootPage, name);
  }
  // Harvesting: the sources page, a source added from its form, a run asked for.
  await rootPage.goto(`${BASE}/ckan-admin/harvest`);
  await audit(rootPage, "harvest-empty");
  await rootPage.fill("#h-name", "portal-municipal");
  await rootPage.selectOption("#h-type", "dcat");
  await rootPage.fill("#h-url", "https://datos.muni.example/catalog.ttl");
  await Promise.all([rootPage.waitForNavigation(), rootPage.click("button[name=action][value=add]")]);
  if (!(await rootPage.content()).includes("portal-municipal")) failures.push("harvest: the source added is not listed");
  await Promise.all([rootPage.waitForNavigation(), rootPage.click("button[name=action][value=run]")]);
  await audit(rootPage, "harvest");
  // An account without a password: the one-time link to hand over, and its page.
  await rootPage.goto(`${BASE}/user/new`);
  await rootPage.fill("#f-name", "marta");
  await rootPage.fill("#f-email", "marta@example.gt");
  await Promise.all([rootPage.waitForNavigation(), rootPage.click("form.publish-form button[type=submit]")]);
  await audit(rootPage, "invitation");
  const link = await rootPage.locator("code.token").textContent();
  const newcomer = await browser.newContext({ locale: "es-GT", bypassCSP: true });
  const marta = await newcomer.newPage();
  await marta.goto(link.trim());
  await audit(marta, "password-link");
  await marta.fill("#r-password", "la clave de marta");
  await marta.fill("#r-again", "la clave de marta");
  await Promise.all([marta.waitForNavigation(), marta.click("form.login button[type=submit]")]);
  assert.match(marta.url(), /\/user\/login\?changed=1/);
  await marta.goto(`${BASE}/user/reset`);
  await audit(marta, "password-reset");
} catch (e) {
  failures.push(`scenario: ${e.stack || e}`);
} finally {
  await browser.close();
}

if (failures.length) {
  console.error(`browser tests: ${failures.length} failure(s)`);
  for (const f of failures) console.error(`  - ${f}`);
  process.exit(1);
}
console.log(`browser tests: the publishing scenario passed; axe found no WCAG 2 A/AA violation on ${checked} page views, none scrolls sideways at 1280 or 390 px, none weighs over ${MAX_PAGE_BYTES} bytes (screenshots in ${SHOTS})`);
console.log(`bytes per page: ${weights.join(", ")}`);
