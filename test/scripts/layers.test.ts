/** The layer check `npm test` runs on src/ (scripts/check-layers.js, order in scripts/layers.json), tried on fixtures. */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

function check(...args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ['scripts/check-layers.js', ...args], { cwd: ROOT }, (err, stdout, stderr) => {
      done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

const fixture = (name: string) => [`test/fixtures/import-layers/${name}`, `test/fixtures/import-layers/${name}/layers.json`];

describe('layer check', () => {
  it('fails on an import from a higher layer (a type-only one too) and names both modules and layers', async () => {
    const result = await check(...fixture('upward'));
    expect(result.code).toBe(1);
    expect(result.output).toContain('test/fixtures/import-layers/upward/low/helper.ts (low) imports test/fixtures/import-layers/upward/high.ts (high), a higher layer');
  });

  it('passes when every import points down', async () => {
    const result = await check(...fixture('downward'));
    expect(result.output).toContain('every import points to its own layer or a lower one (low < high)');
    expect(result.code).toBe(0);
  });

  it('fails on a module that is in no layer', async () => {
    const unplaced = await check('test/fixtures/import-layers', 'test/fixtures/import-layers/upward/layers.json');
    expect(unplaced.code).toBe(1);
    expect(unplaced.output).toContain('test/fixtures/import-layers/upward/high.ts is in no layer');
  });
});
