// kubelet's httpGet probe from the node: one GET, no keep-alive, a timeout; a refused or silent port is status 0.
import http from 'node:http';

export type HttpAnswer = { readonly status: number; readonly body: string };

export const httpGet = (url: string, timeoutMs: number, method: 'GET' | 'HEAD' = 'GET'): Promise<HttpAnswer> =>
  new Promise((resolve) => {
    const req = http.request(url, { method, agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', (error) => resolve({ status: 0, body: error.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => resolve({ status: 0, body: error.message }));
    req.end();
  });
