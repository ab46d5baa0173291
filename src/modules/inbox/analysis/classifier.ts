/**
 * A learnable classifier for one city and one kind of label (sentiment or topic): a log-linear model
 * whose prior is fixed — the lexicon's or the keyword rules' verdict — and whose weights are evidence
 * from staff corrections. With no examples it answers exactly as the prior does.
 *
 * The weights are the most probable ones given the examples under a Gaussian prior centred on zero
 * (L2-regularised multinomial logistic regression with the prior's logits as offsets, solved to its
 * optimum by L-BFGS). That gives corrections the right size:
 * - an example only teaches what the prior got wrong (the gradient is the prior's residual), so a
 *   correction whose text shares nothing with a message leaves that message alone;
 * - a message moves in proportion to how much it shares with the corrected texts (the weights are a
 *   sum over examples of their feature vectors, so a new message's shift is its similarity to each), so
 *   paraphrases of a correction follow it and unrelated messages do not;
 * - k examples weigh about k times one: a handful cannot outvote the prior, thousands can;
 * - the class bias is one more feature of small value, so it too needs much evidence to move.
 * Refitting from all examples takes a few hundred milliseconds for thousands; none for a few.
 */
import type { MessageLanguage } from './languages.ts';
import type { SparseVector } from './features.ts';
import type { MessageText } from './text.ts';

export interface TrainingExample {
  text: string;
  language: MessageLanguage | 'unknown';
  label: string;
}

export interface Encoded {
  vector: SparseVector;
  /** The prior's logit per label (labels it does not name count 0). */
  prior: ReadonlyMap<string, number>;
}

/** How one kind of classifier reads a message: its feature vector and its prior. */
export interface ClassifierSpec {
  /** The labels known before any example (examples may add more). */
  labels: readonly string[];
  /** Without `withFeatures` the vector may be left empty (a classifier with no examples reads only the prior). */
  encode(text: string | MessageText, language: MessageLanguage | 'unknown', withFeatures?: boolean): Encoded;
  /**
   * Features present in most messages whatever their label (an outside lexicon's sums): a few
   * corrections of what such a feature got wrong would move every message that has it, so their
   * weights need `TrainingOptions.slowEvidence` examples to move as freely as the others.
   */
  slowFeatures?: ReadonlySet<number>;
}

/** The empty feature vector. */
export const NO_FEATURES: SparseVector = { indices: new Int32Array(0), values: new Float32Array(0) };

export interface TrainingOptions {
  /**
   * Precision of the Gaussian prior on each weight (the L2 penalty λ/2·‖w‖²): how much evidence it
   * takes to move away from the prior. One example shifts its own logits by about 1/λ.
   */
  l2: number;
  /**
   * Up to this many examples the penalty is `l2`; beyond, it falls as 1/n (`l2 · evidence / n`). A few
   * corrections stay small beside the prior (they say little about other messages), while hundreds or
   * thousands of examples speak for themselves: their likelihood grows with n and the prior's pull
   * shrinks with it, so the data dominates. The same fall lets the features of small value (the bias,
   * the lexicon's verdict, the message's form) move once there is much evidence, and not before.
   */
  evidence: number;
  /** Value of the constant feature that carries the per-label bias (small: the bias needs much evidence). */
  biasValue: number;
  /** Most L-BFGS iterations per fit (it usually stops earlier, at the optimum). */
  iterations: number;
  /**
   * Examples it takes before the spec's slow features are penalised like the others: below, their
   * penalty is multiplied by (slowEvidence / n)², so 8 corrections move them about 1/4,000 as much.
   */
  slowEvidence: number;
}

/** Chosen on the train split of the six-language tweet set (never on val); see docs/PERFORMANCE.md. */
export const DEFAULT_TRAINING: TrainingOptions = {
  l2: 0.3,
  evidence: 50,
  biasValue: 0.1,
  iterations: 120,
  slowEvidence: 500,
};

export interface Prediction {
  label: string;
  confidence: number;
  probabilities: Record<string, number>;
}

interface Fitted {
  /** Weights per label, by hashed feature (only features seen in examples). */
  weights: Map<number, Float64Array>;
  bias: Float64Array;
}

export class Classifier {
  readonly #spec: ClassifierSpec;
  readonly #options: TrainingOptions;
  readonly #examples: Array<{ encoded: Encoded; label: string }> = [];
  #labels: string[];
  #fitted: Fitted | undefined;
  #stale = false;

  constructor(spec: ClassifierSpec, options: TrainingOptions = DEFAULT_TRAINING) {
    this.#spec = spec;
    this.#options = options;
    this.#labels = [...spec.labels];
  }

  /** A classifier trained on `examples` (what `classifierFor` builds from the corrections table). */
  static fromExamples(
    spec: ClassifierSpec,
    examples: Iterable<TrainingExample>,
    options: TrainingOptions = DEFAULT_TRAINING,
  ): Classifier {
    const classifier = new Classifier(spec, options);
    for (const example of examples) classifier.learn(example);
    return classifier;
  }

  /** How many examples it has learnt from. */
  get size(): number {
    return this.#examples.length;
  }

  /** The labels it can give. */
  get labels(): readonly string[] {
    return this.#labels;
  }

  /** Learns from one labelled message; the weights are refitted before the next prediction. */
  learn(example: TrainingExample): void {
    if (!this.#labels.includes(example.label)) this.#labels.push(example.label);
    this.#examples.push({ encoded: this.#spec.encode(example.text, example.language), label: example.label });
    this.#stale = true;
  }

  /** The message read as this classifier reads it (features only once it has examples). */
  encode(text: string | MessageText, language: MessageLanguage | 'unknown'): Encoded {
    return this.#spec.encode(text, language, this.#examples.length > 0);
  }

  /**
   * How much two messages share as this classifier reads them, 0 to 1: the cosine of their feature
   * vectors. A correction moves a message about in proportion to it.
   */
  similarity(
    a: { text: string | MessageText; language: MessageLanguage | 'unknown' },
    b: { text: string | MessageText; language: MessageLanguage | 'unknown' },
  ): number {
    const left = this.#spec.encode(a.text, a.language, true).vector;
    const right = this.#spec.encode(b.text, b.language, true).vector;
    // The slow features (outside the unit-length text part) say nothing of what two messages share.
    const slow = this.#spec.slowFeatures;
    const values = new Map<number, number>();
    for (let k = 0; k < left.indices.length; k++)
      if (!slow?.has(left.indices[k] as number)) values.set(left.indices[k] as number, left.values[k] as number);
    let sum = 0;
    for (let k = 0; k < right.indices.length; k++)
      sum += (values.get(right.indices[k] as number) ?? 0) * (right.values[k] as number);
    return sum;
  }

  /**
   * The most likely label of a message, with the probability of each label. Pass a MessageText to
   * share its preparation with the other analysers; with no examples, no features are computed.
   */
  predict(text: string | MessageText, language: MessageLanguage | 'unknown'): Prediction {
    return this.predictEncoded(this.encode(text, language));
  }

  /** Like `predict`, for a message already encoded by the spec (spares encoding it twice). */
  predictEncoded(encoded: Encoded): Prediction {
    if (this.#stale) this.#fit();
    const probabilities = softmax(this.#logits(encoded));
    let best = 0;
    for (let index = 1; index < probabilities.length; index++)
      if ((probabilities[index] ?? 0) > (probabilities[best] ?? 0)) best = index;
    return {
      label: this.#labels[best] as string,
      confidence: probabilities[best] ?? 0,
      probabilities: Object.fromEntries(this.#labels.map((label, index) => [label, probabilities[index] ?? 0])),
    };
  }

  #logits(encoded: Encoded): Float64Array {
    const logits = new Float64Array(this.#labels.length);
    const fitted = this.#fitted;
    this.#labels.forEach((label, c) => {
      logits[c] = (encoded.prior.get(label) ?? 0) + (fitted ? (fitted.bias[c] ?? 0) * this.#options.biasValue : 0);
    });
    if (fitted) {
      const { indices, values } = encoded.vector;
      for (let k = 0; k < indices.length; k++) {
        const row = fitted.weights.get(indices[k] as number);
        if (!row) continue;
        const value = values[k] as number;
        for (let c = 0; c < logits.length; c++) logits[c] = (logits[c] as number) + (row[c] ?? 0) * value;
      }
    }
    return logits;
  }

  /** Fits the weights to the optimum of the regularised likelihood of all examples (see the file comment). */
  #fit(): void {
    this.#stale = false;
    if (this.#examples.length === 0) {
      this.#fitted = undefined;
      return;
    }
    const classes = this.#labels.length;
    // Features seen in the examples, numbered 1…F (0 is the bias feature).
    const slots = new Map<number, number>();
    const rows = this.#examples.map(({ encoded, label }) => {
      const { indices, values } = encoded.vector;
      const columns = new Int32Array(indices.length + 1);
      const weights = new Float64Array(indices.length + 1);
      columns[0] = 0;
      weights[0] = this.#options.biasValue;
      for (let k = 0; k < indices.length; k++) {
        const index = indices[k] as number;
        let slot = slots.get(index);
        if (slot === undefined) slots.set(index, (slot = slots.size + 1));
        columns[k + 1] = slot;
        weights[k + 1] = values[k] as number;
      }
      const prior = new Float64Array(classes);
      this.#labels.forEach((name, c) => (prior[c] = encoded.prior.get(name) ?? 0));
      return { columns, values: weights, prior, target: this.#labels.indexOf(label) };
    });
    const dimension = (slots.size + 1) * classes;
    const l2 = penaltyFor(this.#options, this.#examples.length);
    // Per-dimension penalty: the slow features' is larger until there is enough evidence.
    const penalties = new Float64Array(dimension).fill(l2);
    const slowFactor = Math.max(1, this.#options.slowEvidence / this.#examples.length) ** 2;
    if (this.#spec.slowFeatures && slowFactor > 1)
      for (const index of this.#spec.slowFeatures) {
        const slot = slots.get(index);
        if (slot !== undefined) penalties.fill(l2 * slowFactor, slot * classes, (slot + 1) * classes);
      }
    const logits = new Float64Array(classes);
    const objective = (w: Float64Array, gradient: Float64Array): number => {
      let loss = 0;
      for (let d = 0; d < dimension; d++) {
        const weight = w[d] as number;
        const penalty = penalties[d] as number;
        loss += 0.5 * penalty * weight * weight;
        gradient[d] = penalty * weight;
      }
      for (const row of rows) {
        for (let c = 0; c < classes; c++) {
          let sum = row.prior[c] as number;
          for (let k = 0; k < row.columns.length; k++)
            sum += (w[(row.columns[k] as number) * classes + c] as number) * (row.values[k] as number);
          logits[c] = sum;
        }
        let max = -Infinity;
        for (const value of logits) max = Math.max(max, value);
        let total = 0;
        for (let c = 0; c < classes; c++) total += Math.exp((logits[c] as number) - max);
        const logTotal = Math.log(total) + max;
        loss += logTotal - (logits[row.target] as number);
        for (let c = 0; c < classes; c++) {
          const residual = Math.exp((logits[c] as number) - logTotal) - (c === row.target ? 1 : 0);
          if (residual === 0) continue;
          for (let k = 0; k < row.columns.length; k++) {
            const d = (row.columns[k] as number) * classes + c;
            gradient[d] = (gradient[d] as number) + residual * (row.values[k] as number);
          }
        }
      }
      return loss;
    };
    const w = minimise(objective, dimension, this.#options.iterations);
    const weights = new Map<number, Float64Array>();
    for (const [index, slot] of slots) weights.set(index, w.slice(slot * classes, (slot + 1) * classes));
    this.#fitted = { weights, bias: w.slice(0, classes) };
  }
}

/** The L2 penalty for `n` examples (see TrainingOptions.evidence). */
export function penaltyFor(options: TrainingOptions, n: number): number {
  return n <= options.evidence ? options.l2 : (options.l2 * options.evidence) / n;
}

/** L-BFGS (seven pairs of history, backtracking line search) from zero; returns the minimiser. */
function minimise(
  objective: (x: Float64Array, gradient: Float64Array) => number,
  dimension: number,
  iterations: number,
): Float64Array {
  const history = 7;
  // Every buffer is allocated once: the fit runs many iterations over large vectors.
  let x = new Float64Array(dimension);
  let gradient = new Float64Array(dimension);
  let next = new Float64Array(dimension);
  let nextGradient = new Float64Array(dimension);
  const direction = new Float64Array(dimension);
  const s = Array.from({ length: history }, () => new Float64Array(dimension));
  const y = Array.from({ length: history }, () => new Float64Array(dimension));
  const rho = new Float64Array(history);
  const alpha = new Float64Array(history);
  /** Pairs kept, and the ring position of the oldest. */
  let kept = 0;
  let oldest = 0;
  const dot = (a: Float64Array, b: Float64Array): number => {
    let sum = 0;
    for (let d = 0; d < dimension; d++) sum += (a[d] as number) * (b[d] as number);
    return sum;
  };
  let value = objective(x, gradient);
  for (let iteration = 0; iteration < iterations; iteration++) {
    // Two-loop recursion: direction = −H·gradient.
    for (let d = 0; d < dimension; d++) direction[d] = -(gradient[d] as number);
    for (let n = kept - 1; n >= 0; n--) {
      const i = (oldest + n) % history;
      const a = (rho[i] as number) * dot(s[i] as Float64Array, direction);
      alpha[i] = a;
      const yi = y[i] as Float64Array;
      for (let d = 0; d < dimension; d++) direction[d] = (direction[d] as number) - a * (yi[d] as number);
    }
    if (kept > 0) {
      const last = (oldest + kept - 1) % history;
      const yLast = y[last] as Float64Array;
      const scale = dot(s[last] as Float64Array, yLast) / dot(yLast, yLast);
      for (let d = 0; d < dimension; d++) direction[d] = (direction[d] as number) * scale;
    }
    for (let n = 0; n < kept; n++) {
      const i = (oldest + n) % history;
      const b = (rho[i] as number) * dot(y[i] as Float64Array, direction);
      const si = s[i] as Float64Array;
      const a = alpha[i] as number;
      for (let d = 0; d < dimension; d++) direction[d] = (direction[d] as number) + (a - b) * (si[d] as number);
    }
    let slope = dot(direction, gradient);
    if (slope >= 0) {
      // Not a descent direction (curvature lost): start again from steepest descent.
      kept = 0;
      for (let d = 0; d < dimension; d++) direction[d] = -(gradient[d] as number);
      slope = dot(direction, gradient);
    }
    let step = 1;
    let nextValue = Infinity;
    for (let tries = 0; tries < 30; tries++) {
      for (let d = 0; d < dimension; d++) next[d] = (x[d] as number) + step * (direction[d] as number);
      nextValue = objective(next, nextGradient);
      if (nextValue <= value + 1e-4 * step * slope) break;
      step /= 2;
    }
    if (!(nextValue < value)) break;
    const slot = kept < history ? (oldest + kept) % history : oldest;
    const sNew = s[slot] as Float64Array;
    const yNew = y[slot] as Float64Array;
    for (let d = 0; d < dimension; d++) {
      sNew[d] = (next[d] as number) - (x[d] as number);
      yNew[d] = (nextGradient[d] as number) - (gradient[d] as number);
    }
    const curvature = dot(sNew, yNew);
    if (curvature > 1e-12) {
      rho[slot] = 1 / curvature;
      if (kept < history) kept++;
      else oldest = (oldest + 1) % history;
    }
    const improvement = value - nextValue;
    [x, next] = [next, x];
    [gradient, nextGradient] = [nextGradient, gradient];
    value = nextValue;
    if (improvement < 1e-5 * Math.max(1, Math.abs(value))) break;
  }
  return x;
}

function softmax(logits: Float64Array): Float64Array {
  let max = -Infinity;
  for (const value of logits) max = Math.max(max, value);
  const result = new Float64Array(logits.length);
  let sum = 0;
  logits.forEach((value, index) => {
    const exponential = Math.exp(value - max);
    result[index] = exponential;
    sum += exponential;
  });
  for (let index = 0; index < result.length; index++) result[index] = (result[index] ?? 0) / sum;
  return result;
}
