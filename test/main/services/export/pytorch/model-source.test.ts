import { describe, expect, it } from 'vitest';
import { PYTORCH_EMITTERS } from '../../../../../src/main/services/export/pytorch/emitters';
import { generateModelSource } from '../../../../../src/main/services/export/pytorch';
import { PRIMITIVE_KINDS } from '../../../../../src/shared/layers';
import type { FlatGraph } from '../../../../../src/shared/shapes/analyze';
import { analyzeGraph } from '../../../../../src/shared/shapes/analyze';
import { TEMPLATES, buildTemplate } from '../../../../../src/shared/templates';
import { everyKindGraph } from './support/kind-graphs';

const OPTIONS = { projectName: 'Test', params: { trainable: 1, nonTrainable: 0 }, producerVersion: 'test' };

function flat(graph: Parameters<typeof analyzeGraph>[0]): FlatGraph {
  const analysis = analyzeGraph(graph);
  if (!analysis.flat) throw new Error(analysis.issues.map((i) => i.message).join(' '));
  return analysis.flat;
}

describe('generateModelSource', () => {
  it('has_an_emitter_for_every_primitive_kind', () => {
    expect(Object.keys(PYTORCH_EMITTERS).sort()).toEqual([...PRIMITIVE_KINDS].sort());
  });

  it('a_kind_without_emitter_is_a_sentence_naming_the_layer', () => {
    const graph = flat(everyKindGraph());
    const odd = { ...graph, nodes: graph.nodes.map((n) => (n.id === 'drop' ? { ...n, kind: 'Capsule' as never } : n)) };
    expect(() => generateModelSource(odd, OPTIONS)).toThrow(expect.objectContaining({ code: 'invalid-graph', message: 'Layer drop is a Capsule, which the PyTorch export cannot write.', where: 'drop' }));
  });

  it('writes_every_padding_and_pooling_rule_of_the_studio', () => {
    const { text } = generateModelSource(flat(everyKindGraph()), OPTIONS);
    // An odd "same" padding is explicit (bottom/right), equal pads stay in the module.
    expect(text).toContain('x = F.pad(x, (0, 1, 1, 1))  # "same" as TF.js: the odd zero goes bottom/right');
    expect(text).toContain('self.conv_same = nn.Conv2d(3, 6, kernel_size=3, stride=2)');
    expect(text).toContain('self.conv_dil = nn.Conv2d(6, 6, kernel_size=3, padding=2, dilation=2, bias=False)');
    // Pooling never counts padded cells: -inf pads for max, real-cell averages for avg.
    expect(text).toContain('x = self.max_pad2(F.pad(x, (2, 2, 2, 2), value=float("-inf")))');
    expect(text).toContain('self.max_mod = nn.MaxPool2d(3, stride=2, padding=1)');
    expect(text).toContain('self.avg_sym = nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)');
    expect(text).toContain('avg_same = average_of_real_cells(self.avg_same, x, (0, 1, 0, 1))');
    expect(text).toContain('max_same = self.max_same(F.pad(sum, (0, 0, 0, 1), value=float("-inf")))');
    expect(text).toContain('def average_of_real_cells(pool, x, pads):');
    // BatchNorm: PyTorch's momentum is the fraction replaced; frozen ones stay in eval mode.
    expect(text).toContain('self.bn_frozen = nn.BatchNorm2d(6, eps=0.001, momentum=0.2)');
    expect(text).toContain('self.bn_frozen.requires_grad_(False)');
    expect(text).toContain('FROZEN_BATCH_NORMS = ("bn_frozen", )');
    expect(text).toContain('self.bn_vec = nn.BatchNorm1d(36, eps=0.00001, momentum=0.1)');
    // Depthwise convolutions are grouped nn.Conv2d; separable ones model.py's own module; ZeroPadding2D an F.pad.
    expect(text).toContain('zero_pad = F.pad(avg_same, (0, 2, 1, 0))');
    expect(text).toContain('self.depthwise = nn.Conv2d(6, 12, kernel_size=3, stride=2, groups=6)');
    expect(text).toContain('depthwise = F.relu6(self.depthwise(depthwise))');
    expect(text).toContain('self.separable = SeparableConv2d(12, 2, 5, kernel_size=3, padding=1)');
    expect(text).toContain('class SeparableConv2d(nn.Module):');
    expect(text).toContain('"separable": ("separable", "separable"),');
    expect(text).toContain('"dw_dilated": ("dw_dilated", "depthwise"),');
    // Flatten in NHWC order; softmax over channels on maps; activation parameters carried.
    expect(text).toContain('x = torch.flatten(cat_maps.permute(0, 2, 3, 1), 1)');
    expect(text).toContain('soft = torch.softmax(conv_dil, dim=1)');
    expect(text).toContain('x = F.elu(x, 0.5)');
    expect(text).toContain('x = F.leaky_relu(x, 0.2)');
    expect(text).toContain('self.dense.requires_grad_(False)');
    expect(text).toContain('return logits if self.return_logits else torch.softmax(logits, dim=-1)');
    expect(text).not.toMatch(/^\s+(\w+) = \1$/m);
  });

  it('names_submodules_after_the_node_ids_of_every_template', () => {
    for (const template of TEMPLATES.filter((t) => t.small || t.name === 'lenet5')) {
      const graph = flat(buildTemplate(template.name, { input: { height: 32, width: 32, channels: 3 }, classes: 4 }));
      const source = generateModelSource(graph, OPTIONS);
      const weighted = graph.nodes.filter((n) => ['Conv2D', 'DepthwiseConv2D', 'Dense', 'Output', 'BatchNorm'].includes(n.kind)).map((n) => n.id);
      expect([...source.weightNodes.keys()], template.name).toEqual(weighted);
      for (const id of weighted) {
        const { attribute } = source.weightNodes.get(id)!;
        expect(source.text, `${template.name} ${id}`).toContain(`        self.${attribute} = nn.`);
        expect(source.text).toContain(`        ${JSON.stringify(id)}: (${JSON.stringify(attribute)}, `);
      }
    }
  });
});
