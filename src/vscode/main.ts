/**
 * The editor layer's composition root: builds the shared services and registers each feature.
 * Features live in their own modules and receive a PgLensContext.
 */
import * as vscode from 'vscode';
import type { PgLensApi } from './api';
import { Config, settingsFolderOf } from './config';
import { ConnectionManager } from './connections';
import { Log } from './log';
import { StatusBar } from './statusBar';
import { registerConnectionCommands } from './connectionCommands';
import { registerDashboard } from './dashboard';
import { SqlSiteIndex, type SqlSiteProvider } from './siteIndex';
import { DocumentAnalysis, type DocumentAnalysisApi } from './analysis';
import { WorkspaceChanges, type WorkspaceChangesApi } from './workspaceChanges';
import { configureEngine } from './loadEngine';
import { registerCopySql } from './copySql';
import { registerNPlusOne } from './nPlusOne';
import { registerScanWorkspace } from './scanWorkspace';
import { registerScanStore } from './scanStore';
import { registerCostLens } from './costLens';
import { registerPlans } from './plans/index';
import { registerIndexAdvice, type IndexAdviceApi } from './indexAdvice';
import { registerWalkthroughProgress } from './walkthrough';
import { registerCostBaselinesStore, registerIndexUseStore, registerOwnRunsStore, registerOwnWorkStore } from './databaseStore';
import { registerTrialProofStore } from './trialProofStore';
import { registerDocs } from './docs';
import { ParameterMemory } from '../core/record/parameterMemory';

export interface PgLensContext {
  extension: vscode.ExtensionContext;
  config: Config;
  log: Log;
  connections: ConnectionManager;
  /** The SQL found in open documents (cached per document version). */
  sites: SqlSiteProvider;
  /** The one analysis pipeline: analyzers per document version → findings → diagnostics and code actions. */
  analysis: DocumentAnalysisApi;
  /** The one watcher of the workspace's files: changes on disk in typed batches (sources, folders, migration markers). */
  workspaceChanges: WorkspaceChangesApi;
  /** The one index decision of the editor (indexAdvice.ts), for other features that show index advice. */
  indexAdvice?: IndexAdviceApi;
  /** Parameter values the app sent (a recording with values) or the user gave (Benchmark, Explain Analyze), per statement. */
  params: ParameterMemory;
  /** The recorded CodeLens's title at a line (1-based) of a file, if a recording has one there (captureRecording.ts): the cost lens leaves it room. */
  recordedLensAt?: (fsPath: string, line: number) => string | undefined;
}

export async function activateExtension(context: vscode.ExtensionContext, loadedAt = Date.now()): Promise<PgLensApi> {
  // Where tree-sitter's WASM files are (loaded on first parse): given to the analysis engine when it first loads.
  configureEngine({ wasmDir: vscode.Uri.joinPath(context.extensionUri, 'dist', 'wasm').fsPath });
  const log = new Log();
  const config = new Config();
  config.keepChoicesIn(context.workspaceState);
  const connections = new ConnectionManager(context.secrets, config, log);
  const status = new StatusBar(connections);
  const sites = new SqlSiteIndex({ maxFileSizeKb: () => config.maxFileSizeKb, log: (m) => log.warn(m) });
  const workspaceChanges = new WorkspaceChanges((m) => log.info(m));
  context.subscriptions.push(log, connections, status, sites, workspaceChanges);
  const base = { extension: context, config, log, connections, sites, workspaceChanges, params: new ParameterMemory() };
  const analysis = new DocumentAnalysis(base);
  context.subscriptions.push(analysis);
  const ctx: PgLensContext = { ...base, analysis };

  // Feature registrations: one line each.
  registerDocs(context);
  registerIndexUseStore(ctx);
  registerOwnRunsStore(ctx);
  registerCostBaselinesStore(ctx);
  registerOwnWorkStore(ctx);
  registerTrialProofStore(ctx);
  registerConnectionCommands(ctx);
  registerCopySql(ctx);
  registerNPlusOne(ctx);
  registerScanWorkspace(ctx);
  registerScanStore(ctx);
  registerCostLens(ctx);
  registerPlans(ctx);
  registerIndexAdvice(ctx);
  registerWalkthroughProgress(ctx);
  registerDashboard(ctx);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      // pgLens.activeConnection edited (by hand, or a pull of the team's file): the newest choice wins over one made here.
      if (Config.affects(e, 'activeConnection') && !connections.writingSettings) void config.forgetChoicesHere();
      if (Config.affects(e, 'connections') || Config.affects(e, 'activeConnection') || Config.affects(e, 'statementTimeoutMs') || Config.affects(e, 'lockTimeoutMs')) {
        // Said in the log: when a settings file written from outside changes nothing here, this line is missing
        // (VS Code has not read the file again), which tells that apart from PG Lens not following a change.
        log.info('Connection settings changed: reading the profiles again.');
        void connections.settingsChanged();
      }
    }),
  );

  // A multi-root workspace: each folder's files use that folder's connection settings; the connection follows the file worked in.
  context.subscriptions.push(vscode.window.onDidChangeActiveTextEditor((e) => void connections.focus(e?.document.uri)));
  config.folder = settingsFolderOf(vscode.window.activeTextEditor?.document.uri);
  // Connect in the background; nothing waits for it.
  const ready = connections.get().then(() => undefined, (e) => log.warn(String(e)));
  log.info(`PG Lens activated in ${Date.now() - loadedAt} ms`);
  return {
    activeProfileName: () => connections.current?.profile.name,
    ready,
  };
}
