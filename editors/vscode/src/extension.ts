// The VS Code client of the .owner language server: starts `ownerc lsp` (the `owner.ownercPath`
// setting says where ownerc is) and connects it to every .owner file through the standard
// language client. All the language smarts are in the server; this file only wires it up.
import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from "vscode-languageclient/node";

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (change) => {
      if (change.affectsConfiguration("owner.ownercPath")) {
        await restart();
      }
    }),
    vscode.commands.registerCommand("owner.restartServer", restart),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

async function start(): Promise<void> {
  const ownerc = vscode.workspace.getConfiguration("owner").get<string>("ownercPath") || "ownerc";
  const serverOptions: ServerOptions = { command: ownerc, args: ["lsp"], transport: TransportKind.stdio };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: "owner" }],
    synchronize: {
      // The server reads the workspace's other policy files and their .editorconfig severities.
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.owner,.editorconfig}"),
    },
  };
  client = new LanguageClient("owner", "AccountabilityDsl", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    void vscode.window.showErrorMessage(
      `Could not start the .owner language server with '${ownerc} lsp': ${error}. Set 'owner.ownercPath' to the ownerc command.`,
    );
  }
}

async function restart(): Promise<void> {
  await deactivate();
  await start();
}
