using System.Text.Json;
using AccountabilityDsl.LanguageServer.Features;
using AccountabilityDsl.LanguageServer.Workspace;
using Microsoft.VisualStudio.Threading;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;
using Lsp = AccountabilityDsl.LanguageServer.Protocol;

namespace AccountabilityDsl.LanguageServer;

/// <summary>Settings of a server run; tests and benchmarks change the debounce delay.</summary>
public sealed record LanguageServerOptions
{
    /// <summary>
    /// How long typing must pause before a changed document is compiled again. None by
    /// default: edits that arrive while a compile runs coalesce anyway (only the latest text
    /// is compiled next), so a pause adds latency without saving work.
    /// </summary>
    public TimeSpan DiagnosticsDelay { get; init; } = TimeSpan.Zero;

    /// <summary>The version the server reports in <c>initialize</c>.</summary>
    public string Version { get; init; } = "0.0.0";
}

/// <summary>
/// The <c>.owner</c> language server: LSP 3.17 over a pair of streams (stdio for
/// <c>ownerc lsp</c>, pipes in tests), JSON-RPC by StreamJsonRpc with System.Text.Json.
/// Messages are dispatched one at a time in arrival order (a document's edits must apply in
/// order), and each handler only swaps immutable snapshots or hands its work to the thread
/// pool, so the reading of messages never waits for a compile. Requests honour
/// <c>$/cancelRequest</c>. Shutting down is orderly: <c>shutdown</c> is answered after every
/// request before it, later requests are refused, and <c>exit</c> ends the server once every
/// answer it owes has been written.
/// </summary>
public sealed class OwnerLanguageServer : IDisposable
{
    public static readonly string[] TokenTypes = SemanticTokensProvider.TokenTypes;

    /// <summary>
    /// How long <c>exit</c> waits for answers still owed. Handlers are short and cancellable, so
    /// this only matters for a handler stuck on something outside the server; the editor has said
    /// it is leaving, and a server process left behind is worse than one lost answer.
    /// </summary>
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(10);

    private readonly JsonRpc _rpc;
    private readonly Lsp.AnswerTrackingMessageHandler _messages;
    private readonly ServerWorkspace _workspace = new(new CompilerHost());
    private readonly DiagnosticsPublisher _diagnostics;
    private readonly CancellationTokenSource _stopping = new();
    private readonly LanguageServerOptions _options;
    private readonly TaskCompletionSource _exitReceived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _diagnosticsLoop = Task.CompletedTask;
    private bool _shutdownRequested;

    private OwnerLanguageServer(Stream input, Stream output, LanguageServerOptions options)
    {
        _options = options;
        var formatter = new SystemTextJsonFormatter();
        Lsp.ProtocolJson.Configure(formatter.JsonSerializerOptions);
        _messages = new Lsp.AnswerTrackingMessageHandler(output, new Lsp.LeadingByteOrderMarkSkipper(input), formatter);
        _rpc = new JsonRpc(_messages)
        {
            SynchronizationContext = new NonConcurrentSynchronizationContext(sticky: false),
            CancelLocallyInvokedMethodsWhenConnectionIsClosed = true,
        };
        _rpc.AddLocalRpcTarget(new Handlers(this), new JsonRpcTargetOptions { UseSingleObjectParameterDeserialization = true });
        _diagnostics = new DiagnosticsPublisher(
            _workspace,
            options.DiagnosticsDelay,
            p => _rpc.NotifyWithParameterObjectAsync("textDocument/publishDiagnostics", p),
            Log);
    }

    /// <summary>Whether the client asked for <c>shutdown</c> before <c>exit</c> (the exit code says so).</summary>
    public bool ShutdownRequested => _shutdownRequested;

    /// <summary>Serves until the client sends <c>exit</c> or closes the streams.</summary>
    public static async Task<bool> RunAsync(Stream input, Stream output, LanguageServerOptions options, CancellationToken cancellation = default)
    {
        using var server = new OwnerLanguageServer(input, output, options);
        await server.RunAsync(cancellation).ConfigureAwait(false);
        return server.ShutdownRequested;
    }

    private async Task RunAsync(CancellationToken cancellation)
    {
        using CancellationTokenRegistration stop = cancellation.Register(() => _rpc.Dispose());
        _diagnosticsLoop = Task.Run(() => _diagnostics.RunAsync(_stopping.Token));
        _rpc.StartListening();
        try
        {
            // After `exit` the server stops without waiting for the reader: a read of stdin
            // cannot be cancelled, and the editor may keep the pipe open.
            Task ended = await Task.WhenAny(_rpc.Completion, _exitReceived.Task).ConfigureAwait(false);
            await ended.ConfigureAwait(false);
        }
        catch (Exception e) when (e is ConnectionLostException or ObjectDisposedException or IOException)
        {
        }
        catch (Exception e) when (e is BadRpcHeaderException or JsonException)
        {
            // Not a client speaking LSP (someone piping text in, a wrong program at the other end):
            // a reason for the person, not the transport's exception.
            throw new LanguageClientInputException(
                e is BadRpcHeaderException
                    ? $"the input is not a Language Server Protocol message header ({e.Message.TrimEnd('.')})"
                    : $"a message's content is not JSON ({e.Message.Split('.')[0]})",
                e);
        }
        finally
        {
            _diagnostics.Complete();
            await _stopping.CancelAsync().ConfigureAwait(false);
            await _diagnosticsLoop.ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        // After `exit` the reader may be blocked in a read of stdin that disposing would wait for.
        if (!_exitReceived.Task.IsCompleted)
        {
            _rpc.Dispose();
        }

        _stopping.Dispose();
    }

    private void Log(string message)
    {
        try
        {
            _ = _rpc.NotifyWithParameterObjectAsync("window/logMessage", new Lsp.ShowMessageParams(Lsp.MessageType.Log, message));
        }
        catch (Exception e) when (e is ObjectDisposedException or ConnectionLostException)
        {
        }
    }

    private DocumentAnalysis AnalysisOf(Lsp.TextDocumentIdentifier document) =>
        (_workspace.Get(document.Uri) is { } state ? _workspace.Analyze(state) : null)
        ?? throw new LocalRpcException($"unknown document '{document.Uri}': open it first") { ErrorCode = (int)JsonRpcErrorCode.InvalidParams };

    /// <summary>
    /// Runs a request's work on the thread pool, so the message loop goes on meanwhile. After
    /// <c>shutdown</c> requests are refused with InvalidRequest, as LSP says.
    /// </summary>
    private Task<T> OffLoop<T>(Func<T> work, CancellationToken cancellation)
    {
        if (_shutdownRequested)
        {
            throw new LocalRpcException("the server is shutting down: only 'exit' is accepted now") { ErrorCode = (int)JsonRpcErrorCode.InvalidRequest };
        }

        return Task.Run(
            () =>
            {
                cancellation.ThrowIfCancellationRequested();
                return work();
            },
            cancellation);
    }

    /// <summary>The JSON-RPC methods. A separate class keeps the server's own members off the wire.</summary>
    private sealed class Handlers(OwnerLanguageServer server)
    {
        private ServerWorkspace Workspace => server._workspace;

        [JsonRpcMethod("initialize")]
        public Lsp.InitializeResult Initialize(Lsp.InitializeParams request)
        {
            foreach (string folder in FoldersOf(request))
            {
                Workspace.AddFolder(folder);
            }

            return new Lsp.InitializeResult(
                new Lsp.ServerCapabilities(
                    "utf-16",
                    new Lsp.TextDocumentSyncOptions(true, Lsp.TextDocumentSyncKind.Incremental, new Lsp.SaveOptions(false)),
                    HoverProvider: true,
                    DefinitionProvider: true,
                    ReferencesProvider: true,
                    DocumentSymbolProvider: true,
                    WorkspaceSymbolProvider: true,
                    new Lsp.RenameOptions(PrepareProvider: true),
                    new Lsp.CompletionOptions([" ", ",", "."]),
                    new Lsp.CodeActionOptions(["quickfix"]),
                    DocumentFormattingProvider: true,
                    new Lsp.SemanticTokensOptions(new Lsp.SemanticTokensLegend(SemanticTokensProvider.TokenTypes, []), Full: true)),
                new Lsp.ServerInfo("ownerc", server._options.Version));
        }

        [JsonRpcMethod("initialized")]
        public void Initialized()
        {
            // Diagnostics for the policy files of the workspace that are not open, read in the background.
            _ = Task.Run(() =>
            {
                foreach (DocumentState document in Workspace.ScanFolders(server._stopping.Token))
                {
                    server._diagnostics.Enqueue(document.Key.Uri);
                }
            });
        }

        /// <summary>
        /// Answered once every request before it has been answered: a client may end the process
        /// as soon as this answer arrives (many do, if <c>exit</c> does not end it quickly).
        /// </summary>
        [JsonRpcMethod("shutdown")]
        public async Task<object?> Shutdown()
        {
            server._shutdownRequested = true;
            await server._messages.AnsweredAsync(except: "shutdown").ConfigureAwait(false);
            return null;
        }

        /// <summary>Ends the server once every answer it owes is written (with or without <c>shutdown</c> before).</summary>
        [JsonRpcMethod("exit")]
        public async Task Exit()
        {
            try
            {
                await server._messages.AnsweredAsync().WaitAsync(ExitGrace).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                server.Log($"exit: some answers were not written within {ExitGrace.TotalSeconds:0} s; exiting without them");
            }

            server._exitReceived.TrySetResult();
        }

        [JsonRpcMethod("textDocument/didOpen")]
        public void DidOpen(Lsp.DidOpenTextDocumentParams request)
        {
            Workspace.Open(request.TextDocument.Uri, request.TextDocument.Text, request.TextDocument.Version);
            server._diagnostics.Enqueue(request.TextDocument.Uri);
        }

        [JsonRpcMethod("textDocument/didChange")]
        public void DidChange(Lsp.DidChangeTextDocumentParams request)
        {
            DocumentState? before = Workspace.Get(request.TextDocument.Uri);
            if (Workspace.Change(request.TextDocument.Uri, request.TextDocument.Version, request.ContentChanges) is not null)
            {
                server._diagnostics.Enqueue(request.TextDocument.Uri, before);
            }
        }

        [JsonRpcMethod("textDocument/didClose")]
        public void DidClose(Lsp.DidCloseTextDocumentParams request)
        {
            // A workspace file keeps the diagnostics of its saved text; any other document's are cleared.
            DocumentState? before = Workspace.Get(request.TextDocument.Uri);
            Workspace.Close(request.TextDocument.Uri);
            server._diagnostics.Enqueue(request.TextDocument.Uri, before);
        }

        [JsonRpcMethod("textDocument/didSave")]
        public void DidSave(Lsp.DidSaveTextDocumentParams request) => server._diagnostics.Enqueue(request.TextDocument.Uri);

        [JsonRpcMethod("workspace/didChangeWatchedFiles")]
        public void DidChangeWatchedFiles(Lsp.DidChangeWatchedFilesParams request)
        {
            if (request.Changes.Any(c => c.Uri.EndsWith(AccountabilityDsl.Workspace.EditorConfigSeverities.FileName, StringComparison.Ordinal)))
            {
                Workspace.Host.ReloadConfiguration();
                foreach (DocumentState document in Workspace.All().ToList())
                {
                    Workspace.Reload(document.Key.Uri);
                    server._diagnostics.Enqueue(document.Key.Uri);
                }
            }

            foreach (Lsp.FileEvent change in request.Changes.Where(c => c.Uri.EndsWith(".owner", StringComparison.Ordinal)))
            {
                Workspace.Reload(change.Uri);
                server._diagnostics.Enqueue(change.Uri);
            }
        }

        [JsonRpcMethod("textDocument/hover")]
        public Task<Lsp.Hover?> Hover(Lsp.TextDocumentPositionParams request, CancellationToken cancellation) =>
            server.OffLoop(() => HoverProvider.Hover(server.AnalysisOf(request.TextDocument), request.Position), cancellation);

        [JsonRpcMethod("textDocument/definition")]
        public Task<Lsp.Location[]> Definition(Lsp.TextDocumentPositionParams request, CancellationToken cancellation) =>
            server.OffLoop(() => Navigation.Definition(server.AnalysisOf(request.TextDocument), request.Position), cancellation);

        [JsonRpcMethod("textDocument/references")]
        public Task<Lsp.Location[]> References(Lsp.ReferenceParams request, CancellationToken cancellation) =>
            server.OffLoop(() => Navigation.References(server.AnalysisOf(request.TextDocument), request.Position, request.Context.IncludeDeclaration), cancellation);

        [JsonRpcMethod("textDocument/documentSymbol")]
        public Task<Lsp.DocumentSymbol[]> DocumentSymbols(Lsp.DocumentSymbolParams request, CancellationToken cancellation) =>
            server.OffLoop(() => Navigation.DocumentSymbols(server.AnalysisOf(request.TextDocument)), cancellation);

        [JsonRpcMethod("workspace/symbol")]
        public Task<Lsp.SymbolInformation[]> WorkspaceSymbols(Lsp.WorkspaceSymbolParams request, CancellationToken cancellation) =>
            server.OffLoop(() => Navigation.WorkspaceSymbols(Workspace.All().Select(Workspace.Analyze), request.Query, cancellation), cancellation);

        [JsonRpcMethod("textDocument/prepareRename")]
        public Task<Lsp.PrepareRenameResult?> PrepareRename(Lsp.TextDocumentPositionParams request, CancellationToken cancellation) =>
            server.OffLoop(() => Rename.Prepare(server.AnalysisOf(request.TextDocument), request.Position), cancellation);

        [JsonRpcMethod("textDocument/rename")]
        public Task<Lsp.WorkspaceEdit> RenameSymbol(Lsp.RenameParams request, CancellationToken cancellation) =>
            server.OffLoop(() => Rename.Apply(server.AnalysisOf(request.TextDocument), request.Position, request.NewName), cancellation);

        [JsonRpcMethod("textDocument/completion")]
        public Task<Lsp.CompletionList> Completion(Lsp.CompletionParams request, CancellationToken cancellation) =>
            server.OffLoop(() => CompletionProvider.Complete(server.AnalysisOf(request.TextDocument), request.Position), cancellation);

        [JsonRpcMethod("textDocument/codeAction")]
        public Task<Lsp.CodeAction[]> CodeActions(Lsp.CodeActionParams request, CancellationToken cancellation) =>
            server.OffLoop(() => CodeActionProvider.Actions(server.AnalysisOf(request.TextDocument), request.Range), cancellation);

        [JsonRpcMethod("textDocument/formatting")]
        public Task<Lsp.TextEdit[]> Formatting(Lsp.DocumentFormattingParams request, CancellationToken cancellation) =>
            server.OffLoop(() => FormattingProvider.Format(server.AnalysisOf(request.TextDocument)), cancellation);

        [JsonRpcMethod("textDocument/semanticTokens/full")]
        public Task<Lsp.SemanticTokens> SemanticTokens(Lsp.SemanticTokensParams request, CancellationToken cancellation) =>
            server.OffLoop(() => SemanticTokensProvider.Tokens(server.AnalysisOf(request.TextDocument)), cancellation);

        private static IEnumerable<string> FoldersOf(Lsp.InitializeParams request)
        {
            if (request.WorkspaceFolders is { Length: > 0 } folders)
            {
                return folders.Select(f => DocumentKey.FromUri(f.Uri)).Where(k => k.IsFile).Select(k => k.Path);
            }

            if (request.RootUri is { } root && DocumentKey.FromUri(root) is { IsFile: true } key)
            {
                return [key.Path];
            }

            return request.RootPath is { Length: > 0 } path ? [path] : [];
        }
    }
}

/// <summary>
/// The client sent something that is not the Language Server Protocol (a malformed header or a
/// body that is not JSON): the session cannot go on, and the host says why in one line.
/// </summary>
public sealed class LanguageClientInputException(string message, Exception inner) : Exception(message, inner);
