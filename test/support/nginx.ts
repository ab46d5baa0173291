import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';

/** Debian's nginx (nginx-light or nginx), or NGINX_PATH. */
export const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';

/** Why an nginx test is skipped, or false: in CI (where .ci/run installs it) a missing nginx is a failure. */
export const nginxMissing = (): string | false =>
  existsSync(NGINX) || process.env.CI === 'true' ? false : `no nginx at ${NGINX} (apt-get install nginx-light)`;

/**
 * Starts nginx as this user in `prefix` (its pid, logs and temporary files there) with these `server` blocks
 * (and `upstream` blocks) inside a minimal http block, and waits until it accepts connections on `port`.
 */
export async function startNginx(
  prefix: string,
  servers: string,
  port: number,
): Promise<{ stop(): Promise<void>; errorLog(): string }> {
  const conf = path.join(prefix, 'nginx.conf');
  writeFileSync(
    conf,
    // started as root, nginx's workers would run as nobody, who cannot write the temporary files of large bodies here
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log;
events { worker_connections 256; }
http {
  access_log off;
  default_type application/octet-stream;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
${servers}
}
`,
  );
  const nginx: ChildProcess = spawn(NGINX, ['-p', prefix, '-c', conf, '-g', 'daemon off;'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => nginx.once('exit', () => resolve()));
  const errorLog = () => {
    try {
      return readFileSync(path.join(prefix, 'error.log'), 'utf8');
    } catch {
      return '';
    }
  };
  for (let tries = 0; ; tries++) {
    try {
      await new Promise<void>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.end();
          resolve();
        });
        socket.once('error', reject);
      });
      break;
    } catch (error) {
      if (nginx.exitCode !== null || tries > 100)
        throw new Error(`nginx did not start:\n${errorLog()}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    errorLog,
    async stop() {
      if (nginx.exitCode === null) {
        nginx.kill('SIGTERM');
        await exited;
      }
    },
  };
}
