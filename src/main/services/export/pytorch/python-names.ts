import { INNER_ID_SEPARATOR } from '../../../../shared/graph/model-graph';

/**
 * Names a generated model.py may not give a layer: Python's keywords, the names the generated code
 * itself uses (`x`, `logits`, `torch`, `F`, `nn`, the helpers), and every attribute of torch.nn.Module
 * (an attribute called `train` or `parameters` would replace the method). Listed from PyTorch 1.13 to
 * 2.5's `dir(nn.Module())`; newer names are included ahead so exports stay valid on newer PyTorch.
 */
const RESERVED = new Set([
  // Python keywords and soft keywords.
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else',
  'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise',
  'return', 'try', 'while', 'with', 'yield', 'match', 'case', 'type',
  // Names of the generated code.
  'x', 'logits', 'self', 'torch', 'nn', 'F', 'float', 'super', 'average_of_real_cells', 'build_model', 'Network',
  'STUDIO_NODES', 'FROZEN_BATCH_NORMS', 'FIXED_FILTERS', 'INPUT_SHAPE', 'CLASSES', 'return_logits',
  // torch.nn.Module's public attributes.
  'T_destination', 'add_module', 'apply', 'bfloat16', 'buffers', 'call_super_init', 'children', 'compile', 'cpu', 'cuda', 'double',
  'dump_patches', 'eval', 'extra_repr', 'float', 'forward', 'get_buffer', 'get_extra_state', 'get_parameter', 'get_submodule',
  'half', 'ipu', 'load_state_dict', 'modules', 'mtia', 'named_buffers', 'named_children', 'named_modules', 'named_parameters',
  'parameters', 'register_backward_hook', 'register_buffer', 'register_forward_hook', 'register_forward_pre_hook',
  'register_full_backward_hook', 'register_full_backward_pre_hook', 'register_load_state_dict_post_hook',
  'register_load_state_dict_pre_hook', 'register_module', 'register_parameter', 'register_state_dict_post_hook',
  'register_state_dict_pre_hook', 'requires_grad_', 'set_extra_state', 'set_submodule', 'share_memory', 'smart_apply',
  'state_dict', 'to', 'to_empty', 'train', 'training', 'xpu', 'zero_grad',
]);

/** A node id as a Python identifier: `-` becomes `_`, a block's `.` becomes `__` (`inc3a.b1-conv` → `inc3a__b1_conv`). */
function identifierFor(id: string): string {
  return id.split(INNER_ID_SEPARATOR).map((part) => part.replace(/-/g, '_')).join('__');
}

/**
 * Python identifiers for flat node ids, unique and readable: each id as `identifierFor` writes it,
 * with `_` appended to a reserved name and `_2`, `_3`, … to a name already taken (`a-b` and `a_b`).
 */
export function pythonNames(ids: readonly string[]): Map<string, string> {
  const taken = new Set<string>();
  const out = new Map<string, string>();
  for (const id of ids) {
    let base = identifierFor(id);
    if (RESERVED.has(base)) base = `${base}_`;
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
    taken.add(name);
    out.set(id, name);
  }
  return out;
}

/** True for a name the generated code keeps for itself. */
export function isReservedPythonName(name: string): boolean {
  return RESERVED.has(name);
}
