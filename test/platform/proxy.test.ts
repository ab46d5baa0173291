import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { loadConfig } from '../../src/platform/config.ts';
import { TestClient } from '../support/client.ts';
import { nginxMissing, startNginx } from '../support/nginx.ts';
import { freePort, TempFolders } from '../support/process.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const SIGN_UPS_PER_ADDRESS = 3;
const folders = new TempFolders();
after(() => folders.removeAll());

const configOf = (trustProxy: string) =>
  loadConfig({ NODE_ENV: 'test', TRUST_PROXY: trustProxy, SECRET_KEY: 'k'.repeat(32) });

/** Sign-ups from one client, each under another forged X-Forwarded-For; answers the statuses. */
async function signUpsForging(baseUrl: string, count: number, forwardedBy?: string): Promise<number[]> {
  const statuses: number[] = [];
  for (let attempt = 0; attempt < count; attempt++) {
    const client = new TestClient(baseUrl);
    const forged = `192.0.2.${attempt + 1}`;
    // the client writes the header; a proxy in front appends the address it sees (as nginx's $proxy_add_x_forwarded_for)
    client.headers['x-forwarded-for'] = forwardedBy ? `${forged}, ${forwardedBy}` : forged;
    const response = await client.submit('/sign-up', '/sign-up', {
      displayName: 'Someone',
      email: `someone.${attempt}.${Date.now()}@example.org`,
      password: 'a long enough password',
      acceptTerms: 'yes',
    });
    statuses.push(response.status);
  }
  return statuses;
}

async function serverTrusting(trustProxy: string): Promise<TestServer> {
  return startTestServer({
    env: { TRUST_PROXY: trustProxy },
    adjust: (config) => {
      config.rateLimits.signUp.limit = SIGN_UPS_PER_ADDRESS;
    },
  });
}

describe('TRUST_PROXY', () => {
  test('true is refused at start, saying what to give instead', () => {
    const result = configOf('true');
    if (result.ok) assert.fail('TRUST_PROXY=true was accepted');
    assert.match(
      result.problems.join('\n'),
      /TRUST_PROXY=true is refused: .*X-Forwarded-For.*TRUST_PROXY=1 behind one nginx.*TRUST_PROXY=10\.0\.0\.1,10\.0\.0\.0\/8/,
    );
  });

  test('takes a hop count or the proxies’ addresses and networks, and refuses anything else', () => {
    const trusted = (text: string) => {
      const result = configOf(text);
      return result.ok ? result.config.trustProxy : result.problems.join('\n');
    };
    assert.equal(trusted(''), false);
    assert.equal(trusted('false'), false);
    assert.equal(trusted('1'), 1);
    assert.deepEqual(trusted('10.0.0.1, 10.0.0.0/8,fd00::/8, loopback'), [
      '10.0.0.1',
      '10.0.0.0/8',
      'fd00::/8',
      'loopback',
    ]);
    assert.match(String(trusted('10.0.0.0/33')), /"10\.0\.0\.0\/33" is not one/);
    assert.match(String(trusted('yes')), /TRUST_PROXY must be false, a number of proxy hops/);
    assert.match(String(trusted('99')), /at most 10/);
  });

  for (const trustProxy of ['1', '127.0.0.1']) {
    test(`with TRUST_PROXY=${trustProxy} a client forging X-Forwarded-For is still limited by its real address`, async () => {
      const server = await serverTrusting(trustProxy);
      try {
        const statuses = await signUpsForging(server.url, SIGN_UPS_PER_ADDRESS + 2, '198.51.100.77');
        assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
        // another resident behind the same proxy is not held up
        assert.deepEqual(await signUpsForging(server.url, 1, '198.51.100.78'), [200]);
      } finally {
        await server.close();
      }
    });
  }

  test(
    'through a real nginx with TRUST_PROXY=1: twelve sign-ups with forged addresses, the limit holds',
    {
      // In CI (where .ci/run installs it) a missing nginx is a failure, as a missing browser is.
      skip: nginxMissing(),
      timeout: 120_000,
    },
    async () => {
      const server = await serverTrusting('1');
      let nginx: Awaited<ReturnType<typeof startNginx>> | undefined;
      try {
        const port = await freePort();
        nginx = await startNginx(
          folders.make('ic-nginx-'),
          `server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass ${server.url};
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }
  }`,
          port,
        );
        const url = `http://127.0.0.1:${port}`;
        const statuses = await signUpsForging(url, 12);
        assert.deepEqual(statuses, [
          ...Array<number>(SIGN_UPS_PER_ADDRESS).fill(200),
          ...Array<number>(12 - SIGN_UPS_PER_ADDRESS).fill(429),
        ]);
      } finally {
        await nginx?.stop();
        await server.close();
      }
    },
  );
});
