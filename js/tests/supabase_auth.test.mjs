// The official client against Forecourt's embedded auth server: @supabase/supabase-js signs
// up, signs in with a password, refreshes, reads the user, enrolls and verifies a TOTP factor
// and signs out; its access token then works on Forecourt's own routes, where RLS sees the
// user as auth.uid(). Run by tests/integration/supabase_js_test.cpp, which starts the server
// and passes FORECOURT_URL (and FORECOURT_ANON_KEY).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createClient } from '@supabase/supabase-js';

const url = process.env.FORECOURT_URL;
const anonKey = process.env.FORECOURT_ANON_KEY ?? 'sb_publishable_forecourt_local';

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

// RFC 6238 with the authenticator-app defaults: SHA-1, 6 digits, 30 s.
function totp(secretBase32, now = Date.now()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(now / 1000 / 30)));
  const mac = createHmac('sha1', base32Decode(secretBase32)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(code).padStart(6, '0');
}

test('supabase-js: sign-up, password sign-in, refresh, user, TOTP MFA, sign-out', async () => {
  assert.ok(url, 'FORECOURT_URL must point at a running forecourt serve');
  const supabase = createClient(url, anonKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
  const email = `js-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = 'js-client-pass-1';

  const signUp = await supabase.auth.signUp({ email, password, options: { data: { full_name: 'JS Client' } } });
  assert.equal(signUp.error, null);
  assert.ok(signUp.data.session, 'local sign-ups are confirmed at once: a session comes back');
  assert.equal(signUp.data.user.email, email);
  assert.equal(signUp.data.user.user_metadata.full_name, 'JS Client');

  const signIn = await supabase.auth.signInWithPassword({ email, password });
  assert.equal(signIn.error, null);
  const firstRefresh = signIn.data.session.refresh_token;

  const refreshed = await supabase.auth.refreshSession();
  assert.equal(refreshed.error, null);
  assert.notEqual(refreshed.data.session.refresh_token, firstRefresh);

  const wrong = await supabase.auth.signInWithPassword({ email, password: 'not-the-password' });
  assert.equal(wrong.error?.code, 'invalid_credentials');
  // The failed sign-in does not replace the session; sign in again to continue.
  const again = await supabase.auth.signInWithPassword({ email, password });
  assert.equal(again.error, null);

  const user = await supabase.auth.getUser();
  assert.equal(user.error, null);
  assert.equal(user.data.user.email, email);
  const userId = user.data.user.id;

  const enrolled = await supabase.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'js app' });
  assert.equal(enrolled.error, null);
  assert.match(enrolled.data.totp.uri, /^otpauth:\/\/totp\//);
  const factorId = enrolled.data.id;
  const challenge = await supabase.auth.mfa.challenge({ factorId });
  assert.equal(challenge.error, null);
  const verified = await supabase.auth.mfa.verify({
    factorId,
    challengeId: challenge.data.id,
    code: totp(enrolled.data.totp.secret),
  });
  assert.equal(verified.error, null);
  const aal = await supabase.auth.mfa.getAuthenticatorAssuranceLevel();
  assert.equal(aal.data.currentLevel, 'aal2');
  const factors = await supabase.auth.mfa.listFactors();
  assert.equal(factors.data.totp.length, 1);

  const { data: { session } } = await supabase.auth.getSession();
  const headers = { Authorization: `Bearer ${session.access_token}`, apikey: anonKey };
  const me = await fetch(`${url}/auth/me`, { headers });
  assert.equal(me.status, 200);
  const body = await me.json();
  assert.equal(body.data.auth_uid, userId, 'RLS sees the supabase-js user as auth.uid()');
  assert.equal(body.data.role, 'customer');
  assert.equal(body.data.aal, 'aal2');
  const staffOnly = await fetch(`${url}/staff/customers`, { headers });
  assert.equal(staffOnly.status, 403);

  const out = await supabase.auth.signOut();
  assert.equal(out.error, null);
  const afterLogout = await fetch(`${url}/auth/v1/user`, { headers });
  assert.equal(afterLogout.status, 403, 'the session is gone after sign-out');
});

// The newest email the dev mailbox (DEV_MAILBOX=true) holds for an address.
async function latestMail(email) {
  const res = await fetch(`${url}/auth/v1/dev/mailbox?email=${encodeURIComponent(email)}`);
  assert.equal(res.status, 200, 'the test server runs with DEV_MAILBOX=true');
  const { messages } = await res.json();
  assert.ok(messages.length > 0, `an email was queued for ${email}`);
  return messages[0];
}

test('supabase-js: signInWithOtp + verifyOtp with the emailed code, single use', async () => {
  const supabase = createClient(url, anonKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
  const email = `otp-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const sent = await supabase.auth.signInWithOtp({ email, options: { data: { full_name: 'Otp Js' } } });
  assert.equal(sent.error, null);
  assert.equal(sent.data.session, null);

  const mail = await latestMail(email);
  assert.match(mail.otp, /^[0-9]{6}$/);
  const verified = await supabase.auth.verifyOtp({ email, token: mail.otp, type: 'email' });
  assert.equal(verified.error, null);
  assert.ok(verified.data.session.access_token);
  assert.equal(verified.data.user.email, email);
  assert.equal(verified.data.user.user_metadata.full_name, 'Otp Js');
  const user = await supabase.auth.getUser();
  assert.equal(user.error, null);
  assert.equal(user.data.user.email, email);

  const reused = await supabase.auth.verifyOtp({ email, token: mail.otp, type: 'email' });
  assert.equal(reused.error?.code, 'otp_expired');
  assert.equal(reused.error?.status, 403);

  // No enumeration: an unknown address with shouldCreateUser:false gets the same answer.
  const unknown = await supabase.auth.signInWithOtp({
    email: `nobody-${Date.now()}@example.com`,
    options: { shouldCreateUser: false },
  });
  assert.equal(unknown.error, null);
});

test('supabase-js: magic link sign-in through GET /auth/v1/verify and setSession', async () => {
  const supabase = createClient(url, anonKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
  const email = `link-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = 'link-js-pass-1';
  assert.equal((await supabase.auth.signUp({ email, password })).error, null);
  await supabase.auth.signOut({ scope: 'local' });
  const sent = await supabase.auth.signInWithOtp({ email, options: { shouldCreateUser: false } });
  assert.equal(sent.error, null);

  const mail = await latestMail(email);
  assert.equal(mail.template, 'magic_link');
  const link = new URL(mail.link);
  const followed = await fetch(`${url}${link.pathname}${link.search}`, { redirect: 'manual' });
  assert.equal(followed.status, 303);
  const location = new URL(followed.headers.get('location'));
  const fragment = new URLSearchParams(location.hash.slice(1));
  assert.equal(fragment.get('type'), 'magiclink');
  assert.equal(fragment.get('token_type'), 'bearer');
  const set = await supabase.auth.setSession({
    access_token: fragment.get('access_token'),
    refresh_token: fragment.get('refresh_token'),
  });
  assert.equal(set.error, null);
  assert.equal(set.data.user.email, email);

  // The link is spent: following it again carries GoTrue's error in the fragment.
  const again = await fetch(`${url}${link.pathname}${link.search}`, { redirect: 'manual' });
  const error = new URLSearchParams(new URL(again.headers.get('location')).hash.slice(1));
  assert.equal(error.get('error_code'), 'otp_expired');
});

test('supabase-js: resetPasswordForEmail, verifyOtp(recovery), updateUser(password)', async () => {
  const supabase = createClient(url, anonKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
  const email = `recover-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  assert.equal((await supabase.auth.signUp({ email, password: 'old-password-1' })).error, null);
  await supabase.auth.signOut({ scope: 'local' });
  const reset = await supabase.auth.resetPasswordForEmail(email);
  assert.equal(reset.error, null);
  const mail = await latestMail(email);
  assert.equal(mail.template, 'recovery');
  const verified = await supabase.auth.verifyOtp({ token_hash: mail.token_hash, type: 'recovery' });
  assert.equal(verified.error, null);
  const updated = await supabase.auth.updateUser({ password: 'new-password-2' });
  assert.equal(updated.error, null);
  const signIn = await supabase.auth.signInWithPassword({ email, password: 'new-password-2' });
  assert.equal(signIn.error, null);
});
