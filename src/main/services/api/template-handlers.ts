import type { TemplateInfo } from '../../../shared/api/methods/project';
import { analyzeGraph } from '../../../shared/shapes/analyze';
import { TEMPLATES } from '../../../shared/templates';
import type { ApiHandlers } from './handler-table';

let catalogue: TemplateInfo[] | null = null;

/** Every template with its defaults and parameter totals (computed once: the templates never change). */
export function templateCatalogue(): TemplateInfo[] {
  catalogue ??= TEMPLATES.map((t) => {
    const { height, width, channels } = t.defaults.input;
    return {
      name: t.name,
      label: t.label,
      description: t.description,
      reference: t.reference,
      small: t.small,
      defaults: { input: { height, width, channels: channels === 3 ? 3 : 1 }, classes: t.defaults.classes },
      params: analyzeGraph(t.build(t.defaults)).totals,
    };
  });
  return catalogue;
}

/** `templates.list`. */
export function createTemplateHandlers(): Pick<ApiHandlers, 'templates.list'> {
  return { 'templates.list': () => templateCatalogue() };
}
