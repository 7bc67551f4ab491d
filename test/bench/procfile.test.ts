import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { webNodeOptions } from '../../dev/bench/procfile';

describe("the Procfile's Node options, as the bench runs the bots", () => {
  it('are the words between node and the entry point', () => {
    expect(webNodeOptions('web: node --max-old-space-size=1024 --enable-source-maps dist/index.js\n')).toEqual([
      '--max-old-space-size=1024',
      '--enable-source-maps',
    ]);
    expect(webNodeOptions('release: node dist/migrate.js\r\nweb: node dist/index.js\r\n')).toEqual([]);
  });

  it('refuse a Procfile without a web: node process', () => {
    expect(() => webNodeOptions('worker: node dist/index.js\n')).toThrow(/no "web: node/);
    expect(() => webNodeOptions('web: npm start\n')).toThrow(/no "web: node/);
  });

  it("read the repository's own Procfile: its web process runs dist/index.js with a heap limit", () => {
    const procfile = readFileSync(resolve(__dirname, '../../Procfile'), 'utf8');
    expect(webNodeOptions(procfile)).toContainEqual(expect.stringMatching(/^--max-old-space-size=\d+$/));
    expect(procfile).toMatch(/^web: node .*dist\/index\.js\s*$/m);
  });
});
