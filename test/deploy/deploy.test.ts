/**
 * The deployment files (deploy/) against the service they deploy: the port it listens on, the
 * probe routes it serves, the settings src/config.ts reads, the shutdown grace period, the
 * image's user, and what the manifests promise an operator (security context, resources, the
 * autoscaler, the disruption budget and the Service all aimed at the Deployment's pods, and the
 * Redis that REDIS_URL names).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { type App, buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are read as plain YAML */
type Manifest = Record<string, any>;

const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');
const yamlOf = (path: string): Manifest => parse(read(path)) as Manifest;

const k8s = 'deploy/kubernetes/';
const deployment = yamlOf(`${k8s}deployment.yaml`);
const configMap = yamlOf(`${k8s}configmap.yaml`);
const secret = yamlOf(`${k8s}secret.yaml`);
const service = yamlOf(`${k8s}service.yaml`);
const hpa = yamlOf(`${k8s}hpa.yaml`);
const pdb = yamlOf(`${k8s}pdb.yaml`);
const kustomization = yamlOf(`${k8s}kustomization.yaml`);
const redisManifests = parseAllDocuments(read(`${k8s}redis.yaml`)).map((d) => d.toJS() as Manifest);
const redisDeployment = redisManifests.find((m) => m.kind === 'Deployment')!;
const redisService = redisManifests.find((m) => m.kind === 'Service')!;
const compose = yamlOf('deploy/compose.yaml');
const composeService: Manifest = compose.services['gradient-service'];
const pod: Manifest = deployment.spec.template.spec;
const container: Manifest = pod.containers[0];
const dockerfile = read('Dockerfile');

const defaults = loadConfig({});

/** Every environment variable src/config.ts reads: `env.NAME` or a quoted 'NAME'. */
const settingsRead = new Set(
  [...read('src/config.ts').matchAll(/env\.([A-Z][A-Z0-9_]*)|'([A-Z][A-Z0-9_]*)'/g)].map((m) => m[1] ?? m[2]),
);

/** A Go duration as compose and the Dockerfile write them ("1m30s", "15s", "500ms"), in seconds. */
function seconds(duration: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  const parts = [...duration.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  expect(parts.map((p) => p[0]).join(''), `a duration: ${duration}`).toBe(duration);
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * units[unit], 0);
}

/** The Dockerfile's HEALTHCHECK: its options and its command. */
function dockerHealthcheck(): { options: Record<string, string>; command: string[] } {
  const joined = dockerfile.replace(/\\\n\s*/g, ' ');
  const m = /^HEALTHCHECK\s+((?:--[\w-]+=\S+\s+)*)CMD\s+(\[.*\])\s*$/m.exec(joined);
  if (!m) throw new Error('no HEALTHCHECK ... CMD [...] in the Dockerfile');
  const options = Object.fromEntries([...m[1].matchAll(/--([\w-]+)=(\S+)/g)].map(([, k, v]) => [k, v]));
  return { options, command: JSON.parse(m[2]) as string[] };
}

/** The value after a flag in a command line: `--save ''` is ''. */
const flag = (args: string[], name: string): string | undefined =>
  args.includes(name) ? args[args.indexOf(name) + 1] : undefined;

/** Redis as a store of counts that expire: no snapshot, no append-only file. */
function expectNothingSaved(args: string[]): void {
  expect(args[0]).toBe('redis-server');
  expect(flag(args, '--save')).toBe('');
  expect(flag(args, '--appendonly')).toBe('no');
}

/** The runtime stage: everything after the last FROM. */
const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

/** The container's port a probe or a Service names (a number, or the name of one of its ports). */
function containerPort(port: number | string): number | undefined {
  return typeof port === 'number' ? port : container.ports.find((p: Manifest) => p.name === port)?.containerPort;
}

/** The compose service's environment with its ${...} references resolved to empty. */
const composeEnv: Record<string, string> = Object.fromEntries(
  Object.entries(composeService.environment as Record<string, string>).map(([k, v]) => [
    k,
    String(v).replace(/\$\{[^}]*\}/g, ''),
  ]),
);

let app: App;
beforeAll(async () => {
  app = await buildApp({ pool: false });
});
afterAll(() => app.close());

describe('the image (Dockerfile)', () => {
  it('listens on the default PORT and exposes it', () => {
    expect(runtimeStage).toMatch(new RegExp(`^ENV .*\\bPORT=${defaults.port}\\b`, 'm'));
    expect(runtimeStage).toMatch(new RegExp(`^EXPOSE ${defaults.port}$`, 'm'));
  });

  it('runs as the non-root node user (uid 1000 in the node images), the user the manifests name', () => {
    const users = [...runtimeStage.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
    expect(users.at(-1)).toBe('node');
    expect(pod.securityContext.runAsUser).toBe(1000);
    expect(composeService.user).toBe('1000:1000');
  });

  it('health-checks a route the app serves', async () => {
    const { command } = dockerHealthcheck();
    const path = /'(\/\w+)'\)/.exec(command.join(' '))?.[1];
    expect(path).toBe('/healthz');
    expect((await app.inject({ method: 'GET', url: path! })).statusCode).toBe(200);
  });
});

describe('deploy/compose.yaml', () => {
  it('builds the Dockerfile and publishes the default PORT', () => {
    expect(composeService.build).toMatchObject({ context: '..', dockerfile: 'Dockerfile' });
    const targets = (composeService.ports as string[]).map((p) =>
      Number(
        String(p)
          .split(':')
          .at(-1)!
          .replace(/\/tcp$/, ''),
      ),
    );
    expect(targets).toEqual([defaults.port]);
    expect(Number(composeEnv.PORT ?? defaults.port)).toBe(defaults.port);
  });

  it("health-checks as the Dockerfile's HEALTHCHECK does", () => {
    const { options, command } = dockerHealthcheck();
    const check = composeService.healthcheck;
    expect(check.test).toEqual(['CMD', ...command]);
    expect(seconds(check.interval)).toBe(seconds(options.interval));
    expect(seconds(check.timeout)).toBe(seconds(options.timeout));
    expect(seconds(check.start_period)).toBe(seconds(options['start-period']));
    expect(check.retries).toBe(Number(options.retries));
  });

  it('names only settings src/config.ts reads, with values it accepts', () => {
    for (const name of Object.keys(composeEnv)) expect(settingsRead, `${name} in compose.yaml`).toContain(name);
    expect(() => loadConfig(composeEnv)).not.toThrow();
  });

  it('gives SIGTERM more time than SHUTDOWN_GRACE_MS before killing', () => {
    const graceMs = Number(composeEnv.SHUTDOWN_GRACE_MS ?? defaults.shutdownGraceMs);
    expect(composeService.stop_signal ?? 'SIGTERM').toBe('SIGTERM');
    expect(seconds(composeService.stop_grace_period) * 1000).toBeGreaterThan(graceMs);
  });

  it('shares the rate limit through the redis service it names and waits for, health-checked by redis-cli ping', () => {
    const url = new URL(composeEnv.REDIS_URL);
    const redis: Manifest = compose.services[url.hostname];
    expect(redis, `the compose service REDIS_URL names (${url.hostname})`).toBeDefined();
    // Redis's own port: the command sets no other.
    expect(Number(url.port || 6379)).toBe(6379);
    expect(flag(redis.command, '--port')).toBeUndefined();
    expect(composeService.depends_on[url.hostname]).toEqual({ condition: 'service_healthy' });
    expect(redis.healthcheck.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expectNothingSaved(redis.command);
    expect(redis.ports).toBeUndefined();
    expect(redis.read_only).toBe(true);
    expect(redis.cap_drop).toEqual(['ALL']);
    expect(redis.security_opt).toContain('no-new-privileges:true');
    expect(redis.deploy.resources.limits.memory).toBeDefined();
  });

  it('runs read-only, unprivileged, limited, and restarts', () => {
    expect(composeService.read_only).toBe(true);
    expect(composeService.cap_drop).toEqual(['ALL']);
    expect(composeService.security_opt).toContain('no-new-privileges:true');
    expect(composeService.restart).toMatch(/^(always|unless-stopped|on-failure)/);
    const { limits, reservations } = composeService.deploy.resources;
    expect(limits.cpus).toBeDefined();
    expect(limits.memory).toBeDefined();
    expect(reservations.memory).toBeDefined();
    // The workers fill the CPUs the container gets, no more.
    expect(Number(composeEnv.WORKERS)).toBe(Number(limits.cpus));
  });
});

describe('deploy/kubernetes', () => {
  it('kustomization.yaml lists every manifest of the folder', () => {
    const files = readdirSync(new URL(k8s, root)).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
    expect(kustomization.images.map((i: Manifest) => i.name)).toContain(container.image);
  });

  it('runs at least 2 replicas, each serving the default PORT', () => {
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(container.ports.map((p: Manifest) => p.containerPort)).toEqual([defaults.port]);
    expect(Number(configMap.data.PORT ?? defaults.port)).toBe(defaults.port);
  });

  it.each([
    ['livenessProbe', '/healthz'],
    ['readinessProbe', '/readyz'],
  ])('%s asks %s on the container port, a route the app answers 200', async (probe, path) => {
    const { httpGet, periodSeconds, timeoutSeconds, failureThreshold } = container[probe];
    expect(httpGet.path).toBe(path);
    expect(containerPort(httpGet.port)).toBe(defaults.port);
    expect((await app.inject({ method: 'GET', url: httpGet.path })).statusCode).toBe(200);
    expect(timeoutSeconds).toBeLessThan(periodSeconds);
    expect(failureThreshold).toBeGreaterThanOrEqual(2);
  });

  it('gives the preStop pause and SHUTDOWN_GRACE_MS time before SIGKILL', () => {
    const graceMs = Number(configMap.data.SHUTDOWN_GRACE_MS ?? defaults.shutdownGraceMs);
    const command: string[] = container.lifecycle.preStop.exec.command;
    expect(command[0]).toBe('sleep');
    const preStopS = Number(command[1]);
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(preStopS * 1000 + graceMs);
  });

  it('reads only settings src/config.ts reads, with values it accepts; API_KEYS from the Secret', () => {
    const names = [...Object.keys(configMap.data), ...container.env.map((e: Manifest) => e.name)];
    for (const name of names) expect(settingsRead, `${name} in the Deployment or the ConfigMap`).toContain(name);
    expect(container.envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }]);
    expect(() => loadConfig(configMap.data)).not.toThrow();
    expect(configMap.data.API_KEYS).toBeUndefined();
    const apiKeys = container.env.find((e: Manifest) => e.name === 'API_KEYS');
    expect(apiKeys.valueFrom.secretKeyRef).toEqual({ name: secret.metadata.name, key: 'API_KEYS' });
  });

  it('REDIS_URL names the Service of redis.yaml, which reaches the Redis pod and only it', () => {
    const url = new URL(configMap.data.REDIS_URL);
    expect(url.hostname).toBe(redisService.metadata.name);
    expect(Number(url.port || 6379)).toBe(redisService.spec.ports[0].port);
    const redisPod: Manifest = redisDeployment.spec.template;
    const redis: Manifest = redisPod.spec.containers[0];
    expect(redisPod.metadata.labels).toMatchObject(redisDeployment.spec.selector.matchLabels);
    expect(redisPod.metadata.labels).toMatchObject(redisService.spec.selector);
    const target = redis.ports.find((p: Manifest) => p.name === redisService.spec.ports[0].targetPort);
    expect(target?.containerPort).toBe(6379);
    // The service's Service, disruption budget and autoscaler never take the Redis pod for a
    // replica, nor the Redis Service a replica for Redis.
    expect(redisPod.metadata.labels).not.toMatchObject(service.spec.selector);
    expect(redisPod.metadata.labels).not.toMatchObject(pdb.spec.selector.matchLabels);
    expect(deployment.spec.template.metadata.labels).not.toMatchObject(redisService.spec.selector);
    expect(redis.readinessProbe.exec.command).toEqual(['redis-cli', 'ping']);
    expectNothingSaved(redis.args);
    expect(redisDeployment.spec.replicas).toBe(1);
  });

  it('runs Redis as non-root with no privileges and a read-only root file system', () => {
    const redisPod: Manifest = redisDeployment.spec.template.spec;
    const redis: Manifest = redisPod.containers[0];
    expect({ ...redisPod.securityContext, ...redis.securityContext }).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(redisPod.automountServiceAccountToken).toBe(false);
    expect(redis.resources.limits.memory).toBeDefined();
  });

  it("the Secret's example value is a placeholder the service refuses to start with", () => {
    const placeholder: string = secret.stringData.API_KEYS;
    expect(placeholder).toMatch(/REPLACE/);
    expect(() => loadConfig({ ...configMap.data, API_KEYS: placeholder })).toThrow(/API_KEYS/);
  });

  it('runs as non-root with no privileges and a read-only root file system', () => {
    // The container's fields override the pod's.
    const effective = { ...pod.securityContext, ...container.securityContext };
    expect(effective).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it('requests and limits CPU and memory, with as many workers as CPUs in the limit', () => {
    const { requests, limits } = container.resources;
    for (const r of ['cpu', 'memory']) {
      expect(requests[r], `requests.${r}`).toBeDefined();
      expect(limits[r], `limits.${r}`).toBeDefined();
    }
    const cpu = (q: string): number => (q.endsWith('m') ? Number(q.slice(0, -1)) / 1000 : Number(q));
    const binary: Record<string, number> = { '': 1, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 };
    const bytes = (q: string): number => {
      const m = /^(\d+)(Ki|Mi|Gi)?$/.exec(q)!;
      return Number(m[1]) * binary[m[2] ?? ''];
    };
    expect(cpu(requests.cpu)).toBeLessThanOrEqual(cpu(limits.cpu));
    expect(bytes(requests.memory)).toBeLessThanOrEqual(bytes(limits.memory));
    expect(Number(configMap.data.WORKERS)).toBe(cpu(limits.cpu));
  });

  it('the Service, the PodDisruptionBudget and the HorizontalPodAutoscaler aim at the Deployment', () => {
    const podLabels: Record<string, string> = deployment.spec.template.metadata.labels;
    expect(podLabels).toMatchObject(deployment.spec.selector.matchLabels);
    expect(podLabels).toMatchObject(service.spec.selector);
    expect(podLabels).toMatchObject(pdb.spec.selector.matchLabels);
    expect(containerPort(service.spec.ports[0].targetPort)).toBe(defaults.port);

    expect(pdb.apiVersion).toBe('policy/v1');
    // One pod may go at a time, and never all of them.
    expect(pdb.spec.maxUnavailable ?? deployment.spec.replicas - pdb.spec.minAvailable).toBeLessThan(
      hpa.spec.minReplicas,
    );

    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: deployment.apiVersion,
      kind: 'Deployment',
      name: deployment.metadata.name,
    });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
    expect(hpa.spec.metrics).toContainEqual({
      type: 'Resource',
      resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: expect.any(Number) } },
    });
  });
});
