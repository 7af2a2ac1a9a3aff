import { readFile } from 'node:fs/promises';
import type { PageAssets } from './host-context.js';
import { pageContentSecurityPolicy } from './http/security-headers.js';

const PUBLIC_DIR = new URL('../public/', import.meta.url);

/** The page's HTML and stylesheet from public/, plus the bundled script. */
export async function loadPageAssets(options: {
  script: string;
  connectOrigins: readonly string[];
  formOrigins: readonly string[];
}): Promise<PageAssets> {
  const [html, css] = await Promise.all([
    readFile(new URL('index.html', PUBLIC_DIR), 'utf8'),
    readFile(new URL('app.css', PUBLIC_DIR), 'utf8'),
  ]);
  return {
    html,
    files: new Map([
      ['app.js', { body: options.script, contentType: 'text/javascript; charset=utf-8' }],
      ['app.css', { body: css, contentType: 'text/css; charset=utf-8' }],
    ]),
    contentSecurityPolicy: pageContentSecurityPolicy(options),
  };
}
