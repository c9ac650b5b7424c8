import express from 'express';
import { createRequire } from 'node:module';

/**
 * The two Express majors in use, each installed for real: `express` is 5, `express4` is
 * express@4 under an npm alias. Express 4 has the API @types/express describes for every part
 * the specs use (apps, routers, sub-apps, req/res), so it is typed as Express 5.
 */
const express4 = createRequire(__filename)('express4') as typeof express;

export interface ExpressVersion {
  name: string;
  express: typeof express;
}

export const EXPRESS_VERSIONS: ExpressVersion[] = [
  { name: 'Express 5', express },
  { name: 'Express 4', express: express4 },
];
