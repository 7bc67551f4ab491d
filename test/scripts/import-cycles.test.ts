/** The import-cycle check `npm test` runs on src/ (scripts/check-import-cycles.sh), tried on fixtures. */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

function check(folder: string): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    execFile('bash', ['scripts/check-import-cycles.sh', folder], { cwd: ROOT }, (err, stdout, stderr) => {
      done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

describe('import-cycle check', () => {
  it('fails on a cycle of value imports and names it', async () => {
    const result = await check('test/fixtures/import-cycles/value-cycle');
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/value-cycle\/[ab]\.ts -> test\/fixtures\/import-cycles\/value-cycle\/[ab]\.ts/);
  });

  it('fails on a cycle closed by a type-only import', async () => {
    const result = await check('test/fixtures/import-cycles/type-cycle');
    expect(result.code).toBe(1);
    expect(result.output).toContain('type-cycle/router.ts -> test/fixtures/import-cycles/type-cycle/handler.ts');
  });

  it('passes when the shared type lives in its own module', async () => {
    const result = await check('test/fixtures/import-cycles/no-cycle');
    expect(result.output).toContain('no circular dependency');
    expect(result.code).toBe(0);
  });
});
