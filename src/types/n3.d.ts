// The part of n3 (which ships no types) the platform and tests use: RDF/JS terms, the Turtle writer and parser.
declare module 'n3' {
  import type * as RDF from '@rdfjs/types';

  export const DataFactory: RDF.DataFactory<RDF.Quad, RDF.Quad>;
  export class Writer {
    constructor(options?: { prefixes?: Record<string, string>; format?: string });
    addQuads(quads: RDF.Quad[]): void;
    end(done: (error: Error | null, result: string) => void): void;
  }
  export class Parser {
    constructor(options?: { baseIRI?: string; format?: string });
    parse(input: string): RDF.Quad[];
  }
}
