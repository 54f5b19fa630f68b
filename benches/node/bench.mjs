// The engine's wasm32 builds beside amazon-cognito-identity-js 6.3.21, timed
// round-robin in this one Node process: each round takes one sample of
// each, in rotating order, and the table reports medians of the
// per-round ratios. Run from the repository root:
//   cargo build --release -p cognito-srp-auth-wasm-check --target wasm32-wasip1 --lib
//   RUSTFLAGS='-C target-feature=+simd128' CARGO_TARGET_DIR=target/simd128 \
//     cargo build --release -p cognito-srp-auth-wasm-check --target wasm32-wasip1 --lib
//   (cd benches/node && npm install) && node benches/node/bench.mjs [ROUNDS]
// The simd128 build is optional (its rows are left out when it is missing).
// Every side does a client sign-in with a 1024-bit private a: A = g^a, u, x,
// S and the HKDF key (the engine also signs the claim, which the JS side
// leaves to its caller: a few microseconds of HMAC). Each build runs every
// kernel it has; its selected kernel also with the default 256-bit a.
import { access, readFile } from 'node:fs/promises';
import { argv, env } from 'node:process';
import { WASI } from 'node:wasi';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { AuthenticationHelper } = require('amazon-cognito-identity-js');
const BigInteger = require('amazon-cognito-identity-js/lib/BigInteger').default;

const rounds = Number(argv[2] ?? 21);
const KERNELS = ['portable', 'limb32', 'radix28']; // tests/wasm/src/lib.rs numbers them alike
const builds = [
  ['wasm32', '../../target/wasm32-wasip1/release/cognito_srp_auth_wasm_check.wasm'],
  ['wasm32+simd128', '../../target/simd128/wasm32-wasip1/release/cognito_srp_auth_wasm_check.wasm'],
];

async function load(path) {
  const wasi = new WASI({ version: 'preview1', args: [], env, returnOnExit: true });
  const module = await WebAssembly.compile(await readFile(path));
  const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
  wasi.initialize(instance);
  return instance.exports;
}

// A server's B and salt for the JS side (any B below N works alike).
const N = new BigInteger(
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437'
  + '4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05'
  + '98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B'
  + 'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33'
  + 'A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864'
  + 'D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF', 16);
let serverB;
new BigInteger('2', 16).modPow(new BigInteger('123456789abcdef0123456789abcdef', 16), N, (err, b) => {
  if (err) throw err;
  serverB = b;
});
const salt = new BigInteger('0ef9cba755bd775303b351be65d7b3b6', 16);

function acijSignIn() {
  const helper = new AuthenticationHelper('AbC123'); // draws a and computes A
  let key;
  helper.getPasswordAuthenticationKey('user-1', 'correct horse', serverB, salt, (err, hkdf) => {
    if (err) throw err;
    key = hkdf;
  });
  if (!key) throw new Error('no key');
  return key;
}

function engineSignIn(engine, bits, kernel) {
  const length = kernel === undefined ? engine.engine_sign_in(bits) : engine.engine_sign_in_on(bits, kernel);
  if (length !== 44) throw new Error('signature of unexpected length');
}

const entries = [['amazon-cognito-identity-js 6.3.21, 1024-bit a', acijSignIn]];
for (const [label, file] of builds) {
  const path = new URL(file, import.meta.url);
  try {
    await access(path);
  } catch {
    console.log(`(no ${label} build at ${path.pathname}: its rows are left out)`);
    continue;
  }
  const engine = await load(path);
  if ((engine.built_with_simd128() === 1) !== label.endsWith('simd128')) throw new Error(`${label}: built with the wrong features`);
  const selected = engine.selected_kernel();
  entries.push([`engine (${label}, ${KERNELS[selected]} kernel, selected), 256-bit a`, () => engineSignIn(engine, 256)]);
  KERNELS.forEach((name, k) => {
    const note = k === selected ? ', selected' : '';
    entries.push([`engine (${label}, ${name} kernel${note}), 1024-bit a`, () => engineSignIn(engine, 1024, k)]);
  });
}
for (const [, run] of entries) run(); // warm-up: JIT, the engine's comb table
const times = entries.map(() => []);
for (let round = 0; round < rounds; round++) {
  for (let step = 0; step < entries.length; step++) {
    const i = (round + step) % entries.length;
    const start = process.hrtime.bigint();
    entries[i][1]();
    times[i].push(Number(process.hrtime.bigint() - start) / 1e6);
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
console.log(`Node ${process.version}, ${rounds} rounds\n`);
console.log(`| implementation | median ms | median ratio to ${entries[0][0]} |`);
console.log('|---|---|---|');
entries.forEach(([name], i) => {
  const ratios = times[i].map((t, r) => t / times[0][r]);
  console.log(`| ${name} | ${median(times[i]).toFixed(2)} | ${median(ratios).toFixed(3)} |`);
});
