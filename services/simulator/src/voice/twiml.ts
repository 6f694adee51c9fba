import { XMLParser } from 'fast-xml-parser';

/** One TwiML element: verb or noun, its attributes, its text and its children in order. */
export interface TwimlElement {
  name: string;
  attributes: Record<string, string>;
  text: string;
  children: TwimlElement[];
}

type Ordered = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, parseAttributeValue: false, trimValues: true });

function toElement(node: Ordered): TwimlElement | null {
  const name = Object.keys(node).find((key) => key !== ':@');
  if (!name || name === '#text' || name === '?xml') return null;
  const content = (node[name] as Ordered[]) ?? [];
  const children: TwimlElement[] = [];
  let text = '';
  for (const child of content) {
    if ('#text' in child) text += String(child['#text']);
    else {
      const element = toElement(child);
      if (element) children.push(element);
    }
  }
  return { name, attributes: node[':@'] ?? {}, text, children };
}

/** The top-level elements of a TwiML document (normally one <Response>). */
export function parseTwimlRoots(xml: string): TwimlElement[] {
  return (parser.parse(xml) as Ordered[]).map(toElement).filter((element): element is TwimlElement => element !== null);
}

/** Every element of a name, depth first. */
export function findAll(root: TwimlElement, name: string): TwimlElement[] {
  const found: TwimlElement[] = [];
  const walk = (element: TwimlElement) => {
    if (element.name === name) found.push(element);
    element.children.forEach(walk);
  };
  walk(root);
  return found;
}

/** Everything the caller hears, in order. */
export function spoken(root: TwimlElement): string {
  return findAll(root, 'Say')
    .map((say) => say.text)
    .join(' ');
}
