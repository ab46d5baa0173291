// The DCAT-AP 3 catalogue of the city's open data: one RDF graph, written as Turtle (n3) or JSON-LD.

import type * as RDF from '@rdfjs/types';
import { DataFactory, Writer } from 'n3';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import type { MessageKey } from '../../platform/i18n/translate.ts';
import { translator } from '../../platform/i18n/translate.ts';
import type { Language } from '../../platform/i18n/languages.ts';
import { formatsOf, type DatasetSpec } from './datasets.ts';
import { ITALIAN_LICENCE, LICENCE_NAMES } from './licences.ts';
import type { Licence } from './open-data.schema.ts';

const namedNode = (iri: string) => DataFactory.namedNode(iri);
const literal = (value: string, languageOrType?: string | RDF.NamedNode) => DataFactory.literal(value, languageOrType);
const quad = (s: RDF.Quad_Subject, p: RDF.Quad_Predicate, o: RDF.Quad_Object) => DataFactory.quad(s, p, o);

export const PREFIXES = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  dcatap: 'http://data.europa.eu/r5r/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  locn: 'http://www.w3.org/ns/locn#',
  dcatapit: 'http://dati.gov.it/onto/dcatapit#',
  gsp: 'http://www.opengis.net/ont/geosparql#',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
} as const;

const EU = 'http://publications.europa.eu/resource/authority/';
/** The EU language vocabulary's codes of the interface languages. */
const EU_LANGUAGE: Record<string, string> = {
  bg: 'BUL',
  de: 'DEU',
  en: 'ENG',
  es: 'SPA',
  et: 'EST',
  fr: 'FRA',
  hu: 'HUN',
  it: 'ITA',
  nl: 'NLD',
  pt: 'POR',
  ro: 'RON',
};
/** The English labels of the EU vocabularies' concepts the catalogue names (as the vocabularies give them). */
const CONCEPT_LABELS: Record<string, string> = {
  [`${EU}data-theme/GOVE`]: 'Government and public sector',
  [`${EU}data-theme/REGI`]: 'Regions and cities',
  [`${EU}data-theme/SOCI`]: 'Population and society',
  [`${EU}data-theme/ECON`]: 'Economy and finance',
  [`${EU}data-theme/ENVI`]: 'Environment',
  [`${EU}data-theme/TRAN`]: 'Transport',
  [`${EU}planned-availability/AVAILABLE`]: 'Available',
  'http://purl.org/adms/publishertype/LocalAuthority': 'Local Authority',
  'http://purl.org/adms/licencetype/Attribution': 'Attribution',
  'http://purl.org/adms/licencetype/PublicDomain': 'Public domain',
  'http://purl.org/adms/licencetype/ShareAlike': 'Share alike',
};

/** The ADMS licence type of each licence a city can choose. */
const LICENCE_TYPE: Record<string, string> = {
  CC_BY_4_0: 'Attribution',
  CC0: 'PublicDomain',
  IODL_2_0: 'Attribution',
  CC_BYSA_4_0: 'ShareAlike',
  ODC_BY: 'Attribution',
  ODC_PDDL: 'PublicDomain',
};
/** The standards the files follow. */
const STANDARDS = [
  'https://www.rfc-editor.org/rfc/rfc4180',
  'https://www.rfc-editor.org/rfc/rfc7946',
  'https://www.rfc-editor.org/rfc/rfc8259',
];

export const FORMATS = {
  csv: { mediaType: 'text/csv', fileType: 'CSV' },
  json: { mediaType: 'application/json', fileType: 'JSON' },
  geojson: { mediaType: 'application/geo+json', fileType: 'GEOJSON' },
} as const;

type Prefix = keyof typeof PREFIXES;
const term = (curie: `${Prefix}:${string}`): RDF.NamedNode => {
  const [prefix, local] = curie.split(':') as [Prefix, string];
  return namedNode(PREFIXES[prefix] + local);
};

/** What the catalogue is made of, gathered at request time. */
export interface CatalogInput {
  organisation: Organisation;
  /** An absolute URL on the city's site. */
  url: (path: string) => string;
  licence: Licence;
  contactEmail: string | null;
  /** The profiles the city switched on: DCAT-AP_IT (with the city's IPA code) and GeoDCAT-AP. */
  profiles: { dcatApIt: { ipaCode: string } | null; geoDcatAp: boolean };
  /** The city's extent (from its districts), when it has districts. */
  bbox: { minLng: number; minLat: number; maxLng: number; maxLat: number } | null;
  /** The polygons of its districts (lng, lat), for GeoDCAT-AP's geometry. */
  polygons: number[][][][];
  datasets: Array<{
    spec: DatasetSpec;
    modified: Date | null;
    /** Its time coverage, for datasets whose rows are placed in time. */
    period: { start: Date | null; end: Date | null } | null;
  }>;
}

/** The catalogue as RDF quads. */
export function catalogQuads(input: CatalogInput): RDF.Quad[] {
  const quads: RDF.Quad[] = [];
  const add = (s: RDF.Quad_Subject, p: `${Prefix}:${string}`, o: RDF.Quad_Object) => quads.push(quad(s, term(p), o));
  const a = (s: RDF.Quad_Subject, type: `${Prefix}:${string}`) => {
    add(s, 'rdf:type', term(type));
    const label = type === 'skos:Concept' ? CONCEPT_LABELS[s.value] : undefined;
    if (label) add(s, 'skos:prefLabel', literal(label, 'en'));
  };
  const { organisation, url } = input;
  const italian = input.profiles.dcatApIt;
  const languages = organisation.languages;
  const texts = (key: MessageKey, params: Record<string, string> = {}) =>
    languages.map((language) => literal(translator(language as Language)(key, params), language));
  const cityNames = languages.map((language) =>
    literal(
      organisation.name[language] ?? organisation.name[organisation.defaultLanguage] ?? organisation.slug,
      language,
    ),
  );
  const city = organisation.name[organisation.defaultLanguage] ?? organisation.slug;
  const dateTime = (date: Date) => literal(date.toISOString(), term('xsd:dateTime'));

  const catalog = namedNode(url('/open-data/catalog'));
  const publisher = namedNode(url('/open-data/catalog#publisher'));
  const contact = namedNode(url('/open-data/catalog#contact'));
  const spatial = namedNode(url('/open-data/catalog#city'));
  const service = namedNode(url('/open-data/catalog#api'));
  const italianLicence = italian ? ITALIAN_LICENCE[input.licence] : undefined;
  const licence = namedNode(italianLicence ?? `${EU}licence/${input.licence}`);
  const themeScheme = namedNode(`${EU}data-theme`);
  const frequency = namedNode(`${EU}frequency/UPDATE_CONT`);
  const homepage = namedNode(url('/open-data'));
  const modifiedDates = input.datasets.map((d) => d.modified).filter((d): d is Date => d !== null);
  const newest = modifiedDates.length > 0 ? new Date(Math.max(...modifiedDates.map((d) => d.getTime()))) : null;

  a(catalog, 'dcat:Catalog');
  if (italian) a(catalog, 'dcatapit:Catalog');
  for (const title of texts('openData.catalog.title', { city })) add(catalog, 'dct:title', title);
  for (const text of texts('openData.catalog.description', { city })) add(catalog, 'dct:description', text);
  add(catalog, 'dct:publisher', publisher);
  add(catalog, 'foaf:homepage', homepage);
  a(homepage, 'foaf:Document');
  add(catalog, 'dct:license', licence);
  a(licence, 'dct:LicenseDocument');
  if (italian) {
    a(licence, 'dcatapit:LicenseDocument');
    add(licence, 'foaf:name', literal(LICENCE_NAMES[input.licence]));
  }
  const licenceType = namedNode(`http://purl.org/adms/licencetype/${LICENCE_TYPE[input.licence] ?? 'Attribution'}`);
  add(licence, 'dct:type', licenceType);
  a(licenceType, 'skos:Concept');
  for (const language of languages) {
    const code = EU_LANGUAGE[language];
    if (!code) continue;
    const node = namedNode(`${EU}language/${code}`);
    add(catalog, 'dct:language', node);
    a(node, 'dct:LinguisticSystem');
  }
  add(catalog, 'dct:spatial', spatial);
  add(catalog, 'dcat:themeTaxonomy', themeScheme);
  a(themeScheme, 'skos:ConceptScheme');
  for (const title of texts('openData.catalog.themes')) add(themeScheme, 'dct:title', title);
  if (newest) add(catalog, 'dct:modified', dateTime(newest));
  add(catalog, 'dcat:service', service);

  a(publisher, 'foaf:Agent');
  if (italian) {
    a(publisher, 'dcatapit:Agent');
    add(publisher, 'dct:identifier', literal(italian.ipaCode));
  }
  for (const name of cityNames) add(publisher, 'foaf:name', name);
  const localAuthority = namedNode('http://purl.org/adms/publishertype/LocalAuthority');
  add(publisher, 'dct:type', localAuthority);
  a(localAuthority, 'skos:Concept');

  a(contact, 'vcard:Kind');
  a(contact, 'vcard:Organization');
  if (italian) a(contact, 'dcatapit:Organization');
  add(contact, 'vcard:fn', literal(city));
  if (input.contactEmail) add(contact, 'vcard:hasEmail', namedNode(`mailto:${input.contactEmail}`));
  add(contact, 'vcard:hasURL', namedNode(url('/')));

  a(spatial, 'dct:Location');
  for (const name of cityNames) add(spatial, 'skos:prefLabel', name);
  const wkt = namedNode('http://www.opengis.net/ont/geosparql#wktLiteral');
  if (input.bbox) {
    const { minLng, minLat, maxLng, maxLat } = input.bbox;
    const ring = [
      `${minLng} ${minLat}`,
      `${maxLng} ${minLat}`,
      `${maxLng} ${maxLat}`,
      `${minLng} ${maxLat}`,
      `${minLng} ${minLat}`,
    ];
    add(spatial, 'dcat:bbox', literal(`POLYGON((${ring.join(', ')}))`, wkt));
  }
  if (input.profiles.geoDcatAp && input.polygons.length > 0) {
    const ring = (points: number[][]) => `(${points.map(([lng, lat]) => `${lng} ${lat}`).join(', ')})`;
    const polygons = input.polygons.map((polygon) => `(${polygon.map(ring).join(', ')})`);
    add(spatial, 'locn:geometry', literal(`MULTIPOLYGON(${polygons.join(', ')})`, wkt));
  }
  add(
    spatial,
    'dcat:centroid',
    literal(
      `POINT(${organisation.map.lng} ${organisation.map.lat})`,
      namedNode('http://www.opengis.net/ont/geosparql#wktLiteral'),
    ),
  );

  const themes = new Set<string>();
  a(service, 'dcat:DataService');
  for (const title of texts('openData.service.title', { city })) add(service, 'dct:title', title);
  for (const text of texts('openData.service.description')) add(service, 'dct:description', text);
  add(service, 'dcat:endpointURL', namedNode(url('/open-data/')));
  add(service, 'dcat:endpointDescription', homepage);
  add(service, 'dct:publisher', publisher);
  add(service, 'dcat:contactPoint', contact);
  add(service, 'dct:license', licence);
  add(service, 'dct:accessRights', namedNode(`${EU}access-right/PUBLIC`));
  add(service, 'dcat:theme', namedNode(`${EU}data-theme/GOVE`));
  themes.add('GOVE');
  for (const keyword of texts('openData.nav')) add(service, 'dcat:keyword', keyword);
  for (const standard of STANDARDS) {
    add(service, 'dct:conformsTo', namedNode(standard));
    a(namedNode(standard), 'dct:Standard');
  }
  a(namedNode(`${EU}access-right/PUBLIC`), 'dct:RightsStatement');

  const mediaTypes = new Set<string>();
  const languageNodes = languages.flatMap((language) => {
    const code = EU_LANGUAGE[language];
    return code ? [namedNode(`${EU}language/${code}`)] : [];
  });
  for (const { spec, modified, period } of input.datasets) {
    const page = namedNode(url(`/open-data/${spec.id}`));
    const dataset = namedNode(url(`/open-data/${spec.id}#dataset`));
    add(catalog, 'dcat:dataset', dataset);
    add(service, 'dcat:servesDataset', dataset);
    a(dataset, 'dcat:Dataset');
    if (italian) a(dataset, 'dcatapit:Dataset');
    for (const title of texts(`openData.dataset.${spec.id}.title` as MessageKey)) add(dataset, 'dct:title', title);
    for (const text of texts(`openData.dataset.${spec.id}.description` as MessageKey))
      add(dataset, 'dct:description', text);
    add(dataset, 'dct:identifier', literal(italian ? `${italian.ipaCode}:${spec.id}` : url(`/open-data/${spec.id}`)));
    add(dataset, 'dct:publisher', publisher);
    if (italian) {
      add(dataset, 'dct:rightsHolder', publisher);
      for (const node of languageNodes) add(dataset, 'dct:language', node);
    }
    if (period) {
      const coverage = namedNode(url(`/open-data/${spec.id}#period`));
      add(dataset, 'dct:temporal', coverage);
      a(coverage, 'dct:PeriodOfTime');
      if (period.start) add(coverage, 'dcat:startDate', dateTime(period.start));
      if (period.end) add(coverage, 'dcat:endDate', dateTime(period.end));
    }
    add(dataset, 'dcat:contactPoint', contact);
    add(dataset, 'dcat:landingPage', page);
    a(page, 'foaf:Document');
    add(dataset, 'dct:accrualPeriodicity', frequency);
    add(dataset, 'dct:spatial', spatial);
    add(dataset, 'dct:accessRights', namedNode(`${EU}access-right/PUBLIC`));
    for (const keyword of texts(`openData.dataset.${spec.id}.title` as MessageKey))
      add(dataset, 'dcat:keyword', keyword);
    // DCAT-AP_IT asks every dataset for its last change: one without data yet takes the catalogue's
    const datasetModified = modified ?? (italian ? (newest ?? new Date()) : null);
    if (datasetModified) add(dataset, 'dct:modified', dateTime(datasetModified));
    for (const theme of spec.themes) {
      add(dataset, 'dcat:theme', namedNode(`${EU}data-theme/${theme}`));
      themes.add(theme);
    }
    for (const format of formatsOf(spec)) {
      const { mediaType, fileType } = FORMATS[format];
      const distribution = namedNode(url(`/open-data/${spec.id}#${format}`));
      add(dataset, 'dcat:distribution', distribution);
      a(distribution, 'dcat:Distribution');
      if (italian) a(distribution, 'dcatapit:Distribution');
      add(distribution, 'dct:title', literal(`${spec.id}.${format}`));
      for (const text of texts(`openData.format.${format}` as MessageKey)) add(distribution, 'dct:description', text);
      add(distribution, 'dcat:accessURL', page);
      add(distribution, 'dcat:downloadURL', namedNode(url(`/open-data/${spec.id}.${format}`)));
      add(distribution, 'dcat:mediaType', namedNode(`http://www.iana.org/assignments/media-types/${mediaType}`));
      mediaTypes.add(mediaType);
      add(distribution, 'dct:format', namedNode(`${EU}file-type/${fileType}`));
      a(namedNode(`${EU}file-type/${fileType}`), 'dct:MediaTypeOrExtent');
      add(distribution, 'dct:license', licence);
      add(distribution, 'dcat:accessService', service);
      add(distribution, 'dcatap:availability', namedNode(`${EU}planned-availability/AVAILABLE`));
      if (modified) add(distribution, 'dct:modified', dateTime(modified));
    }
  }
  a(frequency, 'dct:Frequency');
  a(namedNode(`${EU}planned-availability/AVAILABLE`), 'skos:Concept');
  for (const mediaType of mediaTypes)
    a(namedNode(`http://www.iana.org/assignments/media-types/${mediaType}`), 'dct:MediaType');
  for (const theme of themes) {
    const node = namedNode(`${EU}data-theme/${theme}`);
    a(node, 'skos:Concept');
    add(node, 'skos:inScheme', themeScheme);
  }
  return quads;
}

/** The catalogue in Turtle. */
export function catalogTurtle(quads: RDF.Quad[]): Promise<string> {
  const writer = new Writer({ prefixes: { ...PREFIXES } });
  writer.addQuads(quads);
  return new Promise((resolve, reject) => writer.end((error, result) => (error ? reject(error) : resolve(result))));
}

function compact(iri: string): string {
  for (const [prefix, namespace] of Object.entries(PREFIXES))
    if (iri.startsWith(namespace) && /^[A-Za-z][\w-]*$/.test(iri.slice(namespace.length)))
      return `${prefix}:${iri.slice(namespace.length)}`;
  return iri;
}

function jsonLdObject(object: RDF.Term): unknown {
  if (object.termType === 'NamedNode') return { '@id': object.value };
  if (object.termType === 'BlankNode') return { '@id': `_:${object.value}` };
  if (object.termType === 'Literal') {
    if (object.language) return { '@value': object.value, '@language': object.language };
    if (object.datatype.value !== `${PREFIXES.xsd}string`)
      return { '@value': object.value, '@type': compact(object.datatype.value) };
    return object.value;
  }
  return object.value;
}

/** The catalogue in JSON-LD 1.1: one node per subject in `@graph`, the prefixes in `@context`. */
export function catalogJsonLd(quads: RDF.Quad[]): Record<string, unknown> {
  const nodes = new Map<string, Record<string, unknown[]>>();
  for (const { subject, predicate, object } of quads) {
    const id = subject.termType === 'BlankNode' ? `_:${subject.value}` : subject.value;
    let node = nodes.get(id);
    if (!node) nodes.set(id, (node = {}));
    if (predicate.value === `${PREFIXES.rdf}type`) (node['@type'] ??= []).push(compact(object.value));
    else (node[compact(predicate.value)] ??= []).push(jsonLdObject(object));
  }
  return {
    '@context': { ...PREFIXES },
    '@graph': [...nodes].map(([id, properties]) => ({ '@id': id, ...properties })),
  };
}
