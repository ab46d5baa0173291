// The parts of rdf-ext and shacl-engine (which ship no types) the catalogue tests use.
declare module 'rdf-ext' {
  import type * as RDF from '@rdfjs/types';

  interface Environment extends RDF.DataFactory<RDF.Quad, RDF.Quad> {
    dataset(quads?: Iterable<RDF.Quad>): RDF.DatasetCore & Iterable<RDF.Quad>;
  }
  const rdf: Environment;
  export default rdf;
}

declare module 'shacl-engine' {
  import type * as RDF from '@rdfjs/types';

  export interface ValidationResult {
    severity: RDF.NamedNode;
    focusNode?: { term: RDF.Term };
    path?: Array<{ predicates: RDF.NamedNode[] }>;
    message: RDF.Literal[];
    constraintComponent: RDF.NamedNode;
    shape?: { ptr?: { term: RDF.Term } };
    value?: { term: RDF.Term };
  }
  export class Validator {
    constructor(shapes: RDF.DatasetCore, options: { factory: RDF.DataFactory });
    validate(data: { dataset: RDF.DatasetCore }): Promise<{ conforms: boolean; results: ValidationResult[] }>;
  }
}
