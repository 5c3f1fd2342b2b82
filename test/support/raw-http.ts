import { connect } from 'node:net';

/** The status code of an HTTP/1.1 response, or 0 when the connection closed without one. */
export interface RawResponse {
  status: number;
  text: string;
}

/**
 * Sends `request` as raw bytes to 127.0.0.1:`port` (no client-side checks, so
 * malformed request lines, headers and paths reach the server as written) and
 * resolves with what came back before the server closed the connection or
 * `timeoutMs` passed.
 */
export function sendRaw(port: number, request: string | Buffer, timeoutMs = 5_000): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: match ? Number(match[1]) : 0, text });
    };
    const timer = setTimeout(done, timeoutMs);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      // One response is all we want: stop once its headers and declared body are in.
      const text = Buffer.concat(chunks).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: *(\d+)/i.exec(text);
      if (end >= 0 && length && text.length >= end + 4 + Number(length[1])) done();
    });
    socket.on('end', done);
    socket.on('error', done);
    socket.write(request);
  });
}

/** A GET request for `target` with the given extra header lines, closing the connection after. */
export function rawGet(target: string, headers: string[] = ['Host: 127.0.0.1']): string {
  return `GET ${target} HTTP/1.1\r\n${[...headers, 'Connection: close'].join('\r\n')}\r\n\r\n`;
}
