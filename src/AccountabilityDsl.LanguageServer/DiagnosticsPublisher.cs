using System.Threading.Channels;
using AccountabilityDsl.LanguageServer.Features;
using AccountabilityDsl.LanguageServer.Workspace;
using Lsp = AccountabilityDsl.LanguageServer.Protocol;

namespace AccountabilityDsl.LanguageServer;

/// <summary>
/// Compiles documents and publishes their diagnostics off the message loop. Edits are
/// debounced: a document that changes is queued, and after <see cref="Delay"/> without a newer
/// change the latest text is compiled once; changes that arrive while a compile runs wait for
/// it and are then compiled as one, so bursts of typing coalesce. A
/// compile that finished for a text the editor has since replaced is not published. The other
/// files of a changed document's policy are published with it (a name declared in one file is
/// used in the others), and so are those of the policy it belonged to before the edit.
/// </summary>
internal sealed class DiagnosticsPublisher
{
    private readonly Channel<(string Uri, DocumentState? Before)> _queue =
        Channel.CreateUnbounded<(string, DocumentState?)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ServerWorkspace _workspace;
    private readonly Func<Lsp.PublishDiagnosticsParams, Task> _publish;
    private readonly Action<string> _log;

    public DiagnosticsPublisher(ServerWorkspace workspace, TimeSpan delay, Func<Lsp.PublishDiagnosticsParams, Task> publish, Action<string> log)
    {
        _workspace = workspace;
        Delay = delay;
        _publish = publish;
        _log = log;
    }

    public TimeSpan Delay { get; }

    /// <summary>Queues a document, with its state before the change when its policy may have changed.</summary>
    public void Enqueue(string uri, DocumentState? before = null) => _queue.Writer.TryWrite((uri, before));

    public void Complete() => _queue.Writer.TryComplete();

    public async Task RunAsync(CancellationToken cancellation)
    {
        var dirty = new HashSet<string>(StringComparer.Ordinal);
        var previousPolicies = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(cancellation).ConfigureAwait(false))
            {
                // Wait for the typing to pause: every change that arrives meanwhile joins this batch.
                do
                {
                    while (_queue.Reader.TryRead(out (string Uri, DocumentState? Before) item))
                    {
                        dirty.Add(item.Uri);
                        if (item.Before is not null)
                        {
                            previousPolicies.Add(CompilerHost.GroupKey(item.Before));
                        }
                    }

                    if (Delay > TimeSpan.Zero)
                    {
                        await Task.Delay(Delay, cancellation).ConfigureAwait(false);
                    }
                }
                while (_queue.Reader.TryPeek(out _));

                var published = new HashSet<string>(StringComparer.Ordinal);
                foreach (string uri in dirty)
                {
                    await PublishAsync(uri, published).ConfigureAwait(false);
                }

                foreach (string uri in _workspace.UrisOfPolicies(previousPolicies).ToList())
                {
                    await PublishAsync(uri, published).ConfigureAwait(false);
                }

                dirty.Clear();
                previousPolicies.Clear();
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
    }

    private async Task PublishAsync(string uri, HashSet<string> published)
    {
        if (!published.Add(uri))
        {
            return;
        }

        try
        {
            DocumentState? state = _workspace.Get(uri);
            if (state is null)
            {
                await _publish(new Lsp.PublishDiagnosticsParams(uri, null, [])).ConfigureAwait(false);
                return;
            }

            DocumentAnalysis analysis = _workspace.Analyze(state);
            if (!ReferenceEquals(_workspace.Get(uri), state))
            {
                return; // Edited meanwhile: the newer text is queued already.
            }

            await _publish(new Lsp.PublishDiagnosticsParams(uri, state.Version, DiagnosticConverter.Convert(analysis))).ConfigureAwait(false);

            // The policy's other files, from the same compilation.
            foreach (Syntax.SyntaxTree other in analysis.Compilation.SyntaxTrees.Where(t => !ReferenceEquals(t.Source, analysis.Source)))
            {
                string otherUri = DocumentKey.UriOfPath(other.Source.FilePath);
                if (published.Add(otherUri) && _workspace.Get(otherUri) is { } otherState && ReferenceEquals(otherState.Source, other.Source))
                {
                    DocumentAnalysis seen = _workspace.Analyze(otherState);
                    await _publish(new Lsp.PublishDiagnosticsParams(otherUri, otherState.Version, DiagnosticConverter.Convert(seen))).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One document the compiler fails on must not stop diagnostics for the others.
            _log($"could not compute diagnostics for {uri}: {e.GetType().Name}: {e.Message}");
        }
    }
}
