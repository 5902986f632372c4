import { LatencyProxy } from './latency-proxy.js';

/**
 * A LatencyProxy as a process of its own, for a network namespace:
 * `node latency-proxy-process.js TARGET_HOST TARGET_PORT DELAY_MS LISTEN_HOST LISTEN_PORT`.
 * Prints its URL once listening; runs until killed.
 */
const [targetHost, targetPort, delayMs, listenHost, listenPort] = process.argv.slice(2);
if (!targetHost || !targetPort || !delayMs || !listenHost || !listenPort) {
  process.stderr.write('usage: latency-proxy-process TARGET_HOST TARGET_PORT DELAY_MS LISTEN_HOST LISTEN_PORT\n');
  process.exit(2);
}
const proxy = new LatencyProxy({ host: targetHost, port: Number(targetPort) }, Number(delayMs));
process.stdout.write(`${await proxy.start(listenHost, Number(listenPort))}\n`);
process.on('SIGTERM', () => void proxy.stop().then(() => process.exit(0)));
