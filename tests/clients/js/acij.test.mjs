// amazon-cognito-identity-js (the SRP client inside Amplify JS) against
// `cognito-srp serve`, with node's built-in test runner.
//
// .ci/run starts the server with tests/clients/config.json and sets
// COGNITO_ENDPOINT; every request the library sends is recorded, so a test
// can say which challenges a sign-in went through.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import acij from 'amazon-cognito-identity-js';

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = acij;

const ENDPOINT = process.env.COGNITO_ENDPOINT;
const POOL_ID = 'us-east-1_JsSuite1';
const CLIENT_ID = 'jspublicclient000000000001';
const skip = ENDPOINT ? false : 'COGNITO_ENDPOINT is not set: start `cognito-srp serve` first';

// Each request: its operation, the challenge it answers, and the challenge and SALT it got back.
const sent = [];
const realFetch = globalThis.fetch;
globalThis.fetch = async (url, options) => {
  const response = await realFetch(url, options);
  const operation = (options.headers['X-Amz-Target'] || '').split('.').pop();
  const body = JSON.parse(options.body || '{}');
  const answer = await response.clone().json().catch(() => ({}));
  sent.push({
    operation,
    answered: body.ChallengeName,
    challenge: answer.ChallengeName,
    salt: answer.ChallengeParameters && answer.ChallengeParameters.SALT,
    error: answer.__type,
  });
  return response;
};

/** A browser's localStorage, one per simulated device. */
class MemoryStorage {
  constructor() { this.items = new Map(); }
  setItem(key, value) { this.items.set(key, String(value)); }
  getItem(key) { return this.items.has(key) ? this.items.get(key) : null; }
  removeItem(key) { this.items.delete(key); }
  clear() { this.items.clear(); }
}

function user(username, storage = new MemoryStorage()) {
  const pool = new CognitoUserPool({ UserPoolId: POOL_ID, ClientId: CLIENT_ID, endpoint: ENDPOINT, Storage: storage });
  return new CognitoUser({ Username: username, Pool: pool, Storage: storage });
}

/** authenticateUser as a promise: `{ session, userConfirmationNecessary }`, or `{ totp }` when a code is asked. */
function signIn(cognitoUser, password) {
  return new Promise((resolve, reject) => {
    cognitoUser.authenticateUser(new AuthenticationDetails({ Username: cognitoUser.getUsername(), Password: password }), {
      onSuccess: (session, userConfirmationNecessary) => resolve({ session, userConfirmationNecessary }),
      onFailure: reject,
      totpRequired: (challengeName) => resolve({ totp: challengeName }),
      mfaRequired: (challengeName) => reject(new Error(`unexpected ${challengeName}`)),
      newPasswordRequired: () => reject(new Error('unexpected NEW_PASSWORD_REQUIRED')),
    });
  });
}

function sendTotp(cognitoUser, code) {
  return new Promise((resolve, reject) => {
    cognitoUser.sendMFACode(code, {
      onSuccess: (session, userConfirmationNecessary) => resolve({ session, userConfirmationNecessary }),
      onFailure: reject,
    }, 'SOFTWARE_TOKEN_MFA');
  });
}

/** RFC 6238 (SHA-1, 30 s, 6 digits), as an authenticator app computes it. */
function totp(base32, now = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of base32.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(now / 30000)));
  const digest = createHmac('sha1', key).update(counter).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  return String((digest.readUInt32BE(offset) & 0x7fffffff) % 1000000).padStart(6, '0');
}

/** The challenges a sign-in went through: what was sent since `from`. */
const answeredSince = (from) => sent.slice(from).map((r) => r.answered).filter(Boolean);

test('USER_SRP_AUTH signs in and the access token names the user', { skip }, async () => {
  const { session } = await signIn(user('js-alice'), 'Js-Alice-Passw0rd!');
  assert.ok(session.isValid());
  assert.equal(session.getAccessToken().decodePayload().username, 'js-alice');
});

test('an email alias signs in as the pool username (USER_ID_FOR_SRP)', { skip }, async () => {
  const alias = user('js-alice@example.com');
  const { session } = await signIn(alias, 'Js-Alice-Passw0rd!');
  assert.equal(alias.getUsername(), 'js-alice');
  assert.equal(session.getIdToken().decodePayload()['cognito:username'], 'js-alice');
});

test('a wrong password is NotAuthorizedException "Incorrect username or password."', { skip }, async () => {
  await assert.rejects(signIn(user('js-alice'), 'not-the-password'), {
    code: 'NotAuthorizedException',
    message: 'Incorrect username or password.',
  });
});

test('refreshSession trades the refresh token for new tokens', { skip }, async () => {
  const alice = user('js-alice');
  const { session } = await signIn(alice, 'Js-Alice-Passw0rd!');
  const refreshed = await new Promise((resolve, reject) => {
    alice.refreshSession(session.getRefreshToken(), (error, result) => (error ? reject(error) : resolve(result)));
  });
  assert.ok(refreshed.isValid());
  assert.equal(refreshed.getAccessToken().decodePayload().username, 'js-alice');
  const last = sent[sent.length - 1];
  assert.equal(last.operation, 'InitiateAuth');
  assert.equal(last.error, undefined);
});

test('a confirmed device, once setDeviceStatusRemembered, signs in again through DEVICE_SRP_AUTH', { skip }, async () => {
  const browser = new MemoryStorage();
  const first = user('js-device', browser);
  const { userConfirmationNecessary } = await signIn(first, 'Js-Device-Passw0rd!');
  assert.equal(userConfirmationNecessary, true, 'the pool lets the user opt in');
  assert.ok(sent.some((r) => r.operation === 'ConfirmDevice' && !r.error));
  await new Promise((resolve, reject) => first.setDeviceStatusRemembered({ onSuccess: resolve, onFailure: reject }));

  const from = sent.length;
  const again = user('js-device', browser);
  const { session } = await signIn(again, 'Js-Device-Passw0rd!');
  assert.deepEqual(answeredSince(from), ['PASSWORD_VERIFIER', 'DEVICE_SRP_AUTH', 'DEVICE_PASSWORD_VERIFIER']);
  assert.ok(!sent.slice(from).some((r) => r.operation === 'ConfirmDevice'), 'a remembered device is not new');
  assert.equal(session.getAccessToken().decodePayload().device_key, again.deviceKey);
});

test('TOTP: a wrong code is CodeMismatchException, then the right code signs in', { skip }, async () => {
  const totpUser = user('js-totp');
  const { totp: challenge } = await signIn(totpUser, 'Js-Totp-Passw0rd!');
  assert.equal(challenge, 'SOFTWARE_TOKEN_MFA');
  const right = totp('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
  const wrong = String((Number(right) + 1) % 1000000).padStart(6, '0');
  await assert.rejects(sendTotp(totpUser, wrong), { code: 'CodeMismatchException' });
  const { session } = await sendTotp(totpUser, right);
  assert.equal(session.getAccessToken().decodePayload().username, 'js-totp');
});

for (const [username, password, salt] of [
  ['js-negative-salt', 'Js-Negative-Passw0rd!', '-5a3c9e01f2b4d6e8a0c2e4f607193b5d'],
  ['js-leading-zero-salt', 'Js-Zero-Passw0rd!', '0012ab34cd56ef7890ab12cd34ef5678'],
]) {
  test(`a SALT sent as "${salt.slice(0, 4)}…" is hashed as its padHex bytes and signs in`, { skip }, async () => {
    const from = sent.length;
    const { session } = await signIn(user(username), password);
    assert.equal(sent[from].salt, salt, 'the SALT string goes out exactly as configured');
    assert.ok(session.isValid());
  });
}
