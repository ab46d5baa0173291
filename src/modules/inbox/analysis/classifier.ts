/**
 * A learnable classifier for one city and one kind of label (sentiment or topic): multinomial
 * logistic regression over hashed features, on top of a fixed prior (the lexicon's or the keyword
 * rules' verdict). With no examples it answers exactly as the prior does; every staff correction is
 * an example, and the weights are refitted from all examples (a few hundred milliseconds for
 * thousands), so rebuilding it from a table of corrections is cheap.
 */
import type { MessageLanguage } from './languages.ts';
import { HASH_BITS, type SparseVector } from './features.ts';
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
}

/** The empty feature vector. */
export const NO_FEATURES: SparseVector = { indices: new Int32Array(0), values: new Float32Array(0) };

export interface TrainingOptions {
  epochs: number;
  learningRate: number;
  /** L2 penalty per update on the weights an example touches. */
  l2: number;
  /** How much the prior's logits count once examples exist (with none, the prior decides alone). */
  priorWeight: number;
}

/** Chosen by 5-fold cross-validation on the train split of the six-language tweet set (never on val). */
export const DEFAULT_TRAINING: TrainingOptions = { epochs: 12, learningRate: 0.1, l2: 2e-3, priorWeight: 1 };

export interface Prediction {
  label: string;
  confidence: number;
  probabilities: Record<string, number>;
}

const DIMENSIONS = 1 << HASH_BITS;

export class Classifier {
  readonly #spec: ClassifierSpec;
  readonly #options: TrainingOptions;
  readonly #examples: Array<{ encoded: Encoded; label: string }> = [];
  #labels: string[];
  #weights: Float32Array | undefined;
  #bias: Float64Array | undefined;
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

  /** Learns from one labelled message; the weights are refitted before the next prediction. */
  learn(example: TrainingExample): void {
    if (!this.#labels.includes(example.label)) this.#labels.push(example.label);
    this.#examples.push({ encoded: this.#spec.encode(example.text, example.language), label: example.label });
    this.#stale = true;
  }

  /**
   * The most likely label of a message, with the probability of each label. Pass a MessageText to
   * share its preparation with the other analysers; with no examples, no features are computed.
   */
  predict(text: string | MessageText, language: MessageLanguage | 'unknown'): Prediction {
    return this.predictEncoded(this.#spec.encode(text, language, this.#examples.length > 0));
  }

  /** Like `predict`, for a message already encoded by the spec (spares encoding it twice). */
  predictEncoded(encoded: Encoded): Prediction {
    if (this.#stale) this.#fit();
    const logits = this.#logits(encoded);
    const probabilities = softmax(logits);
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
    const trained = this.#weights !== undefined;
    const priorWeight = trained ? this.#options.priorWeight : 1;
    const logits = new Float64Array(this.#labels.length);
    this.#labels.forEach((label, c) => {
      let sum = (encoded.prior.get(label) ?? 0) * priorWeight + (this.#bias?.[c] ?? 0);
      if (this.#weights) {
        const offset = c * DIMENSIONS;
        const { indices, values } = encoded.vector;
        for (let k = 0; k < indices.length; k++)
          sum += (this.#weights[offset + (indices[k] as number)] ?? 0) * (values[k] as number);
      }
      logits[c] = sum;
    });
    return logits;
  }

  /** Refits every weight from all examples: AdaGrad on the cross-entropy, in a fixed shuffled order. */
  #fit(): void {
    const classes = this.#labels.length;
    const weights = new Float32Array(classes * DIMENSIONS);
    const bias = new Float64Array(classes);
    this.#weights = weights;
    this.#bias = bias;
    const squares = new Float32Array(classes * DIMENSIONS);
    const biasSquares = new Float64Array(classes);
    const { epochs, learningRate, l2 } = this.#options;
    const order = this.#examples.map((_, index) => index);
    let seed = 12345;
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        const j = seed % (i + 1);
        [order[i], order[j]] = [order[j] as number, order[i] as number];
      }
      for (const index of order) {
        const { encoded, label } = this.#examples[index] as { encoded: Encoded; label: string };
        const probabilities = softmax(this.#logits(encoded));
        const target = this.#labels.indexOf(label);
        const { indices, values } = encoded.vector;
        for (let c = 0; c < classes; c++) {
          const gradient = (probabilities[c] ?? 0) - (c === target ? 1 : 0);
          const biasSquare = (biasSquares[c] ?? 0) + gradient * gradient;
          biasSquares[c] = biasSquare;
          bias[c] = (bias[c] ?? 0) - (learningRate * gradient) / Math.sqrt(biasSquare + 1e-8);
          const offset = c * DIMENSIONS;
          for (let k = 0; k < indices.length; k++) {
            const slot = offset + (indices[k] as number);
            const weight = weights[slot] ?? 0;
            const g = gradient * (values[k] ?? 0) + l2 * weight;
            const square = (squares[slot] ?? 0) + g * g;
            squares[slot] = square;
            weights[slot] = weight - (learningRate * g) / Math.sqrt(square + 1e-8);
          }
        }
      }
    }
    this.#stale = false;
  }
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
