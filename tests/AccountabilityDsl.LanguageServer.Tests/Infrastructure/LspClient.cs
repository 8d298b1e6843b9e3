using System.Collections.Concurrent;
using System.Text.Json;
using AccountabilityDsl.LanguageServer;
using AccountabilityDsl.LanguageServer.Protocol;
using Nerdbank.Streams;
using StreamJsonRpc;
using Range = AccountabilityDsl.LanguageServer.Protocol.Range;

namespace AccountabilityDsl.LanguageServer.Tests.Infrastructure;

/// <summary>
/// A language client for tests: the real server on one end of an in-memory duplex stream,
/// StreamJsonRpc with LSP framing on the other, exactly as an editor talks to <c>ownerc lsp</c>.
/// Published diagnostics are collected per document.
/// </summary>
public sealed class LspClient : IAsyncDisposable
{
    private readonly JsonRpc _rpc;
    private readonly Task<bool> _server;
    private readonly ConcurrentDictionary<string, List<PublishDiagnosticsParams>> _published = new();
    private readonly SemaphoreSlim _publishedSignal = new(0);
    private readonly Dictionary<string, int> _versions = [];

    private LspClient(JsonRpc rpc, Task<bool> server)
    {
        _rpc = rpc;
        _server = server;
    }

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public JsonRpc Rpc => _rpc;

    public Task<bool> Server => _server;

    public static async Task<LspClient> StartAsync(string? workspaceFolder = null, TimeSpan? diagnosticsDelay = null)
    {
        (Stream clientStream, Stream serverStream) = FullDuplexStream.CreatePair();
        Task<bool> server = Task.Run(() => OwnerLanguageServer.RunAsync(
            serverStream, serverStream, new LanguageServerOptions { DiagnosticsDelay = diagnosticsDelay ?? TimeSpan.FromMilliseconds(10), Version = "test" }));
        var formatter = new SystemTextJsonFormatter();
        ProtocolJson.Configure(formatter.JsonSerializerOptions);
        var rpc = new JsonRpc(new HeaderDelimitedMessageHandler(clientStream, clientStream, formatter));
        var client = new LspClient(rpc, server);
        rpc.AddLocalRpcTarget(new Notifications(client), new JsonRpcTargetOptions { UseSingleObjectParameterDeserialization = true });
        rpc.StartListening();
        string? rootUri = workspaceFolder is null ? null : new Uri(workspaceFolder).AbsoluteUri;
        await client.RequestAsync<JsonElement>("initialize", new
        {
            processId = Environment.ProcessId,
            rootUri,
            workspaceFolders = rootUri is null ? null : new[] { new { uri = rootUri, name = "policies" } },
            capabilities = new { },
        });
        await rpc.NotifyWithParameterObjectAsync("initialized", new { });
        return client;
    }

    /// <summary>What the server sends the client unasked.</summary>
    private sealed class Notifications(LspClient client)
    {
        [JsonRpcMethod("textDocument/publishDiagnostics")]
        public void PublishDiagnostics(PublishDiagnosticsParams published) => client.OnPublish(published);

        [JsonRpcMethod("window/logMessage")]
        public void LogMessage(ShowMessageParams message) => client.Log.Add(message.Message);
    }

    public ConcurrentBag<string> Log { get; } = [];

    private void OnPublish(PublishDiagnosticsParams published)
    {
        List<PublishDiagnosticsParams> list = _published.GetOrAdd(published.Uri, _ => []);
        lock (list)
        {
            list.Add(published);
        }

        _publishedSignal.Release();
    }

    public Task<T> RequestAsync<T>(string method, object parameters, CancellationToken cancellation = default) =>
        _rpc.InvokeWithParameterObjectAsync<T>(method, parameters, cancellation).WaitAsync(Timeout, cancellation);

    public static string UriOf(string path) => new Uri(path).AbsoluteUri;

    public async Task<string> OpenAsync(string path, string text)
    {
        string uri = UriOf(path);
        _versions[uri] = 1;
        await _rpc.NotifyWithParameterObjectAsync("textDocument/didOpen", new { textDocument = new TextDocumentItem(uri, "owner", 1, text) });
        return uri;
    }

    public Task ChangeAsync(string uri, Range? range, string text)
    {
        int version = _versions[uri] = _versions.GetValueOrDefault(uri) + 1;
        return _rpc.NotifyWithParameterObjectAsync("textDocument/didChange", new DidChangeTextDocumentParams(
            new VersionedTextDocumentIdentifier(uri, version), [new TextDocumentContentChangeEvent(range, text)]));
    }

    public int VersionOf(string uri) => _versions[uri];

    /// <summary>Waits for diagnostics of the document that satisfy the condition (by default: of its latest version).</summary>
    public async Task<PublishDiagnosticsParams> DiagnosticsAsync(string uri, Func<PublishDiagnosticsParams, bool>? condition = null)
    {
        condition ??= p => p.Version == _versions.GetValueOrDefault(uri, -1) || (!_versions.ContainsKey(uri) && p.Version is null);
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            if (_published.TryGetValue(uri, out List<PublishDiagnosticsParams>? list))
            {
                lock (list)
                {
                    if (list.LastOrDefault(condition) is { } found)
                    {
                        return found;
                    }
                }
            }

            await _publishedSignal.WaitAsync(timeout.Token);
        }
    }

    public IReadOnlyList<PublishDiagnosticsParams> PublishedFor(string uri)
    {
        if (!_published.TryGetValue(uri, out List<PublishDiagnosticsParams>? list))
        {
            return [];
        }

        lock (list)
        {
            return [.. list];
        }
    }

    public static TextDocumentPositionParams At(string uri, int line, int character) => new(new TextDocumentIdentifier(uri), new Position(line, character));

    public async Task<bool> ShutdownAsync()
    {
        await RequestAsync<JsonElement>("shutdown", new { });
        await _rpc.NotifyAsync("exit");
        return await _server.WaitAsync(Timeout);
    }

    public async ValueTask DisposeAsync()
    {
        _rpc.Dispose();
        try
        {
            await _server.WaitAsync(Timeout);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
