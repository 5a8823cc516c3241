// Exits 0 once something accepts a TCP connection at argv[2] (host:port or a URL with a host and port); a readiness
// probe for a service given from outside, whose protocol details (TLS, keys) this script does not know.
const net = require('node:net');

const target = process.argv[2] ?? '';
const DEFAULT_PORTS = { 'smtp:': 25, 'smtps:': 465 };
const { protocol, hostname, port } = target.includes('://') ? new URL(target) : new URL(`tcp://${target}`);
const socket = net.connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) || DEFAULT_PORTS[protocol] });
socket.setTimeout(1000, () => socket.destroy(new Error('timeout')));
socket.on('connect', () => {
  socket.end();
  process.exit(0);
});
socket.on('error', () => process.exit(1));
