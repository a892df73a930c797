import * as fs from 'fs';
import * as path from 'path';
import { renderedServicePatterns } from '../lib/event-patterns';
import { synth } from './helpers';

describe('event-patterns.json (the rules\' patterns for tests outside the CDK app)', () => {
  const rendered = renderedServicePatterns();

  test('the committed file is the one lib/event-patterns.ts generates (npm run event-patterns)', () => {
    const committed = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'event-patterns.json'), 'utf8'));
    expect(committed).toEqual(rendered);
  });

  test('each is the pattern of a rule the responder stack deploys, and every service rule is one of them', () => {
    const deployed = Object.values(synth().template.findResources('AWS::Events::Rule'))
      .map((r) => r.Properties.EventPattern)
      .filter((p) => p.detail?.eventSource !== undefined && p['detail-type'] !== undefined)
      .map((p) => JSON.stringify(p));
    const ours = rendered.map((r) => JSON.stringify(r.eventPattern));
    expect([...new Set(deployed)].sort()).toEqual([...ours].sort());
  });
});
