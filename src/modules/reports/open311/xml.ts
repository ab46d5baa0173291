import { escapeXml } from '../../../platform/web/xml.ts';

/** Just enough XML for Open311: elements, text escaped, arrays as repeated elements. */
export type XmlValue = string | number | boolean | null | undefined | XmlNode | XmlValue[];
export interface XmlNode {
  [element: string]: XmlValue;
}

function element(name: string, value: XmlValue, indent: string): string {
  if (Array.isArray(value)) return value.map((item) => element(name, item, indent)).join('');
  if (value === null || value === undefined || value === '') return `${indent}<${name}/>\n`;
  if (typeof value === 'object') {
    const children = Object.entries(value)
      .map(([child, childValue]) => element(child, childValue, `${indent}  `))
      .join('');
    return `${indent}<${name}>\n${children}${indent}</${name}>\n`;
  }
  return `${indent}<${name}>${escapeXml(String(value))}</${name}>\n`;
}

/** A whole document: `toXml('service_requests', { request: [...] })`. */
export function toXml(root: string, content: XmlNode | XmlNode[] | Record<string, XmlValue>): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(root, content, '')}`;
}
