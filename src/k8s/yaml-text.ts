import { Yaml } from 'cdk8s';

/**
 * YAML text of manifests, byte for byte what cdk8s's `Yaml.stringify(doc)` writes, in a fraction
 * of its time. `Yaml.stringify` builds a node tree per document before printing it, which was
 * most of the Kubernetes app's synth time. For the JSON data `ApiObject.toJson()` returns, the
 * layout is simple (block maps and sequences, two-space indent, `{}` and `[]` when empty), so it
 * is written here directly; each string goes through the `stringifyString` of the very `yaml`
 * copy cdk8s prints with (its bundled dependency, in cdk8s's own node_modules), which holds the hard part (when
 * to quote under YAML 1.1, block scalars), with cdk8s's options. A document holding anything
 * else (a number other than a safe integer, `undefined`, the string `<<`, a map whose values are
 * all null, a key over 1024 characters, an object that is not plain) goes to `Yaml.stringify`.
 */

/** The options cdk8s's Yaml.stringify passes (cdk8s/lib/yaml.js). */
const CDK8S_OPTIONS = { keepUndefined: true, lineWidth: 0, version: '1.1' } as const;

type YamlUtil = typeof import('yaml/dist/util');
type StringifyContext = Parameters<YamlUtil['stringifyString']>[1];

interface Printer {
  readonly stringifyString: YamlUtil['stringifyString'];
  /** The context `Document.toString` builds, as the `str` tag sees it (`actualString`). */
  readonly context: StringifyContext;
}

let printer: Printer | null | undefined;

/** cdk8s's own copy of `yaml`, or null if it cannot be found (then Yaml.stringify does all). */
function cdk8sPrinter(): Printer | null {
  if (printer !== undefined) return printer;
  try {
    // cdk8s ships `yaml` as a bundled dependency, always in its own node_modules. Literal paths,
    // so that scripts/bundle.js puts this copy in the bundle once, beside cdk8s's.
    /* eslint-disable @typescript-eslint/no-require-imports */
    const yaml = require('cdk8s/node_modules/yaml') as typeof import('yaml');
    const util = require('cdk8s/node_modules/yaml/dist/util.js') as YamlUtil;
    /* eslint-enable @typescript-eslint/no-require-imports */
    const doc = new yaml.Document(null, CDK8S_OPTIONS);
    // createStringifyContext's defaults (yaml/dist/stringify/stringify.js; lineWidth comes from
    // cdk8s's options), then the schema's and cdk8s's options.
    const options = {
      blockQuote: true, defaultKeyType: null, defaultStringType: 'PLAIN', directives: null, doubleQuotedAsJSON: false,
      doubleQuotedMinMultiLineLength: 40, falseStr: 'false', flowCollectionPadding: true, indentSeq: true,
      minContentWidth: 20, nullStr: 'null', simpleKeys: false, singleQuote: null, trailingComma: false, trueStr: 'true',
      verifyAliasOrder: true, ...doc.schema.toStringOptions, ...CDK8S_OPTIONS,
    };
    const context = {
      anchors: new Set<string>(), doc, flowCollectionPadding: ' ', indent: '', indentStep: '  ', inFlow: null,
      implicitKey: false, actualString: true, options,
    } as unknown as StringifyContext;
    printer = { stringifyString: util.stringifyString, context };
  } catch {
    printer = null;
  }
  return printer;
}

/** Thrown inside the writer for a value it leaves to Yaml.stringify. */
class LeftToCdk8s extends Error {}

/** Indentation per nesting level. */
const STEP = '  ';

/** Strings whose text can depend on the indent: multi-line ones and document markers (yaml's containsDocumentMarker). */
const INDENT_DEPENDENT = /\n|^(?:%|---|\.\.\.)/;

/**
 * Writes documents; strings repeat (keys, labels, names), so each is printed once. Memo keys are
 * the strings themselves (V8 keeps a string's hash), not concatenations that would be hashed anew.
 */
class Writer {
  /** Texts of strings as implicit keys, and as values, where the indent cannot change them. */
  private readonly keys = new Map<string, string>();
  private readonly values = new Map<string, string>();
  /** Texts of the other strings, per indent (negative: as keys). */
  private readonly byIndent = new Map<string, Map<number, string>>();

  constructor(private readonly p: Printer) {}

  /** A string at `indent` (the indent of its collection's items plus one step, as stringifyPair sets it). */
  public string(value: string, indent: string, implicitKey: boolean): string {
    const memo = implicitKey ? this.keys : this.values;
    const known = memo.get(value);
    if (known !== undefined) return known;
    // YAML 1.1's merge tag claims the string `<<` and prints it bare.
    if (value === '<<') throw new LeftToCdk8s();
    if (!INDENT_DEPENDENT.test(value)) {
      const text = this.print(value, indent, implicitKey);
      memo.set(value, text);
      return text;
    }
    let texts = this.byIndent.get(value);
    if (!texts) this.byIndent.set(value, texts = new Map());
    const slot = implicitKey ? -1 - indent.length : indent.length;
    let text = texts.get(slot);
    if (text === undefined) texts.set(slot, text = this.print(value, indent, implicitKey));
    return text;
  }

  public scalar(value: unknown, indent: string): string {
    switch (typeof value) {
      case 'string': return this.string(value, indent, false);
      case 'boolean': return value ? 'true' : 'false';
      case 'number': if (Number.isSafeInteger(value) && !Object.is(value, -0)) return String(value); break;
      case 'object': if (value === null) return 'null'; break;
      default: break;
    }
    throw new LeftToCdk8s();
  }

  /** A map or sequence whose items start at `indent`; its first line carries no indent. */
  public collection(value: object, indent: string): string {
    if (Array.isArray(value)) {
      if (value.length === 0) return '[]';
      const itemIndent = indent + STEP;
      const dash = `\n${indent}- `;
      let out = '- ';
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (i) out += dash;
        out += item !== null && typeof item === 'object' ? this.collection(item, itemIndent) : this.scalar(item, itemIndent);
      }
      return out;
    }
    if (!isPlainObject(value)) throw new LeftToCdk8s();
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 0) return '{}';
    // A map of nulls only is written as a set (`? key`).
    let allNull = true;
    for (let i = 0; i < keys.length && allNull; i++) allNull = record[keys[i]] === null || record[keys[i]] === undefined;
    if (allNull) throw new LeftToCdk8s();
    const inner = indent + STEP;
    const newline = `\n${indent}`;
    let out = '';
    for (let i = 0; i < keys.length; i++) {
      const v = record[keys[i]];
      const key = this.string(keys[i], inner, true);
      if (key.length > 1024 || v === undefined) throw new LeftToCdk8s();
      if (i) out += newline;
      out += key;
      if (v !== null && typeof v === 'object') {
        // Empty ones are flow collections on the key's line (tested on the value: comparing the
        // text would flatten it at every level).
        const empty = Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;
        const text = this.collection(v, inner);
        out += empty ? `: ${text}` : `:\n${inner}${text}`;
      } else {
        const text = this.scalar(v, inner);
        out += text === '' || text[0] === '\n' ? `:${text}` : `: ${text}`;
      }
    }
    return out;
  }

  private print(value: string, indent: string, implicitKey: boolean): string {
    return this.p.stringifyString({ value } as never, { ...this.p.context, indent, implicitKey });
  }
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A function that writes one document as cdk8s's `Yaml.stringify(doc)` does. Strings repeat
 * across documents (labels, names), so one writer for many documents prints each once.
 */
export function yamlDocumentWriter(): (doc: object) => string {
  const p = cdk8sPrinter();
  const writer = p ? new Writer(p) : undefined;
  return (doc) => {
    if (writer && !Array.isArray(doc) && isPlainObject(doc)) {
      try {
        return `${writer.collection(doc, '')}\n`;
      } catch (e) {
        if (!(e instanceof LeftToCdk8s)) throw e;
      }
    }
    return Yaml.stringify(doc);
  };
}

/** Documents joined as cdk8s's `Yaml.stringify(...docs)` joins them (`---` lines). */
export function manifestYaml(docs: readonly object[]): string {
  return docs.map(yamlDocumentWriter()).join('---\n');
}
