/**
 * Kinds seen on the seventh session's held-out apps (issue 14, held-out-j: a NestJS GraphQL server
 * on Prisma, a Django REST framework app and a Rails app with active_model_serializers, chosen for
 * implicit N+1). One small synthetic fixture per kind.
 */
import { strict as assert } from 'node:assert';
import { useTreeSitterFromNodeModules } from '../../support/treeSitter';
import { scanNPlusOne, type ScanFile } from '../../support/nplusoneFixtures';

/** `file:line` of each finding of a scan. */
const scanLines = async (files: readonly ScanFile[]) => (await scanNPlusOne(files)).map((f) => `${f.file}:${f.line}`).sort();

const TEAM_SERVICE: ScanFile = {
  path: 'src/team/team.service.ts',
  text: [
    "import { Injectable } from '@nestjs/common';",
    "import { PrismaService } from '../prisma/prisma.service';",
    '',
    '@Injectable()',
    'export class TeamService {',
    '  constructor(private readonly prisma: PrismaService) {}',
    '',
    '  async members(teamId: string) {',
    '    return this.prisma.team.findUnique({ where: { id: teamId } }).members();',
    '  }',
    '}',
    '',
  ].join('\n'),
};

describe('n-plus-one: kinds seen on held-out-j (implicit N+1: GraphQL resolvers, DRF, active_model_serializers)', () => {
  useTreeSitterFromNodeModules();

  it('a call on a constructor-injected service resolves to that service, though another class defines a method of the same name that does not query', async () => {
    const room: ScanFile = { path: 'src/chat/room.ts', text: 'export class Room {\n  private list: string[] = [];\n  members(): string[] {\n    return this.list;\n  }\n}\n' };
    const resolver: ScanFile = {
      path: 'src/team/team.resolver.ts',
      text: [
        "import { Parent, ResolveField, Resolver } from '@nestjs/graphql';",
        "import { TeamService } from './team.service';",
        '',
        '@Resolver(() => Team)',
        'export class TeamResolver {',
        '  constructor(private readonly teamService: TeamService) {}',
        '',
        '  @ResolveField(() => [User])',
        '  async members(@Parent() team: Team) {',
        '    return this.teamService.members(team.id);',
        '  }',
        '}',
        '',
      ].join('\n'),
    };
    assert.deepEqual(await scanLines([TEAM_SERVICE, room, resolver]), ['src/team/team.resolver.ts:10']);
    // The same call on a variable typed as the class that does not query is no database call.
    const roomUser: ScanFile = {
      path: 'src/chat/lobby.ts',
      text: "import { Room } from './room';\n\nexport function sizes(rooms: string[], room: Room) {\n  return rooms.map((r) => room.members().length + r.length);\n}\n",
    };
    assert.deepEqual(await scanLines([TEAM_SERVICE, room, roomUser]), []);
  });

  it('a call with TS type arguments after await (`await this.blocks.findByType<T>(…)`) is a call of that name: the resolver reaches the query two services down', async () => {
    const blocks: ScanFile = {
      path: 'src/block/block.service.ts',
      text: "export class BlockService {\n  constructor(private readonly prisma: PrismaService) {}\n  async findByType<T>(args: Args, kind: string): Promise<T[]> {\n    const rows = await this.prisma.block.findMany({ ...args, where: { ...args.where, kind } });\n    return rows as T[];\n  }\n}\n",
    };
    const settings: ScanFile = {
      path: 'src/settings/settings.service.ts',
      text: "export class SettingsService {\n  constructor(private readonly blockService: BlockService) {}\n  async settingsOf(resourceId: string): Promise<Settings> {\n    const [first] = await this.blockService.findByType<Settings>({ where: { resourceId } }, 'settings');\n    return first;\n  }\n}\n",
    };
    const resolver: ScanFile = {
      path: 'src/resource/resource.resolver.ts',
      text: "@Resolver(() => Resource)\nexport class ResourceResolver {\n  constructor(private readonly settingsService: SettingsService) {}\n\n  @ResolveField(() => Settings)\n  async settings(@Parent() resource: Resource) {\n    return this.settingsService.settingsOf(resource.id);\n  }\n}\n",
    };
    assert.deepEqual(await scanLines([blocks, settings, resolver]), ['src/resource/resource.resolver.ts:7']);
  });
});
