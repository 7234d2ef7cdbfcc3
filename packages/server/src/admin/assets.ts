/**
 * The admin pages' script and stylesheet: built with the dashboard (same styles, dark mode and
 * phone layout) under content-hashed names, which the build lists in admin-assets.json.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { HttpError } from '../http/errors.js';
import { ASSET_PATH } from '../web/dashboard-route.js';

export interface AdminAssets {
  script: string;
  style: string;
}

/** Read per page (it is tiny): a rebuild is picked up without a restart, as the dashboard's page is. */
export async function adminAssets(dashboardDir: string): Promise<AdminAssets> {
  const raw = await readFile(path.join(dashboardDir, 'admin-assets.json'), 'utf8').catch(() => {
    throw new HttpError(503, 'the admin pages are not built: run pnpm build');
  });
  const names = JSON.parse(raw) as AdminAssets;
  return { script: ASSET_PATH + names.script, style: ASSET_PATH + names.style };
}
