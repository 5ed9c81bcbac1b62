import * as vscode from 'vscode';
import { redact } from '../core/connection/profile';

/** One output channel for the extension; everything logged is redacted of passwords. */
export class Log implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('PG Lens', { log: true });

  info(message: string): void {
    this.channel.info(redact(message));
  }
  warn(message: string): void {
    this.channel.warn(redact(message));
  }
  error(message: string): void {
    this.channel.error(redact(message));
  }
  show(): void {
    this.channel.show(true);
  }
  dispose(): void {
    this.channel.dispose();
  }
}
