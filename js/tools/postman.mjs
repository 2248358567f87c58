// Generates the Postman collection (v2.1) and its environment from the OpenAPI document.
//   node js/tools/postman.mjs <openapi.json> <output-dir>
// writes <output-dir>/forecourt.postman_collection.json and forecourt.postman_environment.json.
//
// Generic by design: every operation of the document becomes one request, with the
// documented examples as parameters and body, and two tests: the expected status and the
// body validated against the schema the document gives for that status. A new route is
// covered by regenerating (`make postman`). What the document cannot say (which response
// holds the id a later request needs, which account signs in for a flow) lives in FLOW
// below, keyed by operationId; a route FLOW does not name gets the defaults.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

const [docPath, outDir] = process.argv.slice(2);
if (!docPath || !outDir) {
  console.error('usage: node js/tools/postman.mjs <openapi.json> <output-dir>');
  process.exit(2);
}
const doc = JSON.parse(fs.readFileSync(docPath, 'utf8'));

// The seed's demo accounts (supabase/seed.sql); the environment holds their credentials.
const ACCOUNTS = {
  customer: { email: 'customer@forecourt.local', token: 'access_token' },
  staff: { email: 'staff@forecourt.local', token: 'staff_access_token' },
  admin: { email: 'admin@forecourt.local', token: 'admin_access_token' },
};
const ACCESS_ACCOUNT = { public: 'customer', authenticated: 'customer', staff: 'staff', admin: 'admin' };

// What the document cannot say. Per operationId:
//   capture: [{ variable, pointer, match? }]  after a success, store the value at the JSON
//            pointer (or regex `match`'s groups, one variable per group) in a collection
//            variable; path parameters read the variable `<first path segment>_<param>`,
//            query parameters too when one is captured (see `bound`).
//   account: which demo account's token the request sends (default: by x-access).
//   body:    a body replacing the documented example.
//   query:   query parameters replacing the documented examples (null: leave it out).
//   order:   'last' runs it after every other request but the logouts.
//   headers: header values replacing the documented examples.
//   expect:  the status to expect instead of the first documented 2xx/3xx (a request the
//            collection cannot make succeed, such as a code only an inbox would hold).
//   redirect: false to check a redirect's own answer instead of following it.
const FLOW = {
  searchInventory: { capture: [{ variable: 'vehicles_id', pointer: '/data/0/id' }] },
  listFeaturedInventory: { capture: [{ variable: 'vehicles_id', pointer: '/data/0/id' }] },
  listLocations: { capture: [{ variable: 'locations_id', pointer: '/data/0/id' }] },
  // price and vehicle_id exclude each other: the captured vehicle's price.
  monthlyEstimate: { query: { price: null, vehicle_id: '{{vehicles_id}}' } },
  getVehicleMedia: {
    capture: [{
      variables: ['storage_bucket', 'storage_path', 'storage_token'],
      pointer: '/data/images/0/url',
      match: '/storage/v1/object/sign/([^/]+)/([^?]+)\\?token=([^&]+)',
    }],
  },
  login: { capture: [{ variable: 'refresh_token', pointer: '/data/refresh_token' }] },
  refreshSession: { body: { refresh_token: '{{refresh_token}}' } },
  gotrueSignUp: {
    body: { email: 'postman.{{$timestamp}}.{{$randomInt}}@example.com', password: 'correct horse battery', data: { full_name: 'Postman Buyer' } },
  },
  // The seed's own name: running the collection twice leaves the data as it was.
  gotrueUpdateUser: { body: { data: { full_name: 'Casey Customer' } } },
  // The MFA flow runs as the admin, whose verified factor raises the session to aal2 for
  // /admin/audit-log (sensitive: aal2 + allowlisted IP), then removes the factor again.
  gotrueEnrollFactor: {
    account: 'admin',
    body: { factor_type: 'totp', friendly_name: 'postman {{$timestamp}}' },
    capture: [
      { variable: 'auth_factor_id', pointer: '/id' },
      { variable: 'totp_secret', pointer: '/totp/secret' },
    ],
  },
  gotrueChallengeFactor: { account: 'admin', capture: [{ variable: 'challenge_id', pointer: '/id' }] },
  gotrueVerifyFactor: {
    account: 'admin',
    totp: true,
    body: { challenge_id: '{{challenge_id}}', code: '{{totp_code}}' },
    capture: [{ variable: 'admin_access_token', pointer: '/access_token' }],
  },
  listAuditLog: { order: 'last' },
  gotrueUnenrollFactor: { account: 'admin', order: 'last' },
  // Logouts end a session: they run last, each with an account nothing else uses after.
  gotrueLogout: { account: 'staff' },
  // Email sign-in: fresh addresses (one email per address per minute); the code itself is
  // only in the inbox, so verification is checked with a wrong code (403, otp_expired).
  gotrueOtp: { body: { email: 'postman.otp.{{$timestamp}}.{{$randomInt}}@example.com' } },
  gotrueMagicLink: { body: { email: 'postman.link.{{$timestamp}}.{{$randomInt}}@example.com' } },
  gotrueRecover: { body: { email: 'postman.recover.{{$timestamp}}.{{$randomInt}}@example.com' } },
  gotrueVerifyOtp: { body: { type: 'email', email: 'nobody@example.com', token: '000000' }, expect: 403 },
  gotrueVerifyLink: { redirect: false },
  createFinancingApplication: {
    headers: { 'Idempotency-Key': '{{$guid}}' },
    body: { amount: 25000, term_months: 60, apr: 6.9, down_payment: 5000, employer: 'Acme Logistics', monthly_income: 6200 },
    capture: [{ variable: 'financing_id', pointer: '/data/id' }],
  },
};

// RFC 6238 TOTP (SHA-1, 6 digits, 30 s) in the Postman sandbox, from the captured secret.
const TOTP_SCRIPT = [
  "const CJS = require('crypto-js');",
  "const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';",
  "const secret = pm.collectionVariables.get('totp_secret').replace(/=+$/, '').toUpperCase();",
  'let bits = 0, value = 0; const bytes = [];',
  'for (const ch of secret) {',
  '  value = (value << 5) | alphabet.indexOf(ch); bits += 5;',
  '  if (bits >= 8) { bytes.push((value >>> (bits - 8)) & 255); bits -= 8; }',
  '}',
  'const words = (list) => CJS.lib.WordArray.create(new Uint8Array(list));',
  'const counter = Math.floor(Date.now() / 30000);',
  'const block = [0, 0, 0, 0, (counter >>> 24) & 255, (counter >>> 16) & 255, (counter >>> 8) & 255, counter & 255];',
  'const mac = CJS.HmacSHA1(words(block), words(bytes));',
  'const hex = mac.toString(CJS.enc.Hex);',
  'const offset = parseInt(hex.slice(-1), 16);',
  'const code = (parseInt(hex.substr(offset * 2, 8), 16) & 0x7fffffff) % 1000000;',
  "pm.collectionVariables.set('totp_code', String(code).padStart(6, '0'));",
];

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];
const JSON_TYPE = /^application\/(.+\+)?json/;

function resolve(value, seen = new Set()) {
  if (Array.isArray(value)) return value.map((v) => resolve(v, seen));
  if (!value || typeof value !== 'object') return value;
  if (typeof value.$ref === 'string') {
    if (seen.has(value.$ref)) throw new Error(`recursive $ref ${value.$ref}`);
    const target = value.$ref.slice(2).split('/').reduce((at, key) => at[key], doc);
    return resolve(target, new Set([...seen, value.$ref]));
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, seen)]));
}

// The sandbox's validator is ajv 6 (draft-07): keep what it knows, drop the annotations
// and the project's own `vin` format it would refuse to compile.
const AJV_FORMATS = new Set(['date', 'date-time', 'email', 'uuid', 'uri', 'ipv4', 'ipv6', 'hostname']);
function forAjv(schema) {
  if (Array.isArray(schema)) return schema.map(forAjv);
  if (!schema || typeof schema !== 'object') return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'format' && !AJV_FORMATS.has(value)) continue;
    if (['example', 'examples', 'description', 'contentMediaType', 'contentEncoding'].includes(key)) continue;
    if (key.startsWith('x-')) continue;
    if (key === 'properties') {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, forAjv(v)]));
    } else if (['enum', 'const', 'default', 'required'].includes(key)) {
      out[key] = value;
    } else {
      out[key] = forAjv(value);
    }
  }
  return out;
}

function queryText(param) {
  const ex = param.example;
  return Array.isArray(ex) ? ex.join(',') : String(ex);
}

const firstSegment = (p) => p.split('/').filter(Boolean)[0].replace(/[^A-Za-z0-9]/g, '_');

// Every variable a FLOW capture writes: a parameter with the same name reads it.
const captured = new Set(Object.values(FLOW).flatMap((f) => (f.capture || [])
  .flatMap((c) => c.variables || [c.variable])));
const bound = (p, param) => {
  const name = `${firstSegment(p)}_${param.name}`;
  return captured.has(name) || param.in === 'path' ? name : null;
};

const collectionVariables = new Map();

function expectedStatus(op, flow) {
  if (flow.expect) return flow.expect;
  const codes = Object.keys(op.responses).map(Number).filter((s) => s >= 200 && s < 400);
  return codes.sort((a, b) => a - b)[0];
}

function testScript(p, method, op, flow) {
  const status = expectedStatus(op, flow);
  const response = resolve(op.responses[String(status)]);
  const lines = [`pm.test('${method.toUpperCase()} ${p} answers ${status}', function () {`,
    `  pm.expect(pm.response.code, pm.response.text().slice(0, 400)).to.equal(${status});`, '});'];
  const [mediaType, media] = Object.entries(response.content || {})[0] || [];
  if (media && JSON_TYPE.test(mediaType) && media.schema) {
    lines.push(`const schema = ${JSON.stringify(forAjv(media.schema))};`);
    lines.push(`pm.test('body matches the documented ${status} schema', function () {`,
      '  pm.response.to.have.jsonSchema(schema);', '});');
  } else if (!media) {
    lines.push(`pm.test('no body', function () {`, '  pm.expect(pm.response.text()).to.equal(\'\');', '});');
  }
  if (!['health', 'none'].includes(op['x-rate-limit-class'])) {
    lines.push("pm.test('RateLimit headers', function () {",
      "  ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'].forEach(function (h) {",
      '    pm.response.to.have.header(h);', '  });', '});');
  }
  const captures = flow.capture || [];
  if (captures.length) {
    lines.push('if (pm.response.code >= 200 && pm.response.code < 300) {',
      '  const body = pm.response.json();',
      "  const at = (pointer) => pointer.split('/').slice(1).reduce((v, k) => (v == null ? v : v[k.replace(/~1/g, '/').replace(/~0/g, '~')]), body);");
    for (const c of captures) {
      lines.push(`  const ${'v_' + (c.variable || c.variables[0])} = at('${c.pointer}');`);
      const v = `v_${c.variable || c.variables[0]}`;
      if (c.match) {
        lines.push(`  const m_${v} = typeof ${v} === 'string' && ${v}.match(new RegExp(${JSON.stringify(c.match)}));`);
        c.variables.forEach((name, i) => lines.push(
          `  if (m_${v}) pm.collectionVariables.set('${name}', decodeURIComponent(m_${v}[${i + 1}]));`));
      } else {
        lines.push(`  if (${v} !== undefined && ${v} !== null) pm.collectionVariables.set('${c.variable}', ${v});`);
      }
    }
    lines.push('}');
  }
  return lines;
}

function request(p, method, op) {
  const flow = FLOW[op.operationId] || {};
  const params = op.parameters || [];
  const pathVars = [];
  let rawPath = p;
  for (const param of params.filter((x) => x.in === 'path')) {
    const variable = bound(p, param);
    if (!collectionVariables.has(variable)) collectionVariables.set(variable, String(param.example ?? ''));
    rawPath = rawPath.replace(`{${param.name}}`, `{{${variable}}}`);
    pathVars.push(variable);
  }
  // The documented examples, except `view`: compact answers drop fields the full schema
  // requires (the collection checks the full shape).
  const query = params.filter((x) => x.in === 'query' && x.name !== 'view' && x.example !== undefined)
    .filter((x) => flow.query?.[x.name] !== null)
    .map((x) => {
      const variable = bound(p, x);
      const value = flow.query?.[x.name] ?? (variable ? `{{${variable}}}` : queryText(x));
      return { key: x.name, value };
    });
  const headers = params.filter((x) => x.in === 'header' && x.example !== undefined)
    .map((x) => ({ key: x.name, value: flow.headers?.[x.name] ?? String(x.example) }));
  const segments = rawPath.split('/').filter(Boolean);
  const raw = `{{base_url}}${rawPath}${query.length ? '?' + query.map((q) => `${q.key}=${q.value}`).join('&') : ''}`;
  const item = {
    name: `${op.operationId}: ${method.toUpperCase()} ${p}`,
    request: {
      method: method.toUpperCase(),
      header: headers,
      url: { raw, host: ['{{base_url}}'], path: segments, ...(query.length ? { query } : {}) },
      description: op.summary,
    },
    event: [{ listen: 'test', script: { type: 'text/javascript', exec: testScript(p, method, op, flow) } }],
    ...(flow.redirect === false ? { protocolProfileBehavior: { followRedirects: false } } : {}),
  };
  // Sent with a token: non-public routes, and public ones that document 401 (GoTrue's
  // user and factor endpoints authenticate in the handler).
  const needsToken = op['x-access'] !== 'public' || '401' in op.responses;
  if (needsToken) {
    const account = flow.account || ACCESS_ACCOUNT[op['x-access']] || 'customer';
    item.request.auth = { type: 'bearer', bearer: [{ key: 'token', value: `{{${ACCOUNTS[account].token}}}`, type: 'string' }] };
  } else {
    item.request.auth = { type: 'noauth' };
  }
  const media = op.requestBody?.content?.['application/json'];
  if (media) {
    item.request.header.push({ key: 'Content-Type', value: 'application/json' });
    item.request.body = { mode: 'raw', raw: JSON.stringify(flow.body ?? media.example ?? {}, null, 2) };
  }
  if (flow.totp) item.event.push({ listen: 'prerequest', script: { type: 'text/javascript', exec: TOTP_SCRIPT } });
  return item;
}

// Sign in as each demo account through the embedded GoTrue password grant.
function signIn(name, account) {
  const test = [
    "pm.test('signed in', function () { pm.response.to.have.status(200); });",
    `pm.collectionVariables.set('${account.token}', pm.response.json().access_token);`,
  ];
  return {
    name: `Sign in as ${name}`,
    request: {
      method: 'POST',
      header: [{ key: 'Content-Type', value: 'application/json' }],
      url: {
        raw: '{{base_url}}/auth/v1/token?grant_type=password',
        host: ['{{base_url}}'], path: ['auth', 'v1', 'token'],
        query: [{ key: 'grant_type', value: 'password' }],
      },
      auth: { type: 'noauth' },
      body: { mode: 'raw', raw: `{"email": "{{${name}_email}}", "password": "{{password}}"}` },
      description: `POST /auth/v1/token?grant_type=password as ${account.email}; stores {{${account.token}}}.`,
    },
    event: [{ listen: 'test', script: { type: 'text/javascript', exec: test } }],
  };
}

const folders = new Map();
const last = [];
const logouts = [];
for (const [p, item] of Object.entries(doc.paths)) {
  for (const method of METHODS) {
    const op = item[method];
    if (!op) continue;
    const entry = request(p, method, op);
    if (p.endsWith('/logout')) logouts.push(entry);
    else if (FLOW[op.operationId]?.order === 'last') last.push(entry);
    else {
      const tag = op.tags?.[0] || 'other';
      if (!folders.has(tag)) folders.set(tag, []);
      folders.get(tag).push(entry);
    }
  }
}

for (const op of Object.keys(FLOW)) {
  const found = Object.values(doc.paths).some((item) => METHODS.some((m) => item[m]?.operationId === op));
  if (!found) {
    console.error(`FLOW names ${op}, which the document does not have (renamed? update FLOW)`);
    process.exit(1);
  }
}

const id = (text) => {
  const h = crypto.createHash('sha1').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

const collection = {
  info: {
    _postman_id: id('forecourt collection'),
    name: doc.info.title,
    description: `Generated from the OpenAPI document (${doc.info.title} ${doc.info.version}) by js/tools/postman.mjs: do not edit, run \`make postman\`. Every request checks the documented status and validates the body against the documented schema.`,
    schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
  },
  item: [
    { name: 'Sign in', item: Object.entries(ACCOUNTS).map(([name, a]) => signIn(name, a)) },
    ...[...folders].map(([tag, items]) => ({
      name: tag,
      description: doc.tags?.find((t) => t.name === tag)?.description,
      item: items,
    })),
    { name: 'After the rest', item: last },
    { name: 'Sign out', item: logouts },
  ].filter((folder) => folder.item.length),
  variable: [...collectionVariables].sort().map(([key, value]) => ({ key, value })),
};

const environment = {
  id: id('forecourt local environment'),
  name: 'Forecourt (local)',
  values: [
    { key: 'base_url', value: doc.servers?.[0]?.url || 'http://127.0.0.1:8080', enabled: true },
    ...Object.entries(ACCOUNTS).map(([name, a]) => ({ key: `${name}_email`, value: a.email, enabled: true })),
    { key: 'password', value: 'forecourt-demo', type: 'secret', enabled: true },
  ],
  _postman_variable_scope: 'environment',
};

fs.mkdirSync(outDir, { recursive: true });
const write = (name, value) => fs.writeFileSync(path.join(outDir, name), JSON.stringify(value, null, 2) + '\n');
write('forecourt.postman_collection.json', collection);
write('forecourt.postman_environment.json', environment);
