/**
 * GraphQL field resolvers written in shapes the resolver-map walk of detect.ts does not see:
 *
 * - TypeScript/JavaScript, schema first with graphql-codegen types: a type's resolver map built on its
 *   own, typed by the generated `Resolvers["Video"]` / `VideoResolvers<Ctx>` (`({ title: … }) satisfies
 *   Resolvers["Video"]`, `const video: VideoResolvers = { … }`, a factory `(deps): Resolvers["Video"] =>
 *   ({ … })`), and one field's resolver typed alone (`(async (video) => …) satisfies VideoResolvers["taggings"]`).
 * - Java, Spring for GraphQL: `@SchemaMapping` without `typeName` takes its type from the source
 *   parameter (`visits(Pet pet)` resolves `Pet.visits`).
 */
import { field, named, type Node } from './syntax';

export interface TypedResolver {
  def: Node;
  type: string;
  field: string;
}

/** `Resolvers["Video"]`, `Resolvers["Video"]["title"]`, `VideoResolvers`, `VideoResolvers<Ctx>["title"]`, with or without a namespace. */
const CODEGEN_TYPE = /^(?:\w+\.)*(\w*?)Resolvers\s*(?:<[^]*?>)?\s*(?:\[\s*['"](\w+)['"]\s*\])?\s*(?:\[\s*['"](\w+)['"]\s*\])?$/;

const FUNCTION = /^(arrow_function|function_expression|function)$/;

/** The type and field a codegen resolver type names: `Resolvers["Video"]` → Video; `VideoResolvers["title"]` → Video.title. */
function codegenTarget(typeText: string): { type: string; field?: string } | undefined {
  const m = CODEGEN_TYPE.exec(typeText.replace(/^:\s*/, '').trim());
  if (!m) return undefined;
  if (m[1]) return { type: m[1], field: m[2] };
  return m[2] ? { type: m[2], field: m[3] } : undefined;
}

/** The type a node is declared with: `x satisfies T`, `x as T`, `const v: T = x`, `(…): T => x`, through parentheses. */
function declaredType(n: Node): string | undefined {
  let x = n;
  while (x.parent?.type === 'parenthesized_expression') x = x.parent;
  const p = x.parent;
  if (!p) return undefined;
  if ((p.type === 'satisfies_expression' || p.type === 'as_expression') && named(p)[0]?.startIndex === x.startIndex) return named(p).at(-1)?.text;
  if (p.type === 'variable_declarator' && field(p, 'value')?.startIndex === x.startIndex) return field(p, 'type')?.text;
  if (p.type === 'arrow_function' && field(p, 'body')?.startIndex === x.startIndex) return field(p, 'return_type')?.text;
  return undefined;
}

/** Field resolvers of resolver maps and functions typed by graphql-codegen's generated resolver types. */
export function codegenTypedResolvers(root: Node, isType: (name: string) => boolean): TypedResolver[] {
  const out: TypedResolver[] = [];
  for (const n of root.descendantsOfType(['object', 'arrow_function', 'function_expression'])) {
    if (!n) continue;
    const declared = declaredType(n);
    const target = declared ? codegenTarget(declared) : undefined;
    if (!target || !isType(target.type)) continue;
    if (n.type !== 'object') {
      if (target.field) out.push({ def: n, type: target.type, field: target.field });
      continue;
    }
    if (target.field) continue;
    for (const item of named(n)) {
      const fn = item.type === 'pair' ? field(item, 'value') : item.type === 'method_definition' ? item : undefined;
      const name = (item.type === 'pair' ? field(item, 'key') : field(item, 'name'))?.text.replace(/^['"]|['"]$/g, '');
      if (fn && name && (FUNCTION.test(fn.type) || fn.type === 'method_definition')) out.push({ def: fn, type: target.type, field: name });
    }
  }
  return out;
}

/** Parameters of a Spring GraphQL handler that are not its source object. */
const NOT_SOURCE = /@(Argument|Arguments|ContextValue|LocalContextValue|AuthenticationPrincipal)\b|\b(DataFetchingEnvironment|GraphQLContext|Principal|Authentication|ScrollSubrange|Subrange|SelectedField|DataFetchingFieldSelectionSet|Locale)\b/;

/** The type a Spring `@SchemaMapping` method resolves when no `typeName` is given: its source parameter's class. */
export function springSourceType(params: Node | undefined): { type: string; variable?: string } | undefined {
  const source = named(params).find((p) => p.type === 'formal_parameter' && !NOT_SOURCE.test(p.text));
  const type = source ? field(source, 'type')?.text : undefined;
  return type && /^[A-Z]\w*$/.test(type) ? { type, variable: field(source!, 'name')?.text } : undefined;
}
