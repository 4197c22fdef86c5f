import type { IncomingMessage, ServerResponse } from "node:http";

/** GitHub caps webhook payloads at 25 MB; anything larger is not from GitHub. */
export const MAX_DELIVERY_BYTES = 25 * 1024 * 1024;

type Middleware = (req: IncomingMessage, res: ServerResponse, next?: (err?: Error) => void) => unknown;

/**
 * Wraps Probot's webhook middleware: refuses oversized deliveries with 413 before reading them
 * (by Content-Length, and by counting when it is absent), so a flood cannot exhaust memory.
 */
export function guardDeliveries(middleware: Middleware): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > MAX_DELIVERY_BYTES) {
      res
        .writeHead(413, { "content-type": "application/json", connection: "close" })
        .end(JSON.stringify({ error: `Payload too large: GitHub never sends more than ${MAX_DELIVERY_BYTES} bytes.` }));
      req.resume();
      return;
    }
    let seen = 0;
    req.on("data", (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > MAX_DELIVERY_BYTES && !res.headersSent) {
        res.writeHead(413, { connection: "close" }).end();
        req.destroy();
      }
    });
    void middleware(req, res, () => {
      if (!res.headersSent) res.writeHead(404).end();
    });
  };
}
