import net from 'node:net';

// Ports for servers the tests and benches start. Not `listen(0)`: that hands out a port from the
// kernel's ephemeral range (32768-60999 here), which every outgoing connection on the machine also
// draws from, so between our check and the server's bind a Postgres or gRPC client elsewhere can take
// it (seen in CI: the Temporal UI failed with "address already in use"). Below that range only
// listeners take ports, and we check each one.
const LOW = 20_000;
const HIGH = 32_000;
const handedOut = new Set<number>();

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** A port outside the ephemeral range that nothing listens on now and this process has not handed out. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (handedOut.has(port)) continue;
    if (await canListen(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port between ${LOW} and ${HIGH} after 200 tries`);
}
