import { knownGap } from '../../src/verify/known-gaps';
import { CellResult, resultsNotes, resultsTable, scenarios, verifyScenario, writeResults } from '../../src/verify/matrix';
import { hostArchitecture } from '../../src/verify/node-runtime';
import { serviceNamesUnderTest } from '../../src/verify/rendered';
import { plan } from '../../src/policy';
import { describeWithRunc, matrixTools } from './helpers';

/**
 * The rendered settings of every target × service, run as real containers: the probes must do
 * what the plan says (sandbox works where planned; blocked by the platform's defaults where the
 * plan refuses it or puts the sandbox in the platform's gVisor).
 */
const ARCH = hostArchitecture();

describeWithRunc('rendered settings on a real kernel (runc), with the real NsJail and runsc', () => {
  const all: CellResult[] = [];
  let tools: ReturnType<typeof matrixTools> = { runsc: [] };
  beforeAll(() => {
    tools = matrixTools();
  });
  afterAll(() => {
    if (!all.length) return;
    const file = writeResults(all);
    console.log(`${resultsTable(all)}\n\n${resultsNotes(all)}\n\n(written to ${file})`);
  });

  for (const s of scenarios()) {
    describe(`${s.id}: ${s.note}`, () => {
      let results: CellResult[] = [];
      beforeAll(() => {
        results = verifyScenario(s, { arch: ARCH, nsjail: tools.nsjail, runsc: tools.runsc });
        all.push(...results);
      });
      const modes = new Map(plan(s.config).services.map((p) => [p.service, p.mode]));
      for (const service of serviceNamesUnderTest(s.config)) {
        const mode = modes.get(service) ?? 'refused';
        const gap = knownGap(service, mode);
        const name = `${service} (${mode}): every probe agrees with the plan`;
        const body = (): void => {
          const cell = results.find((c) => c.service === service);
          expect(cell).toBeDefined();
          expect(cell?.error).toBeUndefined();
          expect(cell?.disagreements).toEqual([]);
        };
        if (gap) test.failing(`${name} [KNOWN GAP, fails until fixed: ${gap.probe}]`, body);
        else test(name, body);
      }
    });
  }
});
