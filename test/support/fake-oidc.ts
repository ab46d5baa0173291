import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** A person at the test provider: the claims it gives about them. */
export interface TestIdentity {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  birthdate?: string;
}

export interface FakeOidc {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The person the next sign-in signs in as. */
  signInAs(identity: TestIdentity): void;
  /** The person refuses consent at the next sign-in. */
  refuseNext(): void;
  /** The next token answer carries an ID token with a broken signature. */
  tamperNext(): void;
  close(): Promise<void>;
}

/**
 * A real OpenID provider (`oidc-provider`) on 127.0.0.1 and a random port, with one confidential client
 * whose redirect URI is the platform's callback. Its login and consent steps finish at once as the
 * person given by `signInAs` (or refuse, with `refuseNext`): the test drives the browser's redirects.
 */
export async function startFakeOidc(redirectUri: string | (() => string)): Promise<FakeOidc> {
  const clientId = 'interactive-city';
  const clientSecret = 'test-client-secret-0123456789';
  const identities = new Map<string, TestIdentity>();
  let current: TestIdentity = { sub: 'nobody' };
  let refuse = false;
  let tamper = false;

  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // built at the first request, so that a redirect URI known only after this provider started can be given
  const build = () =>
    new Provider(issuer, {
      clients: [
        {
          client_id: clientId,
          client_secret: clientSecret,
          redirect_uris: [typeof redirectUri === 'string' ? redirectUri : redirectUri()],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      claims: {
        openid: ['sub'],
        email: ['email', 'email_verified'],
        profile: ['name', 'birthdate'],
      },
      cookies: { keys: ['test-cookie-key-0123456789'] },
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      pkce: { required: () => true },
      async findAccount(_ctx, sub) {
        const identity = identities.get(sub);
        if (!identity) return undefined;
        return { accountId: sub, claims: async () => ({ ...identity }) };
      },
    });
  let built: { provider: Provider; callback: ReturnType<Provider['callback']> } | undefined;
  const ready = () => {
    if (!built) {
      const provider = build();
      provider.on('server_error', (_ctx, error) => console.error('fake OIDC provider error', error));
      built = { provider, callback: provider.callback() };
    }
    return built;
  };

  server.on('request', (request, response) => {
    void (async () => {
      const { provider, callback } = ready();
      const url = request.url ?? '/';
      if (url.startsWith('/interaction/')) {
        const details = await provider.interactionDetails(request, response);
        if (refuse) {
          refuse = false;
          await provider.interactionFinished(request, response, {
            error: 'access_denied',
            error_description: 'The person refused.',
          });
          return;
        }
        if (details.prompt.name === 'login') {
          identities.set(current.sub, current);
          await provider.interactionFinished(request, response, { login: { accountId: current.sub } });
          return;
        }
        const grant = new provider.Grant({
          accountId: details.session?.accountId ?? current.sub,
          clientId: String(details.params.client_id),
        });
        grant.addOIDCScope(String(details.params.scope));
        const grantId = await grant.save();
        await provider.interactionFinished(
          request,
          response,
          { consent: { grantId } },
          { mergeWithLastSubmission: true },
        );
        return;
      }
      if (url.startsWith('/token') && tamper) {
        tamper = false;
        const end = response.end.bind(response) as (...args: unknown[]) => http.ServerResponse;
        response.end = ((chunk?: unknown, ...rest: unknown[]) => {
          if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) {
            const body = JSON.parse(chunk.toString()) as { id_token?: string };
            if (body.id_token) {
              const [header, payload, signature = ''] = body.id_token.split('.');
              const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
              body.id_token = `${header}.${payload}.${flipped}`;
            }
            return end(JSON.stringify(body), ...rest);
          }
          return end(chunk, ...rest);
        }) as typeof response.end;
      }
      callback(request, response);
    })().catch((error: unknown) => {
      console.error('fake OIDC provider', error);
      if (!response.headersSent) response.writeHead(500).end();
    });
  });

  return {
    issuer,
    clientId,
    clientSecret,
    signInAs(identity) {
      current = identity;
    },
    refuseNext() {
      refuse = true;
    },
    tamperNext() {
      tamper = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
