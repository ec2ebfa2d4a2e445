// say: send text (templated), media or a location, then go on.
import type { SayNode } from '../../schema/types.ts';
import type { Run, Step } from '../../engine/run.ts';
import { render, renderUrl } from '../../engine/template.ts';

export function executeSay(node: SayNode, run: Run): Step {
  const m = node.message;
  const vars = run.scope;
  if (m.kind === 'text') run.say(render(m.text, vars));
  else if (m.kind === 'media') {
    run.emit({
      type: 'send',
      message: {
        kind: 'media',
        mediaType: m.mediaType,
        url: renderUrl(m.url, vars),
        ...(m.caption ? { caption: render(m.caption, vars) } : {}),
        ...(m.fileName ? { fileName: m.fileName } : {}),
      },
    });
  } else {
    run.emit({ type: 'send', message: { kind: 'location', latitude: m.latitude, longitude: m.longitude, ...(m.name ? { name: m.name } : {}) } });
  }
  return { go: node.next };
}
