/**
 * A minimal browser for HTTP tests: keeps cookies, follows nothing by itself, and can read the CSRF
 * token out of a page like a form would send it.
 */
export class TestClient {
  readonly baseUrl: string;
  readonly cookies = new Map<string, string>();
  headers: Record<string, string> = {};

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  async request(
    method: string,
    path: string,
    init: { body?: string | FormData | Uint8Array<ArrayBuffer>; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      redirect: 'manual',
      headers: { ...this.headers, ...(cookie ? { cookie } : {}), ...init.headers },
      ...(init.body !== undefined ? { body: init.body } : {}),
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair = ''] = header.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index);
      const value = pair.slice(index + 1);
      if (!value || /max-age=0|expires=thu, 01 jan 1970/i.test(header)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  get(path: string, headers?: Record<string, string>): Promise<Response> {
    return this.request('GET', path, headers ? { headers } : {});
  }

  /** Fetches a page and returns its HTML and the CSRF token its forms carry. */
  async page(path: string): Promise<{ response: Response; html: string; csrf: string }> {
    const response = await this.get(path);
    const html = await response.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    return { response, html, csrf };
  }

  /** Posts a form as a browser would (urlencoded). */
  postForm(path: string, fields: Record<string, string>): Promise<Response> {
    return this.request('POST', path, {
      body: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  /** Fetches `pagePath` for a token, then posts the form with it. */
  async submit(pagePath: string, action: string, fields: Record<string, string>): Promise<Response> {
    const { csrf } = await this.page(pagePath);
    return this.postForm(action, { _csrf: csrf, ...fields });
  }

  /** Posts a form as multipart/form-data, as a browser sends a form with file inputs. */
  multipart(
    path: string,
    fields: Record<string, string>,
    files: Array<{ name: string; filename: string; type: string; data: Uint8Array }> = [],
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    for (const file of files)
      form.append(file.name, new Blob([new Uint8Array(file.data)], { type: file.type }), file.filename);
    return this.request('POST', path, { body: form, headers });
  }

  /** Sends a JSON body: a value, or its text or bytes as given (to send malformed JSON). */
  json(method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(method, path, {
      body: typeof body === 'string' ? body : body instanceof Uint8Array ? new Uint8Array(body) : JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...headers },
    });
  }
}
