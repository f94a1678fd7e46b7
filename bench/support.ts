// What the HTTP benchmarks share: the organiser token their server starts
// with (every /api call needs one) and a JSON call that fails loudly.

export const BENCH_TOKEN = 'bench-organiser-token-0123456789abcdef';
export const AUTH = { authorization: `Bearer ${BENCH_TOKEN}` };

export async function json<T>(
  method: string,
  url: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? AUTH : { ...AUTH, 'content-type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}
