/**
 * The storable-text rule (`shared/text/well-formed.ts`) enforced where every
 * write meets Postgres: a Kysely plugin over every query's parameters, so no
 * write path — a new repository function, a raw `sql` template, a jsonb
 * column filled with `JSON.stringify` — can send a NUL or a lone surrogate,
 * which Postgres refuses (`invalid byte sequence for encoding "UTF8": 0x00`,
 * `unsupported Unicode escape sequence`) and which used to fail the whole
 * write (an issue titled with a NUL got no checklist). API input with either
 * is refused earlier (400, `shared/text/text-schema.ts`); what third parties
 * wrote (GitHub payloads, reports, documents, crawled pages) is stored with
 * each replaced by U+FFFD.
 *
 * @module
 */
import {
  type KyselyPlugin,
  OperationNodeTransformer,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type PrimitiveValueListNode,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  type ValueNode,
} from 'kysely';
import { isStorableText, toStorableJson, toStorableText } from '../text/well-formed.ts';

/**
 * A `\u0000` escape or a lone surrogate escape in JSON text (an escape is
 * one after an even number of backslashes): what `jsonb` refuses in text
 * that `JSON.stringify` produced from a string holding NUL or a lone surrogate.
 */
const UNSTORABLE_JSON_ESCAPE =
  /(?<!\\)(?:\\\\)*(?:\\u0000|\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f][0-9a-f]{2})|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2})/i;

/**
 * `value` made storable: a string by {@link toStorableText} — and, when it is
 * JSON text (a jsonb parameter) carrying a `\u0000` or lone-surrogate escape,
 * parsed, cleaned with {@link toStorableJson} and written back; arrays item
 * by item. Anything else (numbers, dates, buffers) as it is.
 */
export function toStorableParameter(value: unknown): unknown {
  if (typeof value === 'string') {
    const text = isStorableText(value) ? value : toStorableText(value);
    if (!UNSTORABLE_JSON_ESCAPE.test(text)) return text;
    const first = text.trimStart()[0];
    if (first !== '{' && first !== '[' && first !== '"') return text;
    try {
      return JSON.stringify(toStorableJson(JSON.parse(text)));
    } catch {
      return text;
    }
  }
  if (Array.isArray(value)) {
    const items = value.map(toStorableParameter);
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  return value;
}

class StorableTextTransformer extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    const value = toStorableParameter(node.value);
    return value === node.value ? node : { ...node, value };
  }

  protected override transformPrimitiveValueList(node: PrimitiveValueListNode): PrimitiveValueListNode {
    const values = node.values.map(toStorableParameter);
    return values.every((value, i) => value === node.values[i]) ? node : { ...node, values };
  }
}

/** The plugin every Kysely instance of Assay carries (see the module comment). */
export class StorableTextPlugin implements KyselyPlugin {
  readonly #transformer = new StorableTextTransformer();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node, args.queryId);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
