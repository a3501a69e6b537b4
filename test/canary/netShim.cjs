/**
 * Preloaded (`node --require`) into the processes the leak canary suite spawns (the built server
 * and CLI). Two jobs:
 * - Safety net: nothing leaves the machine. Name lookups of anything but loopback fail at once
 *   (ENOTFOUND, no DNS query is sent) and sockets to non-loopback addresses are refused before
 *   they connect, so a canary credential can never reach a real service.
 * - Names in SECRETREFS_CANARY_LOOPBACK_HOSTS (comma-separated) resolve to 127.0.0.1, so an Azure
 *   vault URL can carry a real `*.vault.azure.net` host name (the Key Vault SDK checks the 401
 *   challenge's resource against it) while the request goes to the loopback fake.
 */
'use strict';
const dns = require('node:dns');
const net = require('node:net');

const mapped = new Set(
  (process.env.SECRETREFS_CANARY_LOOPBACK_HOSTS || '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean),
);
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1', 'localhost']);

function blocked(hostname) {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname} (the test network shim allows loopback only)`), {
    code: 'ENOTFOUND',
    errno: -3008,
    syscall: 'getaddrinfo',
    hostname,
  });
}

const originalLookup = dns.lookup;
function lookup(hostname, options, callback) {
  if (typeof options === 'function') {
    callback = options;
    options = {};
  } else if (typeof options === 'number') {
    options = { family: options };
  }
  const host = String(hostname).toLowerCase();
  if (mapped.has(host)) {
    if (options && options.all) process.nextTick(callback, null, [{ address: '127.0.0.1', family: 4 }]);
    else process.nextTick(callback, null, '127.0.0.1', 4);
    return {};
  }
  if (LOOPBACK.has(host)) return originalLookup.call(dns, hostname, options, callback);
  process.nextTick(callback, blocked(hostname));
  return {};
}
dns.lookup = lookup;
const originalPromiseLookup = dns.promises.lookup;
dns.promises.lookup = function promiseLookup(hostname, options) {
  const host = String(hostname).toLowerCase();
  if (mapped.has(host)) return Promise.resolve(options && options.all ? [{ address: '127.0.0.1', family: 4 }] : { address: '127.0.0.1', family: 4 });
  if (LOOPBACK.has(host)) return originalPromiseLookup.call(dns.promises, hostname, options);
  return Promise.reject(blocked(hostname));
};

/** Where a Socket#connect call goes: a host, or `unix:<path>`. */
function target(args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (typeof first === 'object' && first !== null) {
    if (typeof first.path === 'string' && first.path !== '') return `unix:${first.path}`;
    return typeof first.host === 'string' ? first.host : 'localhost';
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) return typeof args[1] === 'string' ? args[1] : 'localhost';
  return typeof first === 'string' ? `unix:${first}` : 'unknown';
}

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const host = String(target(args)).toLowerCase();
  if (host.startsWith('unix:') || LOOPBACK.has(host) || mapped.has(host)) return originalConnect.apply(this, args);
  process.nextTick(() =>
    this.destroy(Object.assign(new Error(`connect EHOSTUNREACH ${host} (the test network shim allows loopback only)`), { code: 'EHOSTUNREACH' })),
  );
  return this;
};
