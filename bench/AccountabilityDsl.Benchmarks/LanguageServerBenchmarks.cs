using System.Collections.Concurrent;
using AccountabilityDsl.LanguageServer;
using AccountabilityDsl.LanguageServer.Protocol;
using BenchmarkDotNet.Attributes;
using Nerdbank.Streams;
using StreamJsonRpc;
using Range = AccountabilityDsl.LanguageServer.Protocol.Range;

namespace AccountabilityDsl.Benchmarks;

/// <summary>
/// Issue 16's criteria, on a generated policy of about 1,000 declarations, through the real
/// protocol (a StreamJsonRpc client over an in-memory duplex stream, as the tests use): the
/// time from a one-character edit to the published diagnostics may be at most twice
/// <c>PolicyCompilation.Create</c> on the same text (the baseline, same run), and hover and
/// go-to-definition must answer in under 10 ms.
/// </summary>
[Config(typeof(InProcessShortRunConfig))]
public class LanguageServerBenchmarks
{
    private const string Uri = "file:///bench/large.owner";
    private string _text = "";
    private JsonRpc _client = null!;
    private Task _server = null!;
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _published = new();
    private int _version = 1;
    private TextDocumentPositionParams _onOwner = null!;

    [GlobalSetup]
    public void Setup()
    {
        _text = PolicyGenerator.Large(62_000);
        int declarations = Syntax.SyntaxTree.Parse(_text).Declarations.Length;
        Console.WriteLine($"// {declarations} declarations, {_text.Length} characters");

        (Stream clientStream, Stream serverStream) = FullDuplexStream.CreatePair();
        _server = OwnerLanguageServer.RunAsync(serverStream, serverStream, new LanguageServerOptions());
        var formatter = new SystemTextJsonFormatter();
        ProtocolJson.Configure(formatter.JsonSerializerOptions);
        _client = new JsonRpc(new HeaderDelimitedMessageHandler(clientStream, clientStream, formatter));
        _client.AddLocalRpcTarget(new Notifications(this), new JsonRpcTargetOptions { UseSingleObjectParameterDeserialization = true });
        _client.StartListening();
        _client.InvokeWithParameterObjectAsync<object>("initialize", new { capabilities = new { } }).GetAwaiter().GetResult();
        Task opened = Expect(1);
        _client.NotifyWithParameterObjectAsync("textDocument/didOpen", new { textDocument = new TextDocumentItem(Uri, "owner", 1, _text) }).GetAwaiter().GetResult();
        opened.GetAwaiter().GetResult();

        int line = _text.Split('\n').TakeWhile(l => !l.StartsWith("accountable Team500 ", StringComparison.Ordinal)).Count();
        _onOwner = new TextDocumentPositionParams(new TextDocumentIdentifier(Uri), new Position(line, "accountable Team5".Length));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        // Closing the client's end ends the server's read loop; wait for it so no server outlives the run.
        _client.Dispose();
        _server.Wait(TimeSpan.FromSeconds(10));
    }

    [Benchmark(Baseline = true, Description = "PolicyCompilation.Create (baseline)")]
    public int Compile() => PolicyCompilation.Create(_text, "large.owner").Diagnostics.Length;

    /// <summary>Types or deletes a space at the end of the first line (a comment), then waits for the diagnostics of that version.</summary>
    [Benchmark(Description = "one-character edit -> published diagnostics")]
    public void EditToDiagnostics()
    {
        int version = ++_version;
        int column = "// Generated: a large organisation with one team per segment.".Length;
        var change = version % 2 == 0
            ? new TextDocumentContentChangeEvent(new Range(new Position(0, column), new Position(0, column)), " ")
            : new TextDocumentContentChangeEvent(new Range(new Position(0, column), new Position(0, column + 1)), "");
        Task published = Expect(version);
        _client.NotifyWithParameterObjectAsync("textDocument/didChange", new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(Uri, version), [change])).GetAwaiter().GetResult();
        published.GetAwaiter().GetResult();
    }

    [Benchmark(Description = "hover on an owner")]
    public object Hover() => _client.InvokeWithParameterObjectAsync<object>("textDocument/hover", _onOwner).GetAwaiter().GetResult();

    [Benchmark(Description = "go to definition")]
    public object Definition() => _client.InvokeWithParameterObjectAsync<object>("textDocument/definition", _onOwner).GetAwaiter().GetResult();

    private Task Expect(int version) => _published.GetOrAdd(version, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    private sealed class Notifications(LanguageServerBenchmarks owner)
    {
        [JsonRpcMethod("textDocument/publishDiagnostics")]
        public void PublishDiagnostics(PublishDiagnosticsParams published)
        {
            if (published.Version is { } version)
            {
                owner._published.GetOrAdd(version, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            }
        }
    }
}
