/**
 * The models of a schema.prisma (pure): each model's table, fields (their columns through @map) and relations
 * (`@relation("name", fields: [parentID], references: [id])`). Read by the index advice's Add migration (the model of
 * a table, a column's field) and the recorded N+1 advice (the relation to include: person12 R3).
 */
interface PrismaField {
  name: string;
  /** The type's name (`TeamCollection`, `String`), without `?` or `[]`. */
  type: string;
  list: boolean;
  /** The column (@map, else the field's name). */
  column: string;
  /** A relation field: its name (the first string of @relation, when given) and the scalar fields of its foreign key. */
  relation?: { name?: string; fields: string[] };
}

export interface PrismaModel {
  name: string;
  /** The table (@@map, else the model's name) and its @@schema, when given. */
  table: string;
  schema?: string;
  fields: PrismaField[];
  /** Offsets of the model's block (`model X {` … `}`) in the schema text. */
  start: number;
  end: number;
}

export function prismaModels(schema: string): PrismaModel[] {
  const out: PrismaModel[] = [];
  const modelRe = /^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm;
  let m: RegExpExecArray | null;
  while ((m = modelRe.exec(schema))) {
    const [whole, name, body] = m;
    const fields: PrismaField[] = [];
    for (const line of body.split('\n')) {
      const f = /^\s*(\w+)\s+(\w+)(\[\])?(\?)?/.exec(line);
      if (!f || line.trim().startsWith('@@') || line.trim().startsWith('//')) continue;
      const rel = /@relation\(([^)]*)\)/.exec(line)?.[1];
      const relation = rel !== undefined
        ? { name: /^\s*(?:name\s*:\s*)?"([^"]*)"/.exec(rel)?.[1], fields: (/\bfields\s*:\s*\[([^\]]*)\]/.exec(rel)?.[1] ?? '').split(',').map((x) => x.trim()).filter(Boolean) }
        : undefined;
      fields.push({ name: f[1], type: f[2], list: !!f[3], column: /@map\(\s*"([^"]+)"\s*\)/.exec(line)?.[1] ?? f[1], ...(relation ? { relation } : {}) });
    }
    out.push({ name, table: /@@map\(\s*"([^"]+)"\s*\)/.exec(body)?.[1] ?? name, schema: /@@schema\(\s*"([^"]+)"\s*\)/.exec(body)?.[1], fields, start: m.index, end: m.index + whole.length });
  }
  return out;
}

/** The model mapped to a table (its @@map, or its name; a model's name in another case when nothing maps it). */
export function prismaModelOf(models: readonly PrismaModel[], table: string): PrismaModel | undefined {
  return models.find((x) => x.table === table) ?? models.find((x) => x.table === x.name && x.name.toLowerCase() === table.toLowerCase());
}

/**
 * The relation a parent model's query can include to load a model's rows by a foreign-key column (`children` of
 * TeamCollection for TeamCollection.parentID, `requests` of TeamCollection for TeamRequest.collectionID): the back
 * relation of the model's relation field whose foreign key is that column. undefined when the schema does not say.
 */
export function prismaIncludeFor(models: readonly PrismaModel[], model: PrismaModel, column: string): { model: string; relation: string } | undefined {
  const field = model.fields.find((f) => f.column === column && !f.relation);
  if (!field) return undefined;
  const forward = model.fields.filter((f) => f.relation?.fields.includes(field.name));
  if (forward.length !== 1) return undefined;
  const [fwd] = forward;
  const parent = models.find((x) => x.name === fwd.type);
  if (!parent) return undefined;
  const back = parent.fields.filter((f) => f.type === model.name && f.list && (fwd.relation!.name !== undefined ? f.relation?.name === fwd.relation!.name : f.relation?.name === undefined));
  // One back relation only (an unnamed relation is unique between two models; a named one is named on both sides).
  return back.length === 1 ? { model: parent.name, relation: back[0].name } : undefined;
}
