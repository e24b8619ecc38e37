/**
 * Reverse-mode automatic differentiation.
 *
 * Each op that has an input requiring gradients records a `GradNode` on its output: the inputs
 * and a closure, written beside the op's forward, that maps the output's gradient to the
 * inputs' gradients. `runBackward` visits the nodes in reverse topological order.
 */
import { AutogradError, ShapeError, fmtShape } from '../errors.ts';
import { backend } from '../kernels/select.ts';
import { sameShape } from './shape.ts';
import { Tensor } from './tensor.ts';

export type GradFn = (grad: Tensor) => ReadonlyArray<Tensor | null>;

export interface GradNode {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** null once freed by a backward() without retainGraph. */
  gradFn: GradFn | null;
}

export interface BackwardOptions {
  /** Keep the graph so backward() can run through it again. */
  retainGraph?: boolean;
}

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Run fn without recording any op for autograd (inference, optimiser updates). */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** Whether an op with these inputs must record its gradient. */
export function needsGrad(...inputs: ReadonlyArray<Tensor | null | undefined>): boolean {
  if (!gradEnabled) return false;
  for (const t of inputs) if (t && t.requiresGrad) return true;
  return false;
}

/**
 * Attach a gradient rule to `out` if any input requires gradients. Returns `out`. Inputs that
 * do not require gradients get `null` from the rule or have their entries ignored.
 */
export function record(out: Tensor, op: string, inputs: readonly Tensor[], gradFn: GradFn): Tensor {
  if (!needsGrad(...inputs)) return out;
  out.requiresGrad = true;
  out.node = { op, inputs, gradFn };
  return out;
}

function accumulate(into: Map<Tensor, Tensor>, t: Tensor, g: Tensor): void {
  const prev = into.get(t);
  if (!prev) {
    into.set(t, g);
    return;
  }
  // Same shapes: add as flat vectors (any rank).
  const sum = new Float32Array(g.size);
  const one = Int32Array.of(1);
  backend().binary(0 /* Add */, prev.data, one, g.data, one, sum, Int32Array.of(g.size));
  into.set(t, new Tensor(sum, g.shape));
}

export function runBackward(root: Tensor, grad: Tensor | undefined, options: BackwardOptions): void {
  if (!root.requiresGrad) {
    throw new AutogradError('backward: this tensor does not require gradients (no input had requiresGrad set, or it was made under noGrad)');
  }
  if (!grad) {
    if (root.size !== 1) {
      throw new AutogradError(`backward: called on a tensor of shape ${fmtShape(root.shape)} without a gradient; backward() without an argument needs a scalar (one element), otherwise pass the gradient of the output`);
    }
    grad = new Tensor(new Float32Array(root.size).fill(1), root.shape);
  } else if (!sameShape(grad.shape, root.shape)) {
    throw new ShapeError(`backward: gradient has shape ${fmtShape(grad.shape)} but the tensor has shape ${fmtShape(root.shape)}`);
  }

  // Topological order by iterative depth-first search over the recorded nodes.
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: Array<[Tensor, number]> = [[root, 0]];
  seen.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [t, i] = top;
    const inputs = t.node ? t.node.inputs : [];
    if (i < inputs.length) {
      top[1]++;
      const child = inputs[i];
      if (child.requiresGrad && !seen.has(child)) {
        seen.add(child);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }

  const grads = new Map<Tensor, Tensor>();
  grads.set(root, grad);
  noGrad(() => {
    for (let k = order.length - 1; k >= 0; k--) {
      const t = order[k];
      const g = grads.get(t);
      if (!g) continue;
      const node = t.node;
      if (!node) {
        // A leaf: accumulate into .grad.
        if (t.grad) {
          const acc = new Map([[t, t.grad]]);
          accumulate(acc, t, g);
          t.grad = acc.get(t)!;
        } else {
          // A gradient tensor may be shared (add passes one gradient to both inputs), and
          // .grad is written in place by clipping and optimisers: each leaf gets its own copy.
          t.grad = g.clone();
        }
        continue;
      }
      grads.delete(t);
      if (!node.gradFn) {
        throw new AutogradError(`backward: the graph through '${node.op}' was already freed by an earlier backward(); pass { retainGraph: true } to the first backward() to run backward twice`);
      }
      const inGrads = node.gradFn(g);
      if (!options.retainGraph) node.gradFn = null;
      node.inputs.forEach((input, j) => {
        const ig = inGrads[j];
        if (!ig || !input.requiresGrad) return;
        if (!sameShape(ig.shape, input.shape)) {
          throw new AutogradError(`backward: internal error in '${node.op}': gradient ${fmtShape(ig.shape)} for an input of shape ${fmtShape(input.shape)}`);
        }
        accumulate(grads, input, ig);
      });
    }
  });
}
