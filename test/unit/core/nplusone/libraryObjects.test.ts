/**
 * Person12 R2: a method call on an object a library made (a Node `crypto` cipher's `update`, NestJS's
 * `ConfigService.get`, a `new URL(…)`/`new Map()`) is not the app's query of that method name. One small synthetic
 * NestJS + Prisma project in the idiom, both ways: the app's own `update`/`get` that query still count.
 */
import { expectNPlusOneInScan } from '../../support/nplusoneFixtures';

const notes = {
  path: 'src/note/note.service.ts',
  text: [
    "import { Injectable } from '@nestjs/common';",
    "import { PrismaService } from 'src/prisma/prisma.service';",
    '',
    '@Injectable()',
    'export class NoteService {',
    '  constructor(private readonly prisma: PrismaService) {}',
    '',
    '  async update(id: string, body: string) {',
    '    return this.prisma.note.update({ where: { id }, data: { body } });',
    '  }',
    '',
    '  async setting(key: string) {',
    '    return this.prisma.setting.findUnique({ where: { key } });',
    '  }',
    '',
    '  async get(key: string) {',
    '    return this.prisma.setting.findUniqueOrThrow({ where: { key } });',
    '  }',
    '}',
    '',
  ],
};

const utils = {
  path: 'src/utils.ts',
  text: [
    "import * as crypto from 'crypto';",
    '',
    'export function encrypt(text: string, key = process.env.DATA_KEY) {',
    '  const iv = crypto.randomBytes(16);',
    "  const cipher = crypto.createCipheriv('aes-256-cbc', Buffer.from(key), iv);",
    '  let out = cipher.update(text);',
    '  out = Buffer.concat([out, cipher.final()]);',
    "  return iv.toString('hex') + ':' + out.toString('hex');",
    '}',
    '',
    'export function hostOf(link: string) {',
    '  const url = new URL(link);',
    "  return url.searchParams.get('host');",
    '}',
    '',
  ],
};

const docs = {
  path: 'src/doc/doc.service.ts',
  text: [
    "import { Injectable } from '@nestjs/common';",
    "import { ConfigService } from '@nestjs/config';",
    "import { PrismaService } from 'src/prisma/prisma.service';",
    "import { NoteService } from 'src/note/note.service';",
    "import { encrypt, hostOf } from 'src/utils';",
    '',
    '@Injectable()',
    'export class DocService {',
    '  constructor(',
    '    private readonly prisma: PrismaService,',
    '    private readonly configService: ConfigService,',
    '    private readonly notes: NoteService,',
    '  ) {}',
    '',
    '  private cast(doc: { slug: string }) {',
    "    return { url: `${this.configService.get('BASE_URL')}/view/${doc.slug}` };",
    '  }',
    '',
    '  async list(docs: { id: string; slug: string; body: string; link: string }[]) {',
    '    const out = [];',
    '    for (const doc of docs) {',
    '      out.push(this.cast(doc));',
    '      out.push(encrypt(doc.body));',
    '      out.push(hostOf(doc.link));',
    '    }',
    '    return out;',
    '  }',
    '',
    '  async save(docs: { id: string; body: string }[]) {',
    '    for (const doc of docs) await this.prisma.note.update({ where: { id: doc.id }, data: { body: doc.body } });',
    '  }',
    '',
    '  async settings(keys: string[]) {',
    '    for (const key of keys) await this.notes.setting(key);',
    '  }',
    '}',
    '',
  ],
};

describe('N+1: methods of library objects are not queries (person12 R2)', () => {
  it("a crypto cipher's update, ConfigService.get and a URL's get reach no database; a Prisma update in a loop and the app's method that queries still do", async () => {
    await expectNPlusOneInScan([notes, utils, docs], ['src/doc/doc.service.ts:30', 'src/doc/doc.service.ts:34']);
  });
});

// repo14 (person15, Traduora): `@InjectRepository(Translation) private translationRepo: Repository<Translation>` with
// `Repository` from 'typeorm'. Its `create()` builds an entity in memory (TypeORM's own method), so it is not one of
// the app's `create` methods (controllers and services define `create` that query); its `save()` in a loop still is.
const termController = {
  path: 'src/controllers/term.controller.ts',
  text: [
    "import { Controller, Post, Body } from '@nestjs/common';",
    "import { InjectRepository } from '@nestjs/typeorm';",
    "import { Repository } from 'typeorm';",
    "import { Term } from '../entity/term.entity';",
    '',
    '@Controller()',
    'export class TermController {',
    '  constructor(@InjectRepository(Term) private termRepo: Repository<Term>) {}',
    '',
    '  @Post()',
    '  async create(@Body() payload: { value: string }) {',
    '    return this.termRepo.save({ value: payload.value });',
    '  }',
    '}',
    '',
  ],
};

const userService = {
  path: 'src/services/user.service.ts',
  text: [
    "import { Injectable } from '@nestjs/common';",
    "import { InjectRepository } from '@nestjs/typeorm';",
    "import { Repository } from 'typeorm';",
    "import { User } from '../entity/user.entity';",
    '',
    '@Injectable()',
    'export class UserService {',
    '  constructor(@InjectRepository(User) private userRepo: Repository<User>) {}',
    '',
    '  async create(name: string) {',
    '    return this.userRepo.insert({ name });',
    '  }',
    '}',
    '',
  ],
};

const importer = {
  path: 'src/services/import.service.ts',
  text: [
    "import { Injectable } from '@nestjs/common';",
    "import { InjectRepository } from '@nestjs/typeorm';",
    "import { Repository } from 'typeorm';",
    "import { Translation } from '../entity/translation.entity';",
    '',
    '@Injectable()',
    'export class ImportService {',
    '  constructor(@InjectRepository(Translation) private translationRepo: Repository<Translation>) {}',
    '',
    '  build(terms: { id: string; value: string }[]) {',
    '    const out = [];',
    '    for (const t of terms) {',
    '      out.push(this.translationRepo.create({ termId: t.id, value: t.value }));',
    '    }',
    '    return out;',
    '  }',
    '',
    '  async store(terms: { id: string; value: string }[]) {',
    '    for (const t of terms) {',
    '      await this.translationRepo.save({ termId: t.id, value: t.value });',
    '    }',
    '  }',
    '}',
    '',
  ],
};

describe('N+1: a receiver declared as a package type is that library object (repo14)', () => {
  it("TypeORM Repository<T>.create in a loop is not the app's create; its save in a loop is still a query", async () => {
    await expectNPlusOneInScan([termController, userService, importer], ['src/services/import.service.ts:20']);
  });
});
