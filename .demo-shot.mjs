import { chromium } from "@playwright/test";
const path = process.argv[2];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
await page.goto("http://localhost:3209/signin");
await page.getByRole("button", { name: /Sign in as operator@runway\.local/ }).click();
await page.waitForURL("http://localhost:3209/");
for (const [url, name] of [["/costs", "demo-costs"], ["/", "demo-fleet"], ["/services/elevendops-prod/us-central1/elevendops", "demo-elevendops"]]) {
  await page.goto("http://localhost:3209" + url, { timeout: 120000 });
  await page.waitForTimeout(url === "/" ? 20000 : 4000);
  await page.screenshot({ path: `${path}/${name}.png`, fullPage: true });
}
await browser.close();
