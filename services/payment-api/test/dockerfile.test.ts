import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// No Docker engine here: these pin what the image build needs from the workspace layout, so a new workspace
// or workspace dependency cannot silently break `docker build` (or CDK's image asset) later.
const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const dockerfile = read('../Dockerfile');
const root = JSON.parse(read('../../../package.json')) as { workspaces: string[] };
const service = JSON.parse(read('../package.json')) as { dependencies: Record<string, string> };

/** The Dockerfile's stages, by name, with their instructions. */
const stages = Object.fromEntries(
  dockerfile
    .split(/^FROM /m)
    .slice(1)
    .map((stage) => [/ AS (\w+)/.exec(stage)?.[1] ?? '', stage]),
);

describe('services/payment-api/Dockerfile', () => {
  it('copies the package.json of every workspace before each npm ci (npm ci refuses a partial workspace)', () => {
    for (const name of ['build', 'deps']) {
      const beforeInstall = (stages[name] as string).split('RUN npm ci')[0] as string;
      for (const workspace of root.workspaces) {
        expect(beforeInstall, `${name} stage, ${workspace}`).toContain(
          `COPY ${workspace}/package.json ${workspace}/package.json`,
        );
      }
    }
  });

  it('compiles @tessera/pki and ships its dist where node_modules links it, selected by the condition', () => {
    expect(service.dependencies['@tessera/pki']).toBeDefined();
    expect(stages.build).toContain('COPY services/pki/ services/pki/');
    expect(stages.build).toMatch(
      /npx tsc -p services\/pki\/tsconfig\.build\.json && npx tsc -p services\/payment-api/,
    );
    expect(stages.runtime).toContain(
      'COPY --from=build --chown=root:root /app/services/pki/dist ./services/pki/dist',
    );
    expect(stages.runtime).toContain(
      'COPY --from=build --chown=root:root /app/services/pki/package.json ./services/pki/package.json',
    );
    expect(stages.runtime).toContain('CMD ["node", "--conditions=tessera-compiled", "dist/main.js"]');
    const pki = JSON.parse(read('../../pki/package.json')) as { exports: Record<string, unknown> };
    expect(pki.exports['.']).toEqual({
      'tessera-compiled': { types: './dist/index.d.ts', default: './dist/index.js' },
      default: './src/index.ts',
    });
    const build = JSON.parse(read('../tsconfig.build.json')) as {
      compilerOptions: { customConditions: string[] };
    };
    expect(build.compilerOptions.customConditions).toEqual(['tessera-compiled']);
  });
});
